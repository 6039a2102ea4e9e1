/**
 * A small real upstream for the proxy's e2e tests. It answers with JSON naming itself
 * (NAME) and describing the request it saw, counts every request, streams uploads through
 * without keeping them (counting bytes; slowly on paths ending in /throttled), serves /big?mb=N as a streamed download, /fail
 * with 500 (every path with FAIL=1), /slow?ms=N after a pause, and speaks WebSocket (echo) on any path.
 * GET /__count answers the number of requests seen (not counting itself).
 * IDLE_CLOSE_MS=N: a server that sends no Keep-Alive hint and closes a connection idle for N ms.
 */
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';

const name = process.env.NAME ?? 'upstream';
const idleCloseMs = Number(process.env.IDLE_CLOSE_MS ?? 0);
let count = 0;
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/__count') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ count }));
    return;
  }
  count++;
  if (url.pathname === '/health') {
    res.writeHead(process.env.UNHEALTHY ? 503 : 200, { 'content-type': 'text/plain' });
    res.end('ok');
    return;
  }
  if (url.pathname.endsWith('/fail') || process.env.FAIL === '1') {
    res.writeHead(500, { 'content-type': 'application/json', 'x-upstream': name });
    res.end(JSON.stringify({ name, failed: true }));
    return;
  }
  if (url.pathname.endsWith('/big')) {
    const mb = Number(url.searchParams.get('mb') ?? '1');
    const chunk = Buffer.alloc(64 * 1024, 97);
    let left = mb * 16;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(mb * 1024 * 1024), 'x-upstream': name });
    const pump = (): void => {
      while (left > 0) {
        left--;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
    return;
  }
  let bytes = 0;
  const throttled = url.pathname.endsWith('/throttled');
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    // A slow reader: the proxy must hold the client back (backpressure), not buffer.
    if (throttled) {
      req.pause();
      setTimeout(() => req.resume(), 1);
    }
  });
  req.on('end', () => {
    const delay = Number(url.searchParams.get('ms') ?? '0');
    const reply = (): void => {
      const body = JSON.stringify({ name, method: req.method, url: req.url, headers: req.headers, bytes });
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-upstream': name,
        connection: 'keep-alive, x-hop',
        'x-hop': 'secret',
        ...(idleCloseMs > 0 ? {} : { 'keep-alive': 'timeout=17' }),
      });
      res.end(body);
    };
    if (url.pathname.endsWith('/slow') && delay > 0) setTimeout(reply, delay);
    else reply();
  });
});
const sockets = new WebSocketServer({ server });
sockets.on('connection', (socket, req) => {
  socket.send(JSON.stringify({ name, url: req.url }));
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
});
server.keepAliveTimeout = idleCloseMs > 0 ? 0 : 30_000;
if (idleCloseMs > 0) {
  const timers = new WeakMap<object, NodeJS.Timeout>();
  const arm = (socket: Socket): void => {
    clearTimeout(timers.get(socket));
    timers.set(
      socket,
      setTimeout(() => socket.destroy(), idleCloseMs),
    );
  };
  server.on('connection', arm);
  server.on('request', (req, res) => {
    clearTimeout(timers.get(req.socket));
    res.on('finish', () => arm(req.socket));
  });
}
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') console.log(`listening on http://127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
