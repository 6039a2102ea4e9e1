/**
 * A parser for COPY ... TO STDOUT in text format (PostgreSQL docs, COPY, "Text Format"):
 * one row per line, columns separated by tabs, `\N` for NULL, and backslash escapes
 * (\b \f \n \r \t \v \\, \digits octal, \xhex) for the bytes that would clash. Values are
 * the column types' text output, kept as strings. Chunks may split lines anywhere; a line
 * is decoded only once its newline has arrived, so multi-byte UTF-8 is never cut.
 */
const NEWLINE = 0x0a;

const SIMPLE_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Resolves the backslash escapes of one text-format field (not `\N`, which the caller handles). */
export function unescapeCopyField(field: string): string {
  if (!field.includes('\\')) return field;
  let out = '';
  let bytes: number[] | undefined;
  const flushBytes = (): void => {
    if (bytes) out += Buffer.from(bytes).toString('utf8');
    bytes = undefined;
  };
  for (let i = 0; i < field.length; i++) {
    const char = field[i] ?? '';
    if (char !== '\\' || i + 1 >= field.length) {
      flushBytes();
      out += char;
      continue;
    }
    const next = field[i + 1] ?? '';
    const octal = /^[0-7]{1,3}/.exec(field.slice(i + 1, i + 4));
    const hex = next === 'x' ? /^[0-9a-fA-F]{1,2}/.exec(field.slice(i + 2, i + 4)) : null;
    if (octal) {
      (bytes ??= []).push(parseInt(octal[0], 8) & 0xff);
      i += octal[0].length;
    } else if (hex) {
      (bytes ??= []).push(parseInt(hex[0], 16));
      i += 1 + hex[0].length;
    } else {
      flushBytes();
      out += SIMPLE_ESCAPES[next] ?? next;
      i += 1;
    }
  }
  flushBytes();
  return out;
}

export class CopyTextParser {
  private carry: Buffer | undefined;

  /** The complete rows in `chunk` (plus what was carried over); each row is its fields, null for NULL. */
  push(chunk: Buffer): Array<Array<string | null>> {
    let data = chunk;
    if (this.carry) {
      data = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    }
    const last = data.lastIndexOf(NEWLINE);
    if (last === -1) {
      this.carry = data;
      return [];
    }
    if (last < data.length - 1) this.carry = Buffer.from(data.subarray(last + 1));
    const lines = data.toString('utf8', 0, last).split('\n');
    const rows = new Array<Array<string | null>>(lines.length);
    for (let r = 0; r < lines.length; r++) {
      const fields = (lines[r] ?? '').split('\t');
      const row = new Array<string | null>(fields.length);
      for (let f = 0; f < fields.length; f++) {
        const field = fields[f] ?? '';
        row[f] = field === '\\N' ? null : unescapeCopyField(field);
      }
      rows[r] = row;
    }
    return rows;
  }

  /** Throws if the input ended inside a line. */
  end(): void {
    if (this.carry && this.carry.length > 0) throw new RangeError(`COPY output ended inside a row (${this.carry.length} bytes left)`);
  }
}

/** Rows in raw COPY text: every row ends with a newline byte, and a newline inside a value is escaped as `\n`. */
export function countCopyRows(chunks: readonly Buffer[]): number {
  let rows = 0;
  for (const chunk of chunks) {
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) rows++;
  }
  return rows;
}

/** The fields of the last row of raw COPY text (complete rows only), without parsing the others; undefined when empty. */
export function lastCopyRow(chunks: readonly Buffer[]): Array<string | null> | undefined {
  const tail: Buffer[] = [];
  for (let index = chunks.length - 1; index >= 0; index--) {
    const chunk = chunks[index];
    if (!chunk || chunk.length === 0) continue;
    tail.unshift(chunk);
    const joined = tail.length === 1 ? chunk : Buffer.concat(tail);
    // The row's end is the final byte; its start follows the newline before it (or the start of the data).
    const end = joined[joined.length - 1] === NEWLINE ? joined.length - 1 : joined.length;
    const start = end > 0 ? joined.lastIndexOf(NEWLINE, end - 1) : -1;
    if (start !== -1 || index === 0) {
      const parser = new CopyTextParser();
      return parser.push(Buffer.from(joined.subarray(start + 1, end + 1)))[0];
    }
  }
  return undefined;
}
