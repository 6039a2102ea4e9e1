/**
 * JSON with exact numbers. Debezium writes int64 values (µs timestamps, txIds, LSNs) and
 * decimals as JSON number literals that may not fit a double; JSON.parse would round them.
 * This parser keeps every number literal as its text (`JsonNumber`), and the writer emits a
 * `JsonNumber` as it is, so values cross without rounding (RFC 8259 grammar).
 */

/** A JSON number literal, kept as its source text. */
export class JsonNumber {
  constructor(readonly text: string) {}
  toNumber(): number {
    return Number(this.text);
  }
  isInteger(): boolean {
    return /^-?\d+$/.test(this.text);
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

export function parseJson(text: string): JsonValue {
  let at = 0;
  const skip = (): void => {
    WHITESPACE.lastIndex = at;
    WHITESPACE.exec(text);
    at = WHITESPACE.lastIndex;
  };
  const fail = (message: string): never => {
    throw new JsonSyntaxError(message, at);
  };
  const str = (): string => {
    const start = at;
    at++;
    for (;;) {
      const ch = text.charCodeAt(at);
      if (Number.isNaN(ch)) fail('unterminated string');
      if (ch === 0x22) break;
      if (ch === 0x5c) at++;
      else if (ch < 0x20) fail('control character in string');
      at++;
    }
    at++;
    try {
      return JSON.parse(text.slice(start, at)) as string;
    } catch {
      return fail('bad string escape');
    }
  };
  const value = (depth: number): JsonValue => {
    if (depth > 200) fail('nested too deeply');
    skip();
    const ch = text[at];
    if (ch === '{') {
      at++;
      const out: JsonObject = {};
      skip();
      if (text[at] === '}') {
        at++;
        return out;
      }
      for (;;) {
        skip();
        if (text[at] !== '"') fail('expected a property name');
        const key = str();
        skip();
        if (text[at] !== ':') fail('expected ":"');
        at++;
        out[key] = value(depth + 1);
        skip();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] === '}') {
          at++;
          return out;
        }
        fail('expected "," or "}"');
      }
    }
    if (ch === '[') {
      at++;
      const out: JsonValue[] = [];
      skip();
      if (text[at] === ']') {
        at++;
        return out;
      }
      for (;;) {
        out.push(value(depth + 1));
        skip();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] === ']') {
          at++;
          return out;
        }
        fail('expected "," or "]"');
      }
    }
    if (ch === '"') return str();
    if (text.startsWith('true', at)) return ((at += 4), true);
    if (text.startsWith('false', at)) return ((at += 5), false);
    if (text.startsWith('null', at)) return ((at += 4), null);
    NUMBER.lastIndex = at;
    const match = NUMBER.exec(text);
    if (!match) return fail('unexpected character');
    at = NUMBER.lastIndex;
    return new JsonNumber(match[0]);
  };
  const result = value(0);
  skip();
  if (at !== text.length) fail('unexpected text after the value');
  return result;
}

/** Writes JSON; `JsonNumber`s go out as their literal text, `undefined` properties are left out. */
export function stringifyJson(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return 'null';
  if (value instanceof JsonNumber) return value.text;
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => stringifyJson(item)).join(',')}]`;
  const parts: string[] = [];
  for (const [key, item] of Object.entries(value)) parts.push(`${JSON.stringify(key)}:${stringifyJson(item)}`);
  return `{${parts.join(',')}}`;
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber);
}

export const num = (value: number | bigint): JsonNumber => new JsonNumber(String(value));
