import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { UpstreamRequest, UpstreamResponse } from '../http/upstream-call.js';
import { classifyFailure } from '../http/upstream-errors.js';
import { H1_ERRORS, H1Pool, type H1PoolOptions } from './h1-pool.js';

type CodedError = Error & { code?: string };

const cleanup: (() => unknown)[] = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

interface Upstream {
  port: number;
  origin: string;
  /** 'connection' events seen. */
  connections: number;
  /** Sockets still open on the server side. */
  sockets: Set<Socket>;
}

async function listen(server: NetServer | HttpServer): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

function track(server: NetServer | HttpServer): Upstream {
  const upstream: Upstream = { port: 0, origin: '', connections: 0, sockets: new Set() };
  server.on('connection', (socket: Socket) => {
    upstream.connections++;
    upstream.sockets.add(socket);
    socket.on('close', () => upstream.sockets.delete(socket));
  });
  return upstream;
}

async function httpUpstream(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Upstream & { server: HttpServer }> {
  const server = createHttpServer(handler);
  const upstream = Object.assign(track(server), { server });
  upstream.port = await listen(server);
  upstream.origin = `http://127.0.0.1:${upstream.port}`;
  cleanup.push(() => {
    server.closeAllConnections();
    return new Promise((done) => server.close(done));
  });
  return upstream;
}

interface RawRequest {
  method: string;
  path: string;
  head: string;
  body: Buffer;
  /** The request's position on its connection, from 0. */
  index: number;
}

/** A byte-exact server: `onRequest` is called once per request (head + Content-Length body) and writes what it likes. */
async function rawUpstream(onRequest: (socket: Socket, request: RawRequest) => void): Promise<Upstream & { requests: RawRequest[] }> {
  const requests: RawRequest[] = [];
  const server = createNetServer((socket) => {
    let buffered = Buffer.alloc(0);
    let index = 0;
    socket.on('error', () => undefined);
    socket.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      while (!socket.destroyed) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffered.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const body = buffered.subarray(end + 4, end + 4 + length);
        buffered = buffered.subarray(end + 4 + length);
        const [method = '', path = ''] = head.split(' ');
        const request = { method, path, head, body, index: index++ };
        requests.push(request);
        onRequest(socket, request);
      }
    });
  });
  const upstream = Object.assign(track(server), { requests });
  upstream.port = await listen(server);
  upstream.origin = `http://127.0.0.1:${upstream.port}`;
  cleanup.push(() => {
    for (const socket of upstream.sockets) socket.destroy();
    return new Promise((done) => server.close(done));
  });
  return upstream;
}

