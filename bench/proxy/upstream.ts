/**
 * The benchmark's upstream: a node:http server (a stand-in for a Node monolith) that
 * answers GET /1k with 1,024 bytes and GET /1m with 1 MiB, from buffers built once, with
 * keep-alive. Run as its own process: `node --import tsx bench/proxy/upstream.ts <port>`.
 */
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const bodies = new Map<string, Buffer>([
  ['/1k', Buffer.alloc(1024, 'k')],
  ['/1m', Buffer.alloc(1024 * 1024, 'm')],
]);
const headers = (length: number): Record<string, string | number> => ({
  'content-type': 'application/octet-stream',
  'content-length': length,
});
const heads = new Map([...bodies].map(([path, body]) => [path, headers(body.length)]));

const server = createServer((req, res) => {
  const body = bodies.get(req.url ?? '');
  const head = heads.get(req.url ?? '');
  if (!body || !head) {
    res.writeHead(req.url === '/health' ? 200 : 404, { 'content-length': 0 });
    res.end();
    return;
  }
  res.writeHead(200, head);
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  console.log(`listening on http://127.0.0.1:${bound}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
