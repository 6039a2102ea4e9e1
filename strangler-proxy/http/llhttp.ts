/**
 * node's own HTTP/1.1 parser (llhttp, the one node:http uses), reached through the internal
 * `_http_common` module: our upstream client (upstream/h1-pool.ts) reads responses with it
 * and the client-facing reader (http/front.ts) reads request heads. Both fall back to the
 * public APIs (undici, node:http) on a Node.js where it is missing.
 */
import { createRequire } from 'node:module';

export interface Parser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | Error;
  finish(): number | Error | undefined;
  close(): void;
  [callback: number]: unknown;
}

export interface ParserClass {
  new (): Parser;
  REQUEST: number;
  RESPONSE: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kLenientNone: number;
}

interface HttpCommon {
  HTTPParser?: ParserClass;
  methods?: string[];
}

function load(): HttpCommon {
  try {
    const common = createRequire(import.meta.url)('_http_common') as HttpCommon;
    return typeof common.HTTPParser === 'function' && typeof common.HTTPParser.prototype.execute === 'function' ? common : {};
  } catch {
    return {};
  }
}

const common = load();

/** The parser class, or undefined on a Node.js without `_http_common`'s parser. */
export const HTTPParser: ParserClass | undefined = common.HTTPParser;

/**
 * A head's fields: those handed over in batches by kOnHeaders (past 32 fields) followed by
 * the ones kOnHeadersComplete gives (undefined when every field came in batches).
 */
export function headFields(batches: string[] | undefined, last: string[] | undefined): string[] {
  if (batches === undefined || batches.length === 0) return last ?? [];
  return last === undefined ? batches : batches.concat(last);
}

/** Method names by llhttp's method number (`kOnHeadersComplete`'s fourth argument). */
export const METHODS: readonly string[] = common.methods ?? [];
