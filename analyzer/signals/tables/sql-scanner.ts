/**
 * Finds the tables one SQL text reads and writes. Reads: FROM / JOIN / USING items
 * (subqueries followed, function calls and CTE names skipped). Writes: INSERT INTO, UPDATE,
 * DELETE FROM, MERGE INTO, TRUNCATE, COPY … FROM. Only statements that start with a SQL
 * verb in upper or lower case (`Select a product…` is prose) are read.
 */
import { CLAUSE_ENDS, RESERVED, PROSE_WORDS, QUERY_HEADS, SQL_VERBS, UPDATE_STARTERS } from './sql-keywords.js';
import { tokenizeSql, type SqlToken } from './sql-tokens.js';

export interface SqlTableRef {
  /** Name parts without quotes, unquoted ones folded to lower case, e.g. ['public', 'orders'] or ['MarketData']. */
  parts: string[];
  write: boolean;
}

export interface SqlScan {
  tables: SqlTableRef[];
  /** Table positions filled by a `${…}` substitution. */
  dynamic: number;
}

function splitStatements(tokens: SqlToken[]): SqlToken[][] {
  const statements: SqlToken[][] = [];
  let current: SqlToken[] = [];
  for (const token of tokens) {
    if (token.kind === 'punct' && token.text === ';') {
      if (current.length > 0) statements.push(current);
      current = [];
    } else {
      current.push(token);
    }
  }
  if (current.length > 0) statements.push(current);
  return statements;
}

const isPunct = (token: SqlToken | undefined, text: string): boolean => token?.kind === 'punct' && token.text === text;
const isWord = (token: SqlToken | undefined, upper: string): boolean => token?.kind === 'word' && token.upper === upper;

/** Index of the statement's verb (after `(` and EXPLAIN options), or -1. */
function verbIndex(tokens: SqlToken[], close: Int32Array): number {
  let index = 0;
  while (isPunct(tokens[index], '(')) index++;
  if (isWord(tokens[index], 'EXPLAIN')) {
    index++;
    if (isPunct(tokens[index], '(')) index = (close[index] ?? index) + 1;
    while (isWord(tokens[index], 'ANALYZE') || isWord(tokens[index], 'VERBOSE')) index++;
  }
  const verb = tokens[index];
  return verb?.kind === 'word' && SQL_VERBS.has(verb.upper) ? index : -1;
}

/** True when the statement reads as SQL rather than prose that happens to start with a verb. */
function looksLikeSql(tokens: SqlToken[], verb: number): boolean {
  const head = tokens[verb];
  if (!head) return false;
  const text = head.text;
  const consistent = text === text.toUpperCase() || text === text.toLowerCase();
  const last = tokens[tokens.length - 1];
  if (isPunct(last, '.') || isPunct(last, '!') || tokens.some((token) => token.unterminated)) return false;
  if (!consistent) {
    // "Select a product from the list": capitalised like a sentence, no SQL punctuation.
    const sqlish = tokens.some(
      (token) =>
        (token.kind === 'param' && token !== last && !token.text.startsWith('@')) ||
        token.kind === 'quoted' ||
        (token.kind === 'punct' && ['*', '=', ',', '('].includes(token.text)),
    );
    if (!sqlish) return false;
  }
  const next = tokens[verb + 1];
  switch (head.upper) {
    case 'INSERT':
      return tokens.slice(verb + 1, verb + 4).some((token) => isWord(token, 'INTO'));
    case 'DELETE':
      return isWord(next, 'FROM');
    case 'MERGE':
      return isWord(next, 'INTO');
    case 'UPDATE':
      return tokens.some((token) => isWord(token, 'SET'));
    case 'WITH':
      return tokens.some((token) => isWord(token, 'AS'));
    case 'TABLE':
      return tokens.length - verb <= 4;
    case 'COPY':
      return copyLooksLikeSql(tokens, verb);
    default:
      return next !== undefined;
  }
}

/** COPY name [(columns)] FROM|TO STDIN|STDOUT|PROGRAM|'file', or COPY (query) TO …. */
function copyLooksLikeSql(tokens: SqlToken[], verb: number): boolean {
  const { close } = matchParens(tokens);
  let at = verb + 1;
  if (isPunct(tokens[at], '(')) {
    at = (close[at] ?? at) + 1;
  } else {
    const isName = (token: SqlToken | undefined): boolean => token?.kind === 'word' || token?.kind === 'quoted';
    if (!isName(tokens[at])) return false;
    at++;
    while (isPunct(tokens[at], '.') && isName(tokens[at + 1])) at += 2;
    if (isPunct(tokens[at], '(')) at = (close[at] ?? at) + 1;
  }
  const target = tokens[at + 1];
  if (!isWord(tokens[at], 'FROM') && !isWord(tokens[at], 'TO')) return false;
  return (
    target?.kind === 'string' ||
    target?.kind === 'param' ||
    (target?.kind === 'word' && ['STDIN', 'STDOUT', 'PROGRAM'].includes(target.upper))
  );
}

