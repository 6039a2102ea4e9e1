import { describe, expect, it } from 'vitest';
import { clientResponseFields, forwardedNode, isField, isValidTraceparent, newTraceparent, upstreamRequestHeaders } from './headers.js';

const toMap = (flat: string[]): Map<string, string[]> => {
  const map = new Map<string, string[]>();
  for (let i = 0; i < flat.length; i += 2) {
    const name = (flat[i] ?? '').toLowerCase();
    map.set(name, [...(map.get(name) ?? []), flat[i + 1] ?? '']);
  }
  return map;
};
const context = { clientAddress: '203.0.113.7', proto: 'http', trustForwarded: false };

describe('request headers sent upstream (RFC 9110 §7.6.1)', () => {
  it('passes unlisted fields of any length and case as they are, and drops a long one the Connection header names', () => {
    const long = 'X-A-Very-Long-Hop-By-Hop-Field-Name-Indeed';
    const out = upstreamRequestHeaders(
      [
        'Host',
        'a.example',
        'Content-Type',
        'text/plain',
        'CONNECTION',
        long.toUpperCase(),
        long,
        'secret',
        'X-Custom-Thirty-Three-Chars-Long1',
        'kept',
      ],
      context,
    );
    expect(out.slice(0, 4)).toEqual(['Content-Type', 'text/plain', 'X-Custom-Thirty-Three-Chars-Long1', 'kept']);
    expect(out.map((value) => value.toLowerCase())).not.toContain(long.toLowerCase());
    expect(clientResponseFields(['Content-Type', 'text/plain', 'Connection', long, long, 'secret', 'Date', 'x'])).toEqual([
      'Content-Type',
      'text/plain',
      'Date',
      'x',
    ]);
  });

  it('drops hop-by-hop fields, and those the Connection header names', () => {
    const out = toMap(
      upstreamRequestHeaders(
        [
          'Host',
          'shop.example',
          'Connection',
          'keep-alive, X-Secret-Hop',
          'Keep-Alive',
          'timeout=5',
          'TE',
          'trailers',
          'Transfer-Encoding',
          'chunked',
          'Upgrade',
          'h2c',
          'Proxy-Authorization',
          'Basic x',
          'Proxy-Connection',
          'keep-alive',
          'X-Secret-Hop',
          'drop me',
          'Trailer',
          'x',
          'Expect',
          '100-continue',
          'Accept',
          'text/html',
          'Cookie',
          'a=1',
        ],
        context,
      ),
    );
    for (const gone of [
      'connection',
      'keep-alive',
      'te',
      'transfer-encoding',
      'upgrade',
      'proxy-authorization',
      'proxy-connection',
      'x-secret-hop',
      'trailer',
      'expect',
      'host',
    ]) {
      expect(out.has(gone), gone).toBe(false);
    }
    expect(out.get('accept')).toEqual(['text/html']);
    expect(out.get('cookie')).toEqual(['a=1']);
  });

  it("sends the client's Host only with preserveHost", () => {
    expect(toMap(upstreamRequestHeaders(['Host', 'shop.example'], { ...context, preserveHost: true })).get('host')).toEqual([
      'shop.example',
    ]);
    expect(toMap(upstreamRequestHeaders(['Host', 'shop.example'], context)).has('host')).toBe(false);
  });

  it('keeps repeated end-to-end fields in order', () => {
    const out = toMap(upstreamRequestHeaders(['X-A', '1', 'x-a', '2'], context));
    expect(out.get('x-a')).toEqual(['1', '2']);
  });

  it('replaces X-Forwarded-* and Forwarded from an untrusted client (RFC 7239 §4)', () => {
    const out = toMap(
      upstreamRequestHeaders(
        ['Host', 'shop.example', 'X-Forwarded-For', '6.6.6.6', 'Forwarded', 'for=6.6.6.6', 'X-Forwarded-Host', 'evil'],
        context,
      ),
    );
    expect(out.get('x-forwarded-for')).toEqual(['203.0.113.7']);
    expect(out.get('x-forwarded-proto')).toEqual(['http']);
    expect(out.get('x-forwarded-host')).toEqual(['shop.example']);
    expect(out.get('forwarded')).toEqual(['for=203.0.113.7;proto=http;host=shop.example']);
  });

  it('appends to them behind a trusted proxy, and quotes IPv6 and ports (RFC 7239 §6)', () => {
    const out = toMap(
      upstreamRequestHeaders(['Host', 'shop.example:8080', 'X-Forwarded-For', '198.51.100.1', 'Forwarded', 'for=198.51.100.1'], {
        clientAddress: '::1',
        proto: 'https',
        trustForwarded: true,
      }),
    );
    expect(out.get('x-forwarded-for')).toEqual(['198.51.100.1, ::1']);
    expect(out.get('forwarded')).toEqual(['for=198.51.100.1, for="[::1]";proto=https;host="shop.example:8080"']);
    expect(forwardedNode('10.1.2.3')).toBe('10.1.2.3');
  });

  it('passes a valid traceparent and tracestate on, starts a trace otherwise (W3C Trace Context)', () => {
    const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const kept = toMap(upstreamRequestHeaders(['traceparent', valid, 'tracestate', 'vendor=1'], context));
    expect(kept.get('traceparent')).toEqual([valid]);
    expect(kept.get('tracestate')).toEqual(['vendor=1']);
    const restarted = toMap(upstreamRequestHeaders(['traceparent', '00-zzzz-00f067aa0ba902b7-01', 'tracestate', 'vendor=1'], context));
    const fresh = restarted.get('traceparent')?.[0];
    expect(isValidTraceparent(fresh)).toBe(true);
    expect(fresh).not.toContain('zzzz');
    expect(restarted.has('tracestate')).toBe(false);
    expect(isValidTraceparent(newTraceparent())).toBe(true);
    expect(newTraceparent()).not.toBe(newTraceparent());
    expect(isValidTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBe(false);
  });

  it('starts traces that stay valid and distinct across entropy refills, each one its own string', () => {
    const traces = Array.from({ length: 600 }, () => newTraceparent());
    const first = traces[0];
    expect(traces.every((trace) => isValidTraceparent(trace) && trace.endsWith('-00'))).toBe(true);
    expect(new Set(traces).size).toBe(600);
    // Every hex digit position (trace-id and parent-id) takes many values: the bytes are random, not stuck.
    for (const at of [3, 18, 34, 36, 51]) expect(new Set(traces.map((trace) => trace[at])).size).toBeGreaterThan(10);
    newTraceparent();
    expect(traces[0]).toBe(first);
  });

  it('makes the Forwarded element again whenever the address, scheme or Host changes', () => {
    const forwarded = (host: string | undefined, clientAddress: string, proto: string): string | undefined =>
      toMap(upstreamRequestHeaders(host === undefined ? [] : ['Host', host], { clientAddress, proto, trustForwarded: false })).get(
        'forwarded',
      )?.[0];
    expect(forwarded('a.example', '10.0.0.1', 'http')).toBe('for=10.0.0.1;proto=http;host=a.example');
    expect(forwarded('a.example', '10.0.0.1', 'http')).toBe('for=10.0.0.1;proto=http;host=a.example');
    expect(forwarded('a.example', '10.0.0.2', 'http')).toBe('for=10.0.0.2;proto=http;host=a.example');
    expect(forwarded('a.example', '10.0.0.2', 'https')).toBe('for=10.0.0.2;proto=https;host=a.example');
    expect(forwarded('b.example:81', '10.0.0.2', 'https')).toBe('for=10.0.0.2;proto=https;host="b.example:81"');
    expect(forwarded(undefined, '10.0.0.2', 'https')).toBe('for=10.0.0.2;proto=https');
  });
});

describe('response headers sent to the client', () => {
  it('drops hop-by-hop fields and those named in Connection, keeps set-cookie lists', () => {
    const out = clientResponseFields([
      'Connection',
      'keep-alive, X-Hop',
      'Keep-Alive',
      'timeout=5',
      'x-hop',
      'secret',
      'Transfer-Encoding',
      'chunked',
      'Proxy-Authenticate',
      'Basic',
      'Content-Type',
      'application/json',
      'Set-Cookie',
      'a=1',
      'set-cookie',
      'b=2',
    ]);
    expect(out).toEqual(['Content-Type', 'application/json', 'Set-Cookie', 'a=1', 'set-cookie', 'b=2']);
  });
});

describe('isField, without a lower-cased copy', () => {
  // Every code from 0 to 300 in a name or a value, next to a valid character on either side.
  const codes = Array.from({ length: 301 }, (_, code) => String.fromCharCode(code));

  it('isField folds ASCII letters only: any case of the name, never another character that lower-cases to a letter', () => {
    expect(isField('Content-Length', 'content-length')).toBe(true);
    expect(isField('CONTENT-LENGTH', 'content-length')).toBe(true);
    expect(isField('content-lengths', 'content-length')).toBe(false);
    expect(isField('content_length', 'content-length')).toBe(false);
    // U+212A KELVIN SIGN lower-cases to "k"; '\r' | 0x20 is '-': neither is a match.
    expect(isField('\u212Aeep-alive', 'keep-alive')).toBe(false);
    expect(isField('keep\ralive', 'keep-alive')).toBe(false);
    for (const char of codes) expect([char, isField(`${char}ost`, 'host')]).toEqual([char, char === 'h' || char === 'H']);
  });
});
