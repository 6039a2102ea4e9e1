/**
 * Malformed requests on a raw socket: each gets a 400 and nothing reaches the upstream
 * (counted by the upstream process itself).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../strangler-proxy/index.js';
import type { ServiceProcess } from '../helpers/processes.js';
import { get, startTestProxy, startUpstream, upstreamCount } from './helpers.js';

let monolith: ServiceProcess;
let proxy: RunningProxy;

beforeAll(async () => {
  monolith = await startUpstream('monolith');
  proxy = await startTestProxy({ monolith: { instances: [monolith.baseUrl] }, maxHeaderSize: 8192 });
});

afterAll(async () => {
  await proxy?.close();
  await monolith?.stop();
});

/** Writes raw bytes, returns everything the proxy sends back before it closes. */
function raw(bytes: string): Promise<string> {
  const url = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let reply = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (reply += chunk));
    socket.on('end', () => resolve(reply));
    socket.on('close', () => resolve(reply));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve(reply) : reject(error)));
    socket.setTimeout(5000, () => {
      socket.destroy();
      resolve(reply);
    });
    socket.write(bytes, 'latin1');
  });
}

const malformed: Array<[string, string]> = [
  [
    'Content-Length with Transfer-Encoding',
    'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  ],
  ['two different Content-Lengths', 'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!'],
  ['a space in a header name', 'GET /x HTTP/1.1\r\nHost: a\r\nBad Header: 1\r\n\r\n'],
  ['a control character in a header value', 'GET /x HTTP/1.1\r\nHost: a\r\nX-Test: a\x01b\r\n\r\n'],
  ['a space before the colon', 'GET /x HTTP/1.1\r\nHost: a\r\nX-Test : 1\r\n\r\n'],
  ['oversized headers', `GET /x HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(10_000)}\r\n\r\n`],
  ['no Host header', 'GET /x HTTP/1.1\r\n\r\n'],
  ['an invalid Transfer-Encoding', 'POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n'],
  ['a bad chunk size', 'POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n'],
  ['a non-numeric Content-Length', 'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\nh'],
  ['a dot-dot path', 'GET /api/../admin HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['an absolute-form target', 'GET http://internal.example/admin HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['garbage', 'HELLO\r\n\r\n'],
];

describe('malformed requests', () => {
  it.each(malformed)('%s → 400, nothing upstream', async (_label, bytes) => {
    const before = await upstreamCount(monolith);
    const reply = await raw(bytes);
    expect(reply.startsWith('HTTP/1.1 400 '), reply.slice(0, 200)).toBe(true);
    expect(await upstreamCount(monolith)).toBe(before);
  });

  it('names the reason in a JSON body', async () => {
    const reply = await raw(malformed[0]?.[1] ?? '');
    const body = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as { error: string; reason: string };
    expect(body).toEqual({
      error: 'bad request',
      status: 400,
      reason: 'invalid Transfer-Encoding, or Transfer-Encoding together with Content-Length',
    });
  });

  it('still serves well-formed requests (headers just under the limit, chunked bodies)', async () => {
    const before = await upstreamCount(monolith);
    expect((await get(`${proxy.url}/ok`, { 'x-big': 'a'.repeat(6000) })).status).toBe(200);
    const reply = await raw(
      'POST /ok HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
    );
    expect(reply.startsWith('HTTP/1.1 200 ')).toBe(true);
    expect(reply).toContain('"bytes":5');
    expect(await upstreamCount(monolith)).toBe(before + 2);
  });
});