function matchParens(tokens: SqlToken[]): { close: Int32Array; open: Int32Array } {
  const close = new Int32Array(tokens.length).fill(-1);
  const open = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  tokens.forEach((token, index) => {
    open[index] = stack[stack.length - 1] ?? -1;
    if (isPunct(token, '(')) stack.push(index);
    else if (isPunct(token, ')')) {
      const start = stack.pop();
      if (start !== undefined) {
        close[start] = index;
        open[index] = stack[stack.length - 1] ?? -1;
      }
    }
  });
  for (const start of stack) close[start] = tokens.length - 1;
  return { close, open };
}

/** Scans one statement; returns false when it turns out to be prose. */
class StatementScanner {
  private readonly close: Int32Array;
  private readonly open: Int32Array;
  private readonly ctes = new Set<string>();
  private readonly handled = new Set<number>();
  private readonly fromGroups = new Set<number>();
  readonly tables: SqlTableRef[] = [];
  dynamic = 0;
  prose = false;

  constructor(private readonly tokens: SqlToken[]) {
    ({ close: this.close, open: this.open } = matchParens(tokens));
  }

  scan(): void {
    this.tokens.forEach((token, index) => {
      if (isWord(token, 'WITH')) this.collectCtes(index + 1);
    });
    this.tokens.forEach((token, index) => {
      if (token.kind === 'word') this.visit(token.upper, index);
    });
  }

  private visit(word: string, index: number): void {
    const next = this.tokens[index + 1];
    switch (word) {
      case 'FROM':
        if (this.handled.has(index) || isWord(this.tokens[index - 1], 'DISTINCT') || !this.inQuery(index)) return;
        this.clause(index + 1);
        return;
      case 'JOIN':
        this.item(index + 1, false);
        return;
      case 'USING':
        if (!isPunct(next, '(')) this.clause(index + 1);
        return;
      case 'INSERT': {
        const into = [1, 2, 3].map((offset) => index + offset).find((at) => isWord(this.tokens[at], 'INTO'));
        if (into !== undefined) this.name(into + 1, true, true);
        return;
      }
      case 'UPDATE': {
        const previous = this.tokens[index - 1];
        const starts = previous === undefined || UPDATE_STARTERS.has(previous.kind === 'word' ? previous.upper : previous.text);
        if (starts && !isWord(next, 'SET')) this.name(this.skipWords(index + 1, ['ONLY']), true, false);
        return;
      }
      case 'DELETE':
        if (isWord(next, 'FROM')) {
          this.handled.add(index + 1);
          this.name(this.skipWords(index + 2, ['ONLY']), true, false);
        }
        return;
      case 'MERGE':
        if (isWord(next, 'INTO')) this.name(this.skipWords(index + 2, ['ONLY']), true, false);
        return;
      case 'TRUNCATE': {
        let at = this.skipWords(index + 1, ['TABLE', 'ONLY']);
        for (;;) {
          const after = this.name(at, true, false);
          if (after === undefined || !isPunct(this.tokens[after], ',')) return;
          at = this.skipWords(after + 1, ['ONLY']);
        }
      }
      case 'COPY':
        this.copy(index);
        return;
      case 'TABLE':
        if (index === 0 || isPunct(this.tokens[index - 1], '(')) this.name(index + 1, false, false);
        return;
    }
  }

  private copy(index: number): void {
    if (isPunct(this.tokens[index + 1], '(')) return;
    let after = this.nameEnd(index + 1);
    if (after === undefined) return;
    if (isPunct(this.tokens[after], '(')) after = (this.close[after] ?? after) + 1;
    const direction = this.tokens[after];
    if (isWord(direction, 'FROM')) this.handled.add(after);
    this.name(index + 1, isWord(direction, 'FROM'), true);
  }

  private skipWords(index: number, words: string[]): number {
    let at = index;
    while (words.some((word) => isWord(this.tokens[at], word))) at++;
    return at;
  }

  /** FROM counts at the top level and inside query groups, not in EXTRACT(x FROM y) and friends. */
  private inQuery(index: number): boolean {
    const group = this.open[index] ?? -1;
    if (group < 0 || this.fromGroups.has(group)) return true;
    const first = this.tokens[group + 1];
    return first !== undefined && (isPunct(first, '(') || (first.kind === 'word' && QUERY_HEADS.has(first.upper)));
  }