const ok = (body: string, extra = ''): string => `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

function newPool(origin: string, options: Partial<H1PoolOptions> = {}): H1Pool {
  const pool = new H1Pool(origin, { connections: 4, keepAliveTimeout: 10_000, connectTimeout: 1_000, ...options });
  cleanup.push(() => pool.destroy());
  return pool;
}

interface Sent {
  call: UpstreamResponse;
  head: Promise<UpstreamResponse>;
}

/** Dispatches on `pool`; `head` settles with the pool's settle callback. */
function dispatch(pool: H1Pool, request: UpstreamRequest): Sent {
  let settle: (outcome: UpstreamResponse | Error) => void = () => undefined;
  const head = new Promise<UpstreamResponse>((resolve, reject) => {
    settle = (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
  });
  return { call: pool.dispatch(request, settle), head };
}

function send(pool: H1Pool, request: Partial<UpstreamRequest> = {}): Sent {
  return dispatch(pool, { method: 'GET', path: '/', headers: [], body: null, headersTimeout: 2_000, bodyTimeout: 2_000, ...request });
}

function read(response: UpstreamResponse): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.attach({
      data: (chunk) => chunks.push(chunk) > 0,
      end: () => resolve(Buffer.concat(chunks)),
      error: reject,
    });
  });
}

async function fetchText(pool: H1Pool, request: Partial<UpstreamRequest> = {}): Promise<{ response: UpstreamResponse; body: string }> {
  const response = await send(pool, request).head;
  return { response, body: (await read(response)).toString('latin1') };
}

async function rejection(promise: Promise<unknown>): Promise<CodedError> {
  try {
    await promise;
  } catch (error) {
    return error as CodedError;
  }
  throw new Error('expected a rejection');
}

/** For state with no event of its own (the pool's counts, the server's view of a socket). */
async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const until = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  const port = await listen(server);
  await new Promise((done) => server.close(done));
  return port;
}

interface Seen {
  method: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: Buffer;
}

/** An upstream that records what it received and answers "ok". */
async function recordingUpstream(): Promise<Upstream & { seen: Seen[] }> {
  const seen: Seen[] = [];
  const upstream = await httpUpstream((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) });
      res.end('ok');
    });
  });
  return Object.assign(upstream, { seen });
}

/** A front node:http server handing its `req` (the client's body stream) to the pool, as the proxy does. */
async function frontServer(pool: H1Pool, headersTimeout = 2_000): Promise<number> {
  const server = createHttpServer((req, res) => {
    const length = req.headers['content-length'];
    const { head } = dispatch(pool, {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: length === undefined ? [] : ['content-length', length],
      body: req,
      headersTimeout,
      bodyTimeout: 2_000,
    });
    head.then(
      (response) => {
        res.writeHead(response.statusCode);
        res.on('drain', () => response.resume());
        response.attach({ data: (chunk) => res.write(chunk), end: () => res.end(), error: (error) => res.destroy(error) });
      },
      (error: CodedError) => {
        res.writeHead(502);
        res.end(String(error.code));
      },
    );
  });
  const port = await listen(server);
  cleanup.push(() => {
    server.closeAllConnections();
    return new Promise((done) => server.close(done));
  });
  return port;
}

/** A client request to `port`; with `length` the body goes with Content-Length, else chunked (node's default). */
function clientUpload(port: number, chunks: Buffer[], length: boolean, pauseMs = 0): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/upload',
      headers: length ? { 'content-length': total } : {},
      agent: false,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    const next = (index: number): void => {
      if (index === chunks.length) {
        req.end();
        return;
      }
      req.write(chunks[index]);
      if (pauseMs > 0) setTimeout(next, pauseMs, index + 1);
      else setImmediate(next, index + 1);
    };
    next(0);
  });
}

describe('H1Pool keep-alive', () => {
  it('sends 20 sequential GETs over one connection', async () => {
    const upstream = await httpUpstream((req, res) => res.end(`hello ${req.url}`));
    const pool = newPool(upstream.origin);
    for (let index = 0; index < 20; index++) {
      const { response, body } = await fetchText(pool, { path: `/${index}` });
      expect(response.statusCode).toBe(200);
      expect(body).toBe(`hello /${index}`);
    }
    expect(upstream.connections).toBe(1);
    expect(pool.stats()).toEqual({ connections: 1, idle: 1, queued: 0 });
  });

  it('queues requests beyond `connections` and completes them all', async () => {
    let active = 0;
    let most = 0;
    const upstream = await httpUpstream((req, res) => {
      most = Math.max(most, ++active);
      setImmediate(() => {
        active--;
        res.end(`r${req.url}`);
      });
    });
    const pool = newPool(upstream.origin, { connections: 2 });
    const calls = Array.from({ length: 7 }, (_, index) => send(pool, { path: `/${index}` }));
    expect(pool.stats()).toEqual({ connections: 2, idle: 0, queued: 5 });
    const bodies = await Promise.all(calls.map(async ({ head }) => (await read(await head)).toString()));
    expect(bodies).toEqual(Array.from({ length: 7 }, (_, index) => `r/${index}`));
    expect(upstream.connections).toBe(2);
    expect(most).toBeLessThanOrEqual(2);
    expect(pool.stats()).toEqual({ connections: 2, idle: 2, queued: 0 });
  });
});

describe('H1Pool stale keep-alive race', () => {
  /** Answers the first request on each connection; closes the connection, unanswered, on any later one. */
  const oneShot = (): Promise<Upstream & { requests: RawRequest[] }> =>
    rawUpstream((socket, request) => {
      if (request.index === 0) socket.write(ok(`ok ${request.method}`));
      else socket.destroy();
    });

  it('sends a bodiless GET again on a new connection when the reused one was closed under it', async () => {
    const upstream = await oneShot();
    const pool = newPool(upstream.origin);
    expect((await fetchText(pool)).body).toBe('ok GET');
    expect(pool.stats()).toMatchObject({ connections: 1, idle: 1 });
    const { response, body } = await fetchText(pool, { path: '/again' });
    expect(response.statusCode).toBe(200);
    expect(body).toBe('ok GET');
    expect(upstream.connections).toBe(2);
    // The first connection saw it (and closed), the second answered it.
    expect(upstream.requests.map((request) => [request.path, request.index])).toEqual([
      ['/', 0],
      ['/again', 1],
      ['/again', 0],
    ]);
  });

  it('does not send a POST twice: with or without a body, it fails', async () => {
    const upstream = await oneShot();
    const pool = newPool(upstream.origin);
    expect((await fetchText(pool)).body).toBe('ok GET');
    const withBody = await rejection(send(pool, { method: 'POST', path: '/buffer', body: Buffer.from('payload') }).head);
    expect([H1_ERRORS.closed, 'ECONNRESET', 'EPIPE']).toContain(withBody.code);
    expect(classifyFailure(withBody).notSent).toBe(false);

    expect((await fetchText(pool)).body).toBe('ok GET');
    const bodiless = await rejection(send(pool, { method: 'POST', path: '/empty' }).head);
    expect([H1_ERRORS.closed, 'ECONNRESET', 'EPIPE']).toContain(bodiless.code);

    const posts = upstream.requests.filter((request) => request.method === 'POST');
    expect(posts.map((request) => request.path)).toEqual(['/buffer', '/empty']);
    expect(posts[0]?.body.toString()).toBe('payload');
    expect(upstream.connections).toBe(2);
    expect(pool.stats().connections).toBe(0);
  });
});

describe('H1Pool idle connections', () => {
  it('drops an idle connection the server closed, and opens a new one for the next request', async () => {
    const upstream = await rawUpstream((socket, request) => socket.write(ok(`n${request.index}`)));
    const pool = newPool(upstream.origin);
    expect((await fetchText(pool)).body).toBe('n0');
    expect(pool.stats()).toEqual({ connections: 1, idle: 1, queued: 0 });
    for (const socket of upstream.sockets) socket.end();
    await waitFor(() => pool.stats().connections === 0, 'the pool to drop the closed connection');
    expect(pool.stats()).toEqual({ connections: 0, idle: 0, queued: 0 });
    expect((await fetchText(pool)).body).toBe('n0');
    expect(upstream.connections).toBe(2);
  });

  it('does not keep a connection idle past the Keep-Alive timeout hint less a second', async () => {
    const upstream = await rawUpstream((socket, request) =>
      socket.write(ok(request.path, request.path === '/short' ? 'Keep-Alive: timeout=1\r\n' : 'Keep-Alive: timeout=5\r\n')),
    );
    const pool = newPool(upstream.origin);
    const long = await fetchText(pool, { path: '/long' });
    expect(long.response.headers['keep-alive']).toBe('timeout=5');
    expect(pool.stats()).toEqual({ connections: 1, idle: 1, queued: 0 });
    // Same connection; timeout=1 leaves no idle time at all.
    const short = await fetchText(pool, { path: '/short' });
    expect(short.body).toBe('/short');
    expect(upstream.connections).toBe(1);
    expect(pool.stats()).toEqual({ connections: 0, idle: 0, queued: 0 });
    await waitFor(() => upstream.sockets.size === 0, 'the server to see the connection closed');
    expect((await fetchText(pool, { path: '/long' })).body).toBe('/long');
    expect(upstream.connections).toBe(2);
  });

  it('closes an idle connection after keepAliveTimeout', async () => {
    const upstream = await rawUpstream((socket) => socket.write(ok('x')));
    const pool = newPool(upstream.origin, { keepAliveTimeout: 150 });
    const started = Date.now();
    await fetchText(pool);
    expect(pool.stats().idle).toBe(1);
    await waitFor(() => upstream.sockets.size === 0, 'the idle connection to be closed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(pool.stats()).toEqual({ connections: 0, idle: 0, queued: 0 });
  });
});

describe('H1Pool request bodies', () => {
  it('passes an upload with Content-Length through byte for byte, with the same length', async () => {
    const upstream = await recordingUpstream();
    const pool = newPool(upstream.origin);
    const front = await frontServer(pool);
    const body = randomBytes(300_000);
    const answer = await clientUpload(front, [body.subarray(0, 100_000), body.subarray(100_000)], true);
    expect(answer).toEqual({ status: 200, body: 'ok' });
    const [seen] = upstream.seen;
    expect(seen?.headers['content-length']).toBe('300000');
    expect(seen?.headers['transfer-encoding']).toBeUndefined();
    expect(seen?.body.equals(body)).toBe(true);
  });

  it('re-chunks an upload that came without Content-Length', async () => {
    const upstream = await recordingUpstream();
    const pool = newPool(upstream.origin);
    const front = await frontServer(pool);
    const chunks = [randomBytes(10), randomBytes(70_000), Buffer.from('tail\r\n0\r\n\r\n')];
    const answer = await clientUpload(front, chunks, false);
    expect(answer).toEqual({ status: 200, body: 'ok' });
    const [seen] = upstream.seen;
    expect(seen?.headers['transfer-encoding']).toBe('chunked');
    expect(seen?.headers['content-length']).toBeUndefined();
    expect(seen?.body.equals(Buffer.concat(chunks))).toBe(true);
  });

  it('starts the headers timeout only once the whole body is out: an upload slower than it succeeds', async () => {
    const upstream = await recordingUpstream();
    const pool = newPool(upstream.origin);
    const front = await frontServer(pool, 100);
    const chunks = [randomBytes(1000), randomBytes(1000), randomBytes(1000), randomBytes(1000)];
    const started = Date.now();
    const answer = await clientUpload(front, chunks, true, 120);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(answer).toEqual({ status: 200, body: 'ok' });
    expect(upstream.seen[0]?.body.equals(Buffer.concat(chunks))).toBe(true);
  });

  it('gives a Buffer body its own Content-Length, and a bodiless POST content-length: 0', async () => {
    const upstream = await recordingUpstream();
    const pool = newPool(upstream.origin);
    const body = Buffer.from('{"name":"widget"}');
    // A stale length in the list is replaced by the buffer's.
    expect(
      (await fetchText(pool, { method: 'PUT', body, headers: ['Content-Length', '3', 'content-type', 'application/json'] })).body,
    ).toBe('ok');
    expect((await fetchText(pool, { method: 'POST' })).body).toBe('ok');
    expect((await fetchText(pool, { method: 'GET' })).body).toBe('ok');
    const [put, post, get] = upstream.seen;
    expect(put?.headers['content-length']).toBe(String(body.length));
    expect(put?.rawHeaders.filter((name) => name.toLowerCase() === 'content-length')).toHaveLength(1);
    expect(put?.headers['content-type']).toBe('application/json');
    expect(put?.body.equals(body)).toBe(true);
    expect(post?.headers['content-length']).toBe('0');
    expect(post?.headers['transfer-encoding']).toBeUndefined();
    expect(get?.headers['content-length']).toBeUndefined();
    expect(get?.headers['transfer-encoding']).toBeUndefined();
    expect(upstream.connections).toBe(1);
  });

  it("sends the instance's host:port as Host unless the headers list has one", async () => {
    const upstream = await recordingUpstream();
    const pool = newPool(upstream.origin);
    await fetchText(pool);
    await fetchText(pool, { headers: ['Host', 'shop.example'] });
    const [plain, preserved] = upstream.seen;
    expect(plain?.headers.host).toBe(`127.0.0.1:${upstream.port}`);
    expect(preserved?.headers.host).toBe('shop.example');
    expect(preserved?.rawHeaders.filter((name) => name.toLowerCase() === 'host')).toHaveLength(1);
  });
});

describe('H1Pool responses', () => {
  it('does not wait for a body after HEAD, 204 or 304, and reuses the connection', async () => {
    const upstream = await rawUpstream((socket, request) => {
      if (request.method === 'HEAD') socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n');
      else if (request.path === '/204') socket.write('HTTP/1.1 204 No Content\r\n\r\n');
      else if (request.path === '/304') socket.write('HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 1000\r\n\r\n');
      else socket.write(ok('x'.repeat(1000)));
    });
    const pool = newPool(upstream.origin, { connections: 1 });
    const head = await fetchText(pool, { method: 'HEAD' });
    expect(head.response.statusCode).toBe(200);
    expect(head.response.headers['content-length']).toBe('1000');
    expect(head.body).toBe('');
    const noContent = await fetchText(pool, { path: '/204' });
    expect([noContent.response.statusCode, noContent.body]).toEqual([204, '']);
    const notModified = await fetchText(pool, { path: '/304' });
    expect([notModified.response.statusCode, notModified.body, notModified.response.headers.etag]).toEqual([304, '', '"v1"']);
    expect((await fetchText(pool, { path: '/full' })).body).toBe('x'.repeat(1000));
    expect(upstream.connections).toBe(1);
  });

  it('skips 1xx answers and delivers the final response', async () => {
    const upstream = await rawUpstream((socket, request) => {
      socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      setImmediate(() =>
        socket.write(
          `HTTP/1.1 103 Early Hints\r\nLink: </app.css>; rel=preload\r\n\r\n${ok(`final ${request.index}`, 'X-Final: yes\r\n')}`,
        ),
      );
    });
    const pool = newPool(upstream.origin);
    const first = await fetchText(pool);
    expect(first.response.statusCode).toBe(200);
    expect(first.response.headers['x-final']).toBe('yes');
    expect(first.response.headers.link).toBeUndefined();
    expect(first.body).toBe('final 0');
    expect((await fetchText(pool)).body).toBe('final 1');
    expect(upstream.connections).toBe(1);
  });

  it('reads a chunked response and reuses the connection', async () => {
    const parts = ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel', 'lo\r\n6\r\n world\r\n', '0\r\n\r\n'];
    const upstream = await rawUpstream((socket) => {
      const next = (index: number): void => {
        if (index === parts.length) return;
        socket.write(parts[index] as string);
        setTimeout(next, 2, index + 1);
      };
      next(0);
    });
    const pool = newPool(upstream.origin);
    const first = await fetchText(pool);
    expect(first.response.headers['transfer-encoding']).toBe('chunked');
    expect(first.body).toBe('hello world');
    expect(pool.stats()).toMatchObject({ connections: 1, idle: 1 });
    expect((await fetchText(pool)).body).toBe('hello world');
    expect(upstream.connections).toBe(1);
  });

  it('does not let chunked trailers break (or leak into) the next response on the connection', async () => {
    const upstream = await rawUpstream((socket, request) => {
      if (request.path === '/trailers')
        socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n');
      else socket.write(ok('next', 'X-Next: 1\r\n'));
    });
    const pool = newPool(upstream.origin);
    expect((await fetchText(pool, { path: '/trailers' })).body).toBe('hello');
    const next = await fetchText(pool, { path: '/next', bodyTimeout: 300 });
    expect(next.body).toBe('next');
    expect(next.response.headers['x-next']).toBe('1');
    expect(next.response.headers['x-trailer']).toBeUndefined();
    expect(upstream.connections).toBe(1);
  });

  it('reads a close-delimited body to the end and does not reuse the connection', async () => {
    const upstream = await rawUpstream((socket, request) => {
      if (request.path === '/next') {
        socket.write(ok('next'));
        return;
      }
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\npart one, ');
      setTimeout(() => socket.end('part two'), 5);
    });
    const pool = newPool(upstream.origin);
    const { response, body } = await fetchText(pool);
    expect(response.statusCode).toBe(200);
    expect(body).toBe('part one, part two');
    expect(pool.stats()).toEqual({ connections: 0, idle: 0, queued: 0 });
    expect((await fetchText(pool, { path: '/next' })).body).toBe('next');
    expect(upstream.connections).toBe(2);
  });

  it('keeps all of more than 40 response headers, repeated Set-Cookie as an array', async () => {
    const upstream = await httpUpstream((_req, res) => {
      for (let index = 0; index < 45; index++) res.setHeader(`x-h-${index}`, `v${index}`);
      res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; HttpOnly']);
      res.end('many');
    });
    const pool = newPool(upstream.origin);
    const { response, body } = await fetchText(pool, { bodyTimeout: 300 });
    expect(body).toBe('many');
    for (let index = 0; index < 45; index++) expect(response.headers[`x-h-${index}`]).toBe(`v${index}`);
    expect(response.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
  });

  it('holds a 5 MB body back while the sink says so (no body timeout meanwhile) and delivers every byte', async () => {
    const payload = randomBytes(5 * 1024 * 1024);
    const upstream = await httpUpstream((_req, res) => res.end(payload));
    const pool = newPool(upstream.origin);
    const response = await send(pool, { bodyTimeout: 150 }).head;
    const chunks: Buffer[] = [];
    let held = false;
    let whileHeld = 0;
    let pauses = 0;
    let stalled: Promise<void> | undefined;
    const body = new Promise<Buffer>((resolve, reject) => {
      response.attach({
        data(chunk) {
          if (held) whileHeld++;
          chunks.push(chunk);
          held = true;
          pauses++;
          const release = (): void => {
            held = false;
            response.resume();
          };
          // The first hold outlasts the body timeout (150 ms + up to 100 ms of sweep).
          if (stalled === undefined) stalled = new Promise((done) => setTimeout(done, 300)).then(release);
          else setImmediate(release);
          return false;
        },
        end: () => resolve(Buffer.concat(chunks)),
        error: reject,
      });
    });
    const received = await body;
    expect(received.length).toBe(payload.length);
    expect(received.equals(payload)).toBe(true);
    expect(whileHeld).toBe(0);
    expect(pauses).toBeGreaterThan(2);
    expect(pool.stats()).toMatchObject({ connections: 1, idle: 1 });
  });
});

describe('H1Pool Content-Length bodies (counted off the socket, past the parser)', () => {
  it('delivers small bodies whose head and bytes arrive in separate writes, then one in a single write, on one connection', async () => {
    const upstream = await rawUpstream((socket, request) => {
      if (request.index === 1) return void socket.write(ok('second'));
      // The head alone, then the 11-byte body in two writes.
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n');
      setTimeout(() => socket.write('hello '), 5);
      setTimeout(() => socket.write('world'), 10);
    });
    const pool = newPool(upstream.origin);
    const first = await send(pool, { path: '/a' }).head;
    expect((await read(first)).toString('latin1')).toBe('hello world');
    const second = await fetchText(pool, { path: '/b' });
    expect(second.body).toBe('second');
    expect(upstream.requests.map((request) => request.index)).toEqual([0, 1]);
    expect(pool.stats()).toEqual({ connections: 1, idle: 1, queued: 0 });
  });

  it('delivers two 100 KB bodies in a row on one connection, the first written in pieces', async () => {
    const first = randomBytes(100 * 1024);
    const second = randomBytes(100 * 1024);
    const upstream = await rawUpstream((socket, request) => {
      const body = request.index === 0 ? first : second;
      const head = `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`;
      if (request.index !== 0) return void socket.write(Buffer.concat([Buffer.from(head), body]));
      // Head with the body's first bytes, then the rest in three writes.
      socket.write(Buffer.concat([Buffer.from(head), body.subarray(0, 10)]));
      for (const [from, to] of [
        [10, 30_000],
        [30_000, 70_000],
        [70_000, body.length],
      ] as const)
        setTimeout(() => socket.write(body.subarray(from, to)), 5);
    });
    const pool = newPool(upstream.origin);
    const one = await send(pool, { path: '/one' }).head;
    expect((await read(one)).equals(first)).toBe(true);
    const two = await send(pool, { path: '/two' }).head;
    expect((await read(two)).equals(second)).toBe(true);
    expect(upstream.requests.map((request) => [request.path, request.index])).toEqual([
      ['/one', 0],
      ['/two', 1],
    ]);
    expect(pool.stats()).toEqual({ connections: 1, idle: 1, queued: 0 });
  });

  it('fails a response that runs past its Content-Length, and one cut short, through sink.error', async () => {
    const body = randomBytes(20 * 1024);
    const upstream = await rawUpstream((socket, request) => {
      const head = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`);
      if (request.path === '/long') socket.write(Buffer.concat([head, body, Buffer.from('extra')]));
      else socket.end(Buffer.concat([head, body.subarray(0, 5000)]));
    });
    const pool = newPool(upstream.origin);
    for (const [path, code] of [
      ['/long', H1_ERRORS.invalidResponse],
      ['/short', H1_ERRORS.closed],
    ] as const) {
      const response = await send(pool, { path }).head;
      let received = 0;
      let ended = false;
      const error = await new Promise<CodedError>((resolve) =>
        response.attach({ data: (chunk) => (received += chunk.length) > 0, end: () => (ended = true), error: resolve }),
      );
      expect(error.code).toBe(code);
      expect(classifyFailure(error).status).toBe(502);
      expect(ended).toBe(false);
      expect(received).toBeLessThanOrEqual(body.length);
      await waitFor(() => pool.stats().connections === 0, `${path}: the connection closed`);
    }
  });
});

