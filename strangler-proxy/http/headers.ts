/**
 * Header rules for a reverse proxy.
 * - Hop-by-hop fields are removed in both directions: RFC 9110 §7.6.1 (Connection) says a
 *   proxy removes the Connection field, every field it names, and the other connection
 *   fields (Proxy-Connection, Keep-Alive, TE, Transfer-Encoding, Upgrade); RFC 9112 §7.1
 *   leaves framing to each hop, so Transfer-Encoding is never forwarded. Proxy-Authorization
 *   and Proxy-Authenticate are meant for this hop (RFC 9110 §11.7) and Trailer describes
 *   this hop's framing, so they go too. Expect is answered here (node:http sends
 *   100 Continue) rather than forwarded.
 * - X-Forwarded-For/-Proto/-Host (de facto) and Forwarded (RFC 7239 §4, §6) say who the
 *   client was. From untrusted clients they are replaced, never appended to.
 * - traceparent (W3C Trace Context §3.2) is passed on when valid; otherwise a new trace is
 *   started and tracestate dropped (§3.3: a vendor must not forward tracestate without a
 *   valid traceparent).
 */
import { randomFillSync } from 'node:crypto';

const ALWAYS_HOP_BY_HOP = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'transfer-encoding',
  'upgrade',
  'trailer',
  'proxy-authorization',
  'proxy-authenticate',
]);

/** Request-only fields this proxy rewrites or answers itself. */
const REQUEST_REPLACED = new Set([
  'host',
  'expect',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'forwarded',
  'traceparent',
  'tracestate',
]);

/**
 * The fields above by the length of their names: a name of any other length is none of them
 * and is passed on as it is, without a look at its characters.
 */
const byLength = (names: Iterable<string>): ReadonlyArray<readonly string[] | undefined> => {
  const table: Array<string[] | undefined> = [];
  for (const name of names) (table[name.length] ??= []).push(name);
  return table;
};
const REQUEST_NAMES = byLength([...ALWAYS_HOP_BY_HOP, ...REQUEST_REPLACED]);
const RESPONSE_NAMES = byLength(ALWAYS_HOP_BY_HOP);

/**
 * Which of the listed lower-case names `name` is, in any case (the constant itself, so later
 * comparisons are cheap), or undefined. Nothing is allocated: most names are looked at only
 * for their length.
 */
function listedName(table: ReadonlyArray<readonly string[] | undefined>, name: string): string | undefined {
  const candidates = table[name.length];
  if (candidates === undefined) return undefined;
  for (const candidate of candidates) if (isField(name, candidate)) return candidate;
  return undefined;
}

/**
 * Connection values that name no field but hop-by-hop ones already removed (nearly every
 * message carries one of these): no set is built for them.
 */
const PLAIN_CONNECTION = new Set(['keep-alive', 'close', 'Keep-Alive', 'Close']);

/** The field names a Connection header lists (lower case), e.g. `close, x-foo` → {close, x-foo}. */
export function connectionTokens(value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const tokens = new Set<string>();
  for (const part of Array.isArray(value) ? value : [value]) {
    for (const token of part.split(',')) {
      const name = token.trim().toLowerCase();
      if (name !== '') tokens.add(name);
    }
  }
  return tokens;
}

export function isHopByHop(name: string, named: Set<string> | undefined): boolean {
  return ALWAYS_HOP_BY_HOP.has(name) || (named !== undefined && named.has(name));
}

export interface ForwardContext {
  clientAddress: string;
  /** `http` or `https`: the scheme the client used to reach the proxy. */
  proto: string;
  /** Keep the client's X-Forwarded-* / Forwarded and append to them. */
  trustForwarded: boolean;
  /** Send the client's Host on (otherwise undici sets the instance's). */
  preserveHost?: boolean;
  /** Keep `Connection: upgrade` and `Upgrade` (WebSocket handshakes). */
  upgrade?: boolean;
}

/** RFC 7239 §6: an IPv6 node is `"[v6]"`; anything but a plain token is a quoted-string. */
export function forwardedNode(address: string): string {
  if (address.includes(':')) return `"[${address}]"`;
  return address;
}

/**
 * `name` is the field `lower` (a lower-case ASCII name), in any case. Compared character by
 * character, ASCII letters folded: no lower-cased copy is made (field names are ASCII tokens).
 */
export function isField(name: string, lower: string): boolean {
  const length = lower.length;
  if (name.length !== length) return false;
  for (let index = 0; index < length; index++) {
    const code = name.charCodeAt(index);
    const want = lower.charCodeAt(index);
    if (code !== want && (code < 65 || code > 90 || code + 32 !== want)) return false;
  }
  return true;
}

/** RFC 9110 §5.6.2: a token, as field names are. */
export const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const forwardedValue = (value: string): string => (TOKEN.test(value) ? value : `"${value.replace(/["\\]/g, (c) => '\\' + c)}"`);

/**
 * The last Forwarded element made and what it was made of: clients keep their connections,
 * so the next request nearly always comes from the same address with the same Host.
 */
let lastAddress = '';
let lastProto = '';
let lastHost: string | undefined;
let lastElement = '';
const forwardedElement = (address: string, proto: string, host: string | undefined): string => {
  if (address !== lastAddress || proto !== lastProto || host !== lastHost) {
    lastElement = `for=${forwardedNode(address)};proto=${proto}${host === undefined ? '' : `;host=${forwardedValue(host)}`}`;
    lastAddress = address;
    lastProto = proto;
    lastHost = host;
  }
  return lastElement;
};

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_PARENT = '0'.repeat(16);

