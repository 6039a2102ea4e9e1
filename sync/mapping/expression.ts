/**
 * `$column` references in computed expressions and filters. The expression is SQL run in the
 * target; each `$name` becomes a reference to the bound source value. Quoted strings and
 * quoted identifiers are left alone; dollar-quoted strings are not supported in expressions.
 */
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_$]/;

/** The source columns an expression refers to, in order of first use. */
export function referencedColumns(expression: string): string[] {
  const names: string[] = [];
  rewriteReferences(expression, (name) => {
    if (!names.includes(name)) names.push(name);
    return '';
  });
  return names;
}

/** Replaces every `$name` outside quotes by `replace(name)`. */
export function rewriteReferences(expression: string, replace: (name: string) => string): string {
  let out = '';
  let index = 0;
  while (index < expression.length) {
    const char = expression[index] ?? '';
    if (char === "'" || char === '"') {
      const end = closingQuote(expression, index, char);
      out += expression.slice(index, end);
      index = end;
      continue;
    }
    if (char === '$' && IDENT_START.test(expression[index + 1] ?? '')) {
      let end = index + 2;
      while (end < expression.length && IDENT_PART.test(expression[end] ?? '') && expression[end] !== '$') end++;
      out += replace(expression.slice(index + 1, end));
      index = end;
      continue;
    }
    out += char;
    index++;
  }
  return out;
}

/** Index just past the quote that closes the one at `start` (a doubled quote is an escaped one). */
function closingQuote(text: string, start: number, quote: string): number {
  let index = start + 1;
  while (index < text.length) {
    if (text[index] === quote) {
      if (text[index + 1] === quote) {
        index += 2;
        continue;
      }
      return index + 1;
    }
    index++;
  }
  return text.length;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