  private collectCtes(start: number): void {
    let at = this.skipWords(start, ['RECURSIVE']);
    const names: string[] = [];
    for (;;) {
      const name = this.tokens[at];
      if (!name || (name.kind !== 'word' && name.kind !== 'quoted') || (name.kind === 'word' && RESERVED.has(name.upper))) break;
      at++;
      if (isPunct(this.tokens[at], '(')) at = (this.close[at] ?? at) + 1;
      if (!isWord(this.tokens[at], 'AS')) break;
      at = this.skipWords(at + 1, ['NOT', 'MATERIALIZED']);
      if (!isPunct(this.tokens[at], '(')) break;
      names.push(name.text.toLowerCase());
      at = (this.close[at] ?? at) + 1;
      if (!isPunct(this.tokens[at], ',')) break;
      at++;
    }
    for (const name of names) this.ctes.add(name);
  }

  /** A FROM (or USING) clause: its first item, then one item after each comma at the clause's level. */
  private clause(start: number): void {
    this.item(start, false);
    for (let at = start; at < this.tokens.length; at++) {
      const token = this.tokens[at];
      if (!token) return;
      if (isPunct(token, '(')) at = this.close[at] ?? at;
      else if (isPunct(token, ')') || (token.kind === 'word' && CLAUSE_ENDS.has(token.upper))) return;
      else if (isPunct(token, ',')) this.item(at + 1, false);
    }
  }

  /** One FROM item; returns the index after it (and its alias). */
  private item(start: number, write: boolean): number | undefined {
    let at = this.skipWords(start, ['LATERAL', 'ONLY']);
    const first = this.tokens[at];
    if (!first) return undefined;
    if (isPunct(first, '(')) {
      const head = this.tokens[at + 1];
      const isQuery = head !== undefined && (isPunct(head, '(') || (head.kind === 'word' && QUERY_HEADS.has(head.upper)));
      if (!isQuery) {
        this.fromGroups.add(at);
        this.item(at + 1, write);
      }
      at = (this.close[at] ?? at) + 1;
    } else {
      const end = this.nameEnd(at);
      if (end === undefined) return undefined;
      if (isPunct(this.tokens[end], '(')) {
        at = (this.close[end] ?? end) + 1; // a set-returning function
      } else {
        this.emit(at, end, write);
        at = end;
        if (isPunct(this.tokens[at], '*')) at++;
      }
    }
    return this.alias(at);
  }

  private alias(start: number): number {
    let at = start;
    if (isWord(this.tokens[at], 'AS')) at++;
    const alias = this.tokens[at];
    if (alias && (alias.kind === 'quoted' || (alias.kind === 'word' && !RESERVED.has(alias.upper)))) {
      at++;
      if (isPunct(this.tokens[at], '(')) at = (this.close[at] ?? at) + 1;
    }
    return at;
  }

  /** A (qualified) name at `start` and emits it; returns the index after it. */
  private name(start: number, write: boolean, allowColumns: boolean): number | undefined {
    const end = this.nameEnd(start);
    if (end === undefined) return undefined;
    if (!allowColumns && isPunct(this.tokens[end], '(')) return undefined;
    this.emit(start, end, write);
    return end;
  }

  private nameEnd(start: number): number | undefined {
    let at = start;
    for (;;) {
      const part = this.tokens[at];
      if (!part || (part.kind !== 'word' && part.kind !== 'quoted') || (part.kind === 'word' && RESERVED.has(part.upper))) return undefined;
      at++;
      if (!isPunct(this.tokens[at], '.')) return at;
      at++;
    }
  }

  private emit(start: number, end: number, write: boolean): void {
    const parts: string[] = [];
    // Unquoted identifiers fold to lower case; quoted ones keep theirs.
    for (let at = start; at < end; at += 2) {
      const token = this.tokens[at];
      parts.push(token?.kind === 'word' ? token.text.toLowerCase() : (token?.text ?? ''));
    }
    const last = this.tokens[end - 1];
    if (!last || last.dynamic) {
      this.dynamic++;
      return;
    }
    if (parts.length === 1 && last.kind === 'word' && PROSE_WORDS.has(last.text.toLowerCase())) this.prose = true;
    if (parts.length === 1 && this.ctes.has(last.text.toLowerCase())) return;
    this.tables.push({ parts: parts.filter((part, index) => index === parts.length - 1 || !part.includes('\u0001')), write });
  }
}

/** The tables a SQL text reads and writes, or undefined when the text is not SQL. */
export function scanSql(sql: string): SqlScan | undefined {
  const tokens = tokenizeSql(sql);
  let isSql = false;
  const scan: SqlScan = { tables: [], dynamic: 0 };
  for (const statement of splitStatements(tokens)) {
    const parens = matchParens(statement);
    const verb = verbIndex(statement, parens.close);
    if (verb < 0 || !looksLikeSql(statement, verb)) continue;
    const scanner = new StatementScanner(statement);
    scanner.scan();
    if (scanner.prose) continue;
    isSql = true;
    scan.tables.push(...scanner.tables);
    scan.dynamic += scanner.dynamic;
  }
  return isSql ? scan : undefined;
}