describe('H1Pool errors', () => {
  it('reports a refused connection as ECONNREFUSED, never sent', async () => {
    const pool = newPool(`http://127.0.0.1:${await closedPort()}`);
    const error = await rejection(send(pool).head);
    expect(error.code).toBe('ECONNREFUSED');
    expect(classifyFailure(error)).toMatchObject({ status: 502, notSent: true });
    expect(pool.stats()).toEqual({ connections: 0, idle: 0, queued: 0 });
  });

  it('fails Content-Length with Transfer-Encoding, and a garbage status line, as an invalid response', async () => {
    const upstream = await rawUpstream((socket, request) => {
      if (request.path === '/both')
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
      else socket.write('HTTX/1.1 two hundred\r\n\r\n');
    });
    const pool = newPool(upstream.origin);
    const both = await rejection(send(pool, { path: '/both' }).head);
    expect(both.code).toBe(H1_ERRORS.invalidResponse);
    expect(classifyFailure(both)).toMatchObject({ status: 502, notSent: false });
    const garbage = await rejection(send(pool, { path: '/garbage' }).head);
    expect(garbage.code).toBe(H1_ERRORS.invalidResponse);
    expect(pool.stats().connections).toBe(0);
    await waitFor(() => upstream.sockets.size === 0, 'the server to see both connections closed');
  });

  it('times out a response head that never comes (504)', async () => {
    const upstream = await rawUpstream(() => undefined);
    const pool = newPool(upstream.origin);
    const started = Date.now();
    const error = await rejection(send(pool, { headersTimeout: 150 }).head);
    const elapsed = Date.now() - started;
    expect(error.code).toBe(H1_ERRORS.headersTimeout);
    expect(elapsed).toBeGreaterThanOrEqual(145);
    expect(elapsed).toBeLessThan(350);
    expect(classifyFailure(error)).toMatchObject({ status: 504, notSent: false });
    await waitFor(() => upstream.sockets.size === 0, 'the server to see the connection closed');
  });

  it('times out a body that stalls after the head (504), through sink.error', async () => {
    const upstream = await rawUpstream((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    const pool = newPool(upstream.origin);
    const response = await send(pool, { bodyTimeout: 150 }).head;
    const started = Date.now();
    const chunks: Buffer[] = [];
    let ended = false;
    const error = await new Promise<CodedError>((resolve) =>
      response.attach({ data: (chunk) => chunks.push(chunk) > 0, end: () => (ended = true), error: resolve }),
    );
    expect(Date.now() - started).toBeLessThan(350);
    expect(error.code).toBe(H1_ERRORS.bodyTimeout);
    expect(classifyFailure(error)).toMatchObject({ status: 504 });
    expect(Buffer.concat(chunks).toString()).toBe('abc');
    expect(ended).toBe(false);
    expect(pool.stats().connections).toBe(0);
  });

  it('fails the body through sink.error when the server closes before Content-Length is reached', async () => {
    const upstream = await rawUpstream((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    const pool = newPool(upstream.origin);
    const response = await send(pool).head;
    let ended = false;
    const error = await new Promise<CodedError>((resolve) =>
      response.attach({ data: () => true, end: () => (ended = true), error: resolve }),
    );
    expect(error).toBeInstanceOf(Error);
    expect(typeof error.code).toBe('string');
    expect(classifyFailure(error).status).toBe(502);
    expect(ended).toBe(false);
    expect(pool.stats().connections).toBe(0);
  });

  it('abort() before the head rejects it with the given error and closes the connection', async () => {
    const upstream = await rawUpstream(() => undefined);
    const pool = newPool(upstream.origin);
    const { call, head } = send(pool);
    await waitFor(() => upstream.requests.length === 1, 'the request to reach the server');
    const reason = Object.assign(new Error('the client went away'), { code: H1_ERRORS.clientAborted });
    call.abort(reason);
    await expect(head).rejects.toBe(reason);
    expect(pool.stats().connections).toBe(0);
    await waitFor(() => upstream.sockets.size === 0, 'the server to see the connection closed');
  });

  it('abort() of a queued call rejects its head and leaves the queue', async () => {
    const upstream = await rawUpstream(() => undefined);
    const pool = newPool(upstream.origin, { connections: 1 });
    const first = send(pool);
    const queued = send(pool);
    expect(pool.stats()).toMatchObject({ connections: 1, queued: 1 });
    const reason = new Error('gone');
    queued.call.abort(reason);
    await expect(queued.head).rejects.toBe(reason);
    expect(pool.stats()).toMatchObject({ connections: 1, queued: 0 });
    first.call.abort(reason);
    await expect(first.head).rejects.toBe(reason);
    expect(upstream.requests.length).toBeLessThanOrEqual(1);
  });

  it('abort() during the body fails the sink with the given error', async () => {
    const upstream = await rawUpstream((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    const pool = newPool(upstream.origin);
    const response = await send(pool).head;
    const reason = new Error('stop');
    const failed = new Promise<Error>((resolve) => response.attach({ data: () => true, end: () => undefined, error: resolve }));
    response.abort(reason);
    expect(await failed).toBe(reason);
    await waitFor(() => upstream.sockets.size === 0, 'the server to see the connection closed');
  });
});

describe('H1Pool close and destroy', () => {
  it('close(): idle connections close now, the in-flight request completes, then its connection closes', async () => {
    const held: ServerResponse[] = [];
    const upstream = await httpUpstream((req, res) => {
      if (req.url === '/slow') held.push(res);
      else res.end('quick');
    });
    const pool = newPool(upstream.origin, { connections: 2 });
    const slow = send(pool, { path: '/slow' });
    expect((await fetchText(pool, { path: '/quick' })).body).toBe('quick');
    await waitFor(() => held.length === 1, 'the slow request to reach the server');
    expect(pool.stats()).toEqual({ connections: 2, idle: 1, queued: 0 });

    let closed = false;
    const closing = pool.close().then(() => (closed = true));
    expect(pool.stats()).toEqual({ connections: 1, idle: 0, queued: 0 });
    await waitFor(() => upstream.sockets.size === 1, 'the idle connection to be closed');
    const late = await rejection(send(pool).head);
    expect(late.code).toBe(H1_ERRORS.poolClosed);
    expect(closed).toBe(false);

    held[0]?.end('slow done');
    const response = await slow.head;
    expect((await read(response)).toString()).toBe('slow done');
    await closing;
    expect(pool.stats()).toEqual({ connections: 0, idle: 0, queued: 0 });
    await waitFor(() => upstream.sockets.size === 0, 'the last connection to be closed');
  });

  it('destroy(): in-flight and queued requests fail now', async () => {
    const upstream = await httpUpstream((req, res) => {
      if (req.url === '/body') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial');
      }
      // Anything else: never answered.
    });
    const pool = newPool(upstream.origin, { connections: 2 });
    const streaming = send(pool, { path: '/body' });
    const waiting = send(pool, { path: '/wait' });
    const queued = send(pool, { path: '/queued' });
    const response = await streaming.head;
    const bodyError = new Promise<CodedError>((resolve) => response.attach({ data: () => true, end: () => undefined, error: resolve }));
    await waitFor(() => upstream.connections === 2 && pool.stats().queued === 1, 'both requests to be on their way');

    await pool.destroy();
    expect((await bodyError).code).toBe(H1_ERRORS.poolClosed);
    expect((await rejection(waiting.head)).code).toBe(H1_ERRORS.poolClosed);
    expect((await rejection(queued.head)).code).toBe(H1_ERRORS.poolClosed);
    expect(pool.stats()).toEqual({ connections: 0, idle: 0, queued: 0 });
    await waitFor(() => upstream.sockets.size === 0, 'the server to see the connections closed');
  });
});