export function isValidTraceparent(value: string | undefined): boolean {
  if (value === undefined) return false;
  const match = TRACEPARENT.exec(value);
  return match !== null && match[1] !== ZERO_TRACE && match[2] !== ZERO_PARENT;
}

/** Random bytes drawn in batches: one syscall serves ~170 new traces. */
const entropy = Buffer.alloc(4096);
let entropyAt = entropy.length;
/** `00-<trace-id>-<parent-id>-00`, its hex digits written in place for each new trace. */
const TRACE = Buffer.from(`00-${'0'.repeat(32)}-${'0'.repeat(16)}-00`, 'latin1');
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/** A new traceparent: version 00, random trace-id and parent-id, not sampled. One string, no pieces. */
export function newTraceparent(): string {
  if (entropyAt + 24 > entropy.length) {
    randomFillSync(entropy);
    entropyAt = 0;
  }
  for (let index = 0; index < 24; index++) {
    const byte = entropy[entropyAt + index] as number;
    // Digits 3–34 are the trace-id, 36–51 the parent-id (the dash between them skipped).
    const at = index < 16 ? 3 + index * 2 : 4 + index * 2;
    TRACE[at] = HEX_DIGITS[byte >> 4] as number;
    TRACE[at + 1] = HEX_DIGITS[byte & 15] as number;
  }
  entropyAt += 24;
  return TRACE.toString('latin1');
}

/**
 * The header list to send upstream, built from the client's raw headers (flat
 * [name, value, …] as node:http gives them), as a flat list for undici.
 */
export function upstreamRequestHeaders(rawHeaders: readonly string[], context: ForwardContext): string[] {
  let named: Set<string> | undefined;
  let host: string | undefined;
  let traceparent: string | undefined;
  let tracestate: string | undefined;
  let xff: string | undefined;
  let xfProto: string | undefined;
  let xfHost: string | undefined;
  let forwarded: string | undefined;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = listedName(REQUEST_NAMES, rawHeaders[index] ?? '');
    if (name === undefined) continue;
    const value = rawHeaders[index + 1] ?? '';
    if (name === 'connection') named = PLAIN_CONNECTION.has(value) ? named : mergeTokens(named, value);
    else if (name === 'host') host = value;
    else if (name === 'traceparent') traceparent = traceparent === undefined ? value : 'invalid';
    else if (name === 'tracestate') tracestate = tracestate === undefined ? value : `${tracestate},${value}`;
    else if (name === 'x-forwarded-for') xff = xff === undefined ? value : `${xff}, ${value}`;
    else if (name === 'x-forwarded-proto') xfProto ??= value;
    else if (name === 'x-forwarded-host') xfHost ??= value;
    else if (name === 'forwarded') forwarded = forwarded === undefined ? value : `${forwarded}, ${value}`;
  }
  const out: string[] = [];
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const rawName = rawHeaders[index] ?? '';
    const listed = listedName(REQUEST_NAMES, rawName);
    if (listed === undefined && named === undefined) {
      out.push(rawName, rawHeaders[index + 1] ?? '');
      continue;
    }
    const name = listed ?? rawName.toLowerCase();
    if (REQUEST_REPLACED.has(name)) continue;
    if (isHopByHop(name, named)) {
      if (!(context.upgrade && (name === 'upgrade' || name === 'connection'))) continue;
    }
    out.push(rawName, rawHeaders[index + 1] ?? '');
  }
  if (context.upgrade) {
    if (!out.some((value, index) => index % 2 === 0 && isField(value, 'connection'))) out.push('connection', 'upgrade');
  }
  if (context.preserveHost && host !== undefined) out.push('host', host);
  const trust = context.trustForwarded;
  out.push('x-forwarded-for', trust && xff !== undefined ? `${xff}, ${context.clientAddress}` : context.clientAddress);
  out.push('x-forwarded-proto', trust && xfProto !== undefined ? xfProto : context.proto);
  const originalHost = trust && xfHost !== undefined ? xfHost : host;
  if (originalHost !== undefined) out.push('x-forwarded-host', originalHost);
  const element = forwardedElement(context.clientAddress, context.proto, host);
  out.push('forwarded', trust && forwarded !== undefined ? `${forwarded}, ${element}` : element);
  if (isValidTraceparent(traceparent) && traceparent !== undefined) {
    out.push('traceparent', traceparent);
    if (tracestate !== undefined) out.push('tracestate', tracestate);
  } else {
    out.push('traceparent', newTraceparent());
  }
  return out;
}

function mergeTokens(into: Set<string> | undefined, value: string): Set<string> {
  const tokens = connectionTokens(value) ?? new Set<string>();
  if (into) for (const token of into) tokens.add(token);
  return tokens;
}

/**
 * The upstream's response fields (flat [name, value, …], names as sent) minus hop-by-hop
 * ones, as a flat list for `res.writeHead`: node:http takes it as it is, without a header
 * object in between.
 */
export function clientResponseFields(raw: readonly string[]): string[] {
  let named: Set<string> | undefined;
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index] as string;
    if (!isField(name, 'connection')) continue;
    const value = raw[index + 1] as string;
    if (!PLAIN_CONNECTION.has(value)) named = mergeTokens(named, value);
  }
  const out: string[] = [];
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index] as string;
    // Kept unless it is always hop-by-hop, or the Connection header names it.
    if (listedName(RESPONSE_NAMES, name) === undefined && (named === undefined || !named.has(name.toLowerCase())))
      out.push(name, raw[index + 1] as string);
  }
  return out;
}
