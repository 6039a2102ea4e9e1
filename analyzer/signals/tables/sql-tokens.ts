/**
 * A small SQL tokenizer (PostgreSQL lexical rules, which cover the other dialects' common
 * ground): comments (`--`, nested `/* *\/`) dropped, string literals ('…', E'…', $tag$…$tag$)
 * kept as one opaque token, quoted identifiers ("…", `…`) unquoted, parameters ($1, ?, :name)
 * recognised. `PLACEHOLDER` stands for a `${…}` substitution of a template literal.
 * See https://www.postgresql.org/docs/current/sql-syntax-lexical.html
 */

export const PLACEHOLDER = '\u0001';

export type SqlTokenKind = 'word' | 'quoted' | 'string' | 'number' | 'param' | 'punct';

export interface SqlToken {
  kind: SqlTokenKind;
  /** Words upper-cased for keyword tests are in `upper`; `text` keeps the original. */
  text: string;
  upper: string;
  /** True when a `${…}` substitution is part of the token (a dynamic name). */
  dynamic: boolean;
  /** A string or quoted identifier without its closing quote: the text is not SQL. */
  unterminated: boolean;
}

const LETTER = /[A-Za-z_\u0080-\uffff]/;
const LETTER_OR_DIGIT = /[A-Za-z0-9_$\u0080-\uffff]/;
const isWordStart = (char: string): boolean => char === PLACEHOLDER || LETTER.test(char);
const isWordPart = (char: string): boolean => char === PLACEHOLDER || LETTER_OR_DIGIT.test(char);

function token(kind: SqlTokenKind, text: string, unterminated = false): SqlToken {
  return { kind, text, upper: kind === 'word' ? text.toUpperCase() : text, dynamic: text.includes(PLACEHOLDER), unterminated };
}

/** Index after a quoted run that starts at `start` (the quote) and doubles the quote to escape it; -1 when it never closes. */
function skipQuoted(sql: string, start: number, quote: string, backslash: boolean): number {
  let index = start + 1;
  while (index < sql.length) {
    const char = sql[index];
    if (backslash && char === '\\') {
      index += 2;
      continue;
    }
    if (char === quote) {
      if (sql[index + 1] === quote) {
        index += 2;
        continue;
      }
      return index + 1;
    }
    index++;
  }
  return -1;
}

function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let index = start;
  while (index < sql.length) {
    if (sql.startsWith('/*', index)) {
      depth++;
      index += 2;
    } else if (sql.startsWith('*/', index)) {
      depth--;
      index += 2;
      if (depth === 0) return index;
    } else {
      index++;
    }
  }
  return sql.length;
}

export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let index = 0;
  while (index < sql.length) {
    const char = sql[index] ?? '';
    const next = sql[index + 1] ?? '';
    if (/\s/.test(char)) {
      index++;
    } else if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', index);
      index = end < 0 ? sql.length : end + 1;
    } else if (char === '#' && next === ' ') {
      // MySQL line comment.
      const end = sql.indexOf('\n', index);
      index = end < 0 ? sql.length : end + 1;
    } else if (char === '/' && next === '*') {
      index = skipBlockComment(sql, index);
    } else if (char === "'" || ((char === 'E' || char === 'e') && next === "'")) {
      const end = skipQuoted(sql, char === "'" ? index : index + 1, "'", char !== "'");
      tokens.push(token('string', sql.slice(index, end < 0 ? sql.length : end), end < 0));
      index = end < 0 ? sql.length : end;
    } else if (char === '"' || char === '`') {
      const end = skipQuoted(sql, index, char, false);
      const inner = sql
        .slice(index + 1, end < 0 ? sql.length : end - 1)
        .split(char + char)
        .join(char);
      tokens.push(token('quoted', inner, end < 0));
      index = end < 0 ? sql.length : end;
    } else if (char === '$' && /[0-9]/.test(next)) {
      let end = index + 1;
      while (end < sql.length && /[0-9]/.test(sql[end] ?? '')) end++;
      tokens.push(token('param', sql.slice(index, end)));
      index = end;
    } else if (char === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(index, index + 64));
      if (tag) {
        const close = sql.indexOf(tag[0], index + tag[0].length);
        const end = close < 0 ? sql.length : close + tag[0].length;
        tokens.push(token('string', sql.slice(index, end), close < 0));
        index = end;
      } else {
        tokens.push(token('punct', char));
        index++;
      }
    } else if (char === ':' && next === ':') {
      tokens.push(token('punct', '::'));
      index += 2;
    } else if ((char === ':' || char === '@') && /[A-Za-z_]/.test(next)) {
      let end = index + 1;
      while (end < sql.length && isWordPart(sql[end] ?? '')) end++;
      tokens.push(token('param', sql.slice(index, end)));
      index = end;
    } else if (char === '?') {
      tokens.push(token('param', char));
      index++;
    } else if (isWordStart(char)) {
      let end = index + 1;
      while (end < sql.length && isWordPart(sql[end] ?? '')) end++;
      tokens.push(token('word', sql.slice(index, end)));
      index = end;
    } else if (/[0-9]/.test(char)) {
      let end = index + 1;
      while (end < sql.length && /[0-9.eE]/.test(sql[end] ?? '')) end++;
      tokens.push(token('number', sql.slice(index, end)));
      index = end;
    } else {
      tokens.push(token('punct', char));
      index++;
    }
  }
  return tokens;
}
