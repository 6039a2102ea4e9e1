/**
 * Shadow traffic with response comparison, on real upstream processes and real sockets:
 * identical sides match (key order aside), a differing JSON field is named in the samples
 * and can be ignored, a shadow side that is down or slow never touches the client's answer,
 * unsafe methods are only copied when listed, and `percent` samples within tolerance.
 */
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeService, type RunningService } from '../../common/child-process.js';
import type { ShadowEvent, ShadowReport, ShadowTotals } from '../../strangler-proxy/control.js';
import { startProxy, type RunningProxy } from '../../strangler-proxy/index.js';
import { ROOT, sleep } from './helpers.js';

/** A catalog-like upstream: JSON products whose price, key order, version header and speed are set by the environment. */
const UPSTREAM = String.raw`
import { createServer } from 'node:http';
const env = process.env;
const counts = { GET: 0, HEAD: 0, POST: 0, shadow: 0, lastBody: '' };
const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/__count') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(counts));
    return;
  }
  counts[req.method] = (counts[req.method] ?? 0) + 1;
  if (req.headers['x-strangler-shadow'] === '1') counts.shadow++;
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (body.length > 0) counts.lastBody = body.subarray(0, 100).toString();
    const reply = () => {
      if (url.pathname.endsWith('/big')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('x'.repeat(Number(url.searchParams.get('kb')) * 1024));
        return;
      }
      const id = url.pathname.split('/').pop();
      const doc = { id, name: 'product ' + id, price: 10 + Number(env.PRICE_DELTA ?? '0'), tags: ['a', 'b'], received: body.length, query: url.search };
      const ordered = env.REVERSE_KEYS === '1' ? Object.fromEntries(Object.entries(doc).reverse()) : doc;
      res.writeHead(200, { 'content-type': 'application/json', 'x-version': env.VERSION ?? '1', 'x-name': env.NAME });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(ordered));
    };
    const delay = Number(env.DELAY_MS ?? '0');
    if (delay > 0) setTimeout(reply, delay);
    else reply();
  });
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
`;

interface Counts {
  GET: number;
  HEAD: number;
  POST: number;
  shadow: number;
  lastBody: string;
}

const started: RunningService[] = [];
let proxy: RunningProxy;
const events: ShadowEvent[] = [];
let up: Record<'monolith' | 'same' | 'pricey' | 'slow' | 'dead', RunningService>;

async function upstream(name: string, env: Record<string, string> = {}): Promise<RunningService> {
  const service = await startNodeService({ cwd: ROOT, nodeArgs: ['--input-type=module', '-e', UPSTREAM], env: { NAME: name, ...env } });
  started.push(service);
  return service;
}

async function counts(service: RunningService): Promise<Counts> {
  const response = await request(`${service.baseUrl}/__count`);
  return (await response.body.json()) as Counts;
}

function report(): ShadowReport {
  const control = proxy.control;
  if (!control.shadowReport) throw new Error('the proxy has no shadowReport');
  return control.shadowReport();
}

function totals(route: string): ShadowTotals {
  const found = report().routes.find((entry) => entry.route === route);
  if (!found) throw new Error(`no shadow totals for ${route}`);
  return found.totals;
}

async function until(check: () => boolean, what: string, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(report().routes)}`);
    await sleep(20);
  }
}

interface Answer {
  status: number;
  name: string;
  body: string;
  ms: number;
}

async function call(path: string, options: { method?: 'GET' | 'HEAD' | 'POST'; body?: string | Buffer | Readable } = {}): Promise<Answer> {
  const started = performance.now();
  const response = await request(`${proxy.url}${path}`, {
    method: options.method ?? 'GET',
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  const body = await response.body.text();
  const name = response.headers['x-name'];
  return { status: response.statusCode, name: typeof name === 'string' ? name : '', body, ms: performance.now() - started };
}

const route = (id: string, service: string, shadow: Record<string, unknown>, weight = 0): Record<string, unknown> => ({
  id,
  match: { path: `/api/${id}/**` },
  service,
  weight,
  shadow,
});

const routes = (): Array<Record<string, unknown>> => [
  route('same', 'same', { service: 'same' }),
  route('pricey', 'pricey', { service: 'pricey', compare: { headers: ['X-Version', 'content-type'] } }),
  route('slow', 'slow', { service: 'slow', timeout: '5s' }),
  route('slow-timeout', 'slow', { service: 'slow', timeout: '300ms' }),
  route('dead', 'dead', { service: 'dead' }),
  route('orders', 'same', { service: 'same', methods: ['POST'] }),
  route('sampled', 'same', { service: 'same', percent: 30 }),
  route('reverse', 'same', { service: 'same' }, 100),
  route('abort', 'same', { service: 'same', maxConcurrent: 1 }),
];

beforeAll(async () => {
  const [monolith, same, pricey, slow, dead] = await Promise.all([
    upstream('monolith'),
    upstream('same', { REVERSE_KEYS: '1' }),
    upstream('pricey', { PRICE_DELTA: '1', VERSION: '2' }),
    upstream('slow', { DELAY_MS: '1000' }),
    upstream('dead'),
  ]);
  await dead.stop();
  up = { monolith, same, pricey, slow, dead };
  const service = (target: RunningService): Record<string, unknown> => ({ instances: [target.baseUrl] });
  proxy = await startProxy({
    config: {
      accessLog: false,
      monolith: service(monolith),
      services: { same: service(same), pricey: service(pricey), slow: service(slow), dead: service(dead) },
      routes: routes(),
    },
    host: '127.0.0.1',
    port: 0,
    observer: { onRequest: () => undefined, onShadow: (event) => events.push(event) },
  });
});

afterAll(async () => {
  await proxy.close();
  await Promise.all(started.map((service) => service.stop()));
});

describe('shadow traffic', () => {
  it('finds identical sides matching (key order ignored), GET and HEAD, in both directions', async () => {
    const before = await counts(up.same);
    for (let index = 0; index < 40; index++) {
      const answer = await call(`/api/same/products/${index}?page=${index}`);
      expect(answer.status).toBe(200);
      expect(answer.name).toBe('monolith');
    }
    expect((await call('/api/same/products/1', { method: 'HEAD' })).status).toBe(200);
    await until(() => totals('same').matched === 41, 'same: 41 matched');
    expect(totals('same')).toMatchObject({ shadowed: 41, matched: 41, mismatched: 0, errors: 0, skipped: 0 });
    const after = await counts(up.same);
    expect(after.GET - before.GET).toBe(40);
    expect(after.HEAD - before.HEAD).toBe(1);
    expect(after.shadow - before.shadow).toBe(41);

    // Diverted to the service: the copy goes to the monolith.
    const monolithBefore = await counts(up.monolith);
    for (let index = 0; index < 10; index++) expect((await call(`/api/reverse/products/${index}`)).name).toBe('same');
    await until(() => totals('reverse').matched === 10, 'reverse: 10 matched');
    const monolithAfter = await counts(up.monolith);
    expect(monolithAfter.shadow - monolithBefore.shadow).toBe(10);
    expect(
      events.filter((event) => event.route === 'reverse').every((event) => event.primary === 'same' && event.shadow === 'monolith'),
    ).toBe(true);
  });

  it('reports a differing JSON field and header with samples naming them, without secrets; ignoreJsonPaths silences the field', async () => {
    for (let index = 0; index < 5; index++) {
      const answer = await call(`/api/pricey/products/${index}?access_token=hunter2&page=2`);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ price: 10 });
    }
    await until(() => totals('pricey').mismatched === 5, 'pricey: 5 mismatched');
    expect(totals('pricey')).toMatchObject({ shadowed: 5, matched: 0, mismatched: 5, mismatchedBy: { status: 0, headers: 5, body: 5 } });
    const samples = report().samples.filter((sample) => sample.route === 'pricey');
    expect(samples).toHaveLength(5);
    expect(samples[0]).toMatchObject({
      method: 'GET',
      path: '/api/pricey/products/0?access_token=REDACTED&page=2',
      primary: { service: 'monolith', status: 200 },
      shadow: { service: 'pricey', status: 200 },
      reasons: ['headers', 'body'],
    });
    expect(samples[0]?.diff).toEqual(['header x-version: primary "1", shadow "2"', '$.price: primary 10, shadow 11']);
    expect(JSON.stringify(report())).not.toContain('hunter2');
    expect(events.filter((event) => event.route === 'pricey' && event.outcome === 'mismatched')).toHaveLength(5);

    // Ignore the price (and stop comparing headers): the same traffic now matches; totals carry over.
    proxy.control.replaceRoutes(
      routes().map((entry) =>
        entry.id === 'pricey' ? route('pricey', 'pricey', { service: 'pricey', compare: { ignoreJsonPaths: ['$.price'] } }) : entry,
      ),
    );
    for (let index = 0; index < 5; index++) expect((await call(`/api/pricey/products/${index}`)).status).toBe(200);
    await until(() => totals('pricey').matched === 5, 'pricey: 5 matched after ignoring $.price');
    expect(totals('pricey')).toMatchObject({ shadowed: 10, matched: 5, mismatched: 5 });
  });

  it('answers the client before a slow shadow side does, and counts shadow timeouts as errors', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => call(`/api/slow/products/${index}`)));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.name).toBe('monolith');
      expect(answer.ms).toBeLessThan(500);
    }
    // The shadow answers take a second: nothing is compared yet when the client already has its answer.
    expect(totals('slow')).toMatchObject({ shadowed: 10, matched: 0, errors: 0 });
    await until(() => totals('slow').matched === 10, 'slow: 10 matched');
    expect(events.filter((event) => event.route === 'slow').every((event) => (event.shadowMs ?? 0) >= 900)).toBe(true);

    const timed = await Promise.all(Array.from({ length: 5 }, (_, index) => call(`/api/slow-timeout/products/${index}`)));
    for (const answer of timed) expect(answer.ms).toBeLessThan(500);
    await until(() => totals('slow-timeout').errors === 5, 'slow-timeout: 5 errors');
    expect(totals('slow-timeout')).toMatchObject({ shadowed: 5, matched: 0, errors: 5, timeouts: 5 });
    expect(events.find((event) => event.route === 'slow-timeout')?.detail).toBe('timeout');
  });

  it('keeps client answers intact when the shadow side is down, counting the errors', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, index) => call(`/api/dead/products/${index}`)));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.name).toBe('monolith');
      expect(JSON.parse(answer.body)).toMatchObject({ id: expect.any(String), price: 10 });
    }
    await until(() => totals('dead').errors === 20, 'dead: 20 errors');
    expect(totals('dead')).toMatchObject({ shadowed: 20, matched: 0, mismatched: 0, errors: 20, timeouts: 0 });
    expect(events.find((event) => event.route === 'dead')?.detail).toBe('connection refused');
    // The shadow's failures do not trip the breaker real traffic relies on.
    expect(proxy.control.instances().find((instance) => instance.service === 'dead')?.breaker).toBe('closed');
  });

  it('does not copy POST unless listed; copies small listed bodies, never big or chunked uploads', async () => {
    const before = await counts(up.same);
    const plain = await call('/api/same/products/9', { method: 'POST', body: 'hello' });
    expect(plain.status).toBe(200);
    expect(JSON.parse(plain.body)).toMatchObject({ received: 5 });
    expect(totals('same').skippedBy.method).toBe(1);

    const listed = await call('/api/orders/1', { method: 'POST', body: 'order-body' });
    expect(JSON.parse(listed.body)).toMatchObject({ received: 10 });
    await until(() => totals('orders').matched === 1, 'orders: 1 matched');
    const afterListed = await counts(up.same);
    expect(afterListed.POST - before.POST).toBe(1);
    expect(afterListed.lastBody).toBe('order-body');

    const big = Buffer.alloc(2 * 1024 * 1024, 98);
    expect(JSON.parse((await call('/api/orders/2', { method: 'POST', body: big })).body)).toMatchObject({ received: big.length });
    const chunked = Readable.from([Buffer.from('a'.repeat(1000)), Buffer.from('b'.repeat(1000))]);
    expect(JSON.parse((await call('/api/orders/3', { method: 'POST', body: chunked })).body)).toMatchObject({ received: 2000 });
    expect(totals('orders')).toMatchObject({ shadowed: 1, skippedBy: { body: 2 } });
    expect((await counts(up.same)).POST).toBe(afterListed.POST);
  });

  it('compares too-large bodies by status and headers only, and delivers them whole', async () => {
    const answer = await call('/api/same/big?kb=2048');
    expect(answer.body.length).toBe(2048 * 1024);
    await until(() => totals('same').tooLarge === 1, 'same: 1 too-large');
  });

  it('skips the comparison when the client hangs up mid-answer, and frees the slot', async () => {
    const response = await request(`${proxy.url}/api/abort/big?kb=16384`);
    for await (const chunk of response.body) {
      expect((chunk as Buffer).length).toBeGreaterThan(0);
      break;
    }
    await until(() => totals('abort').skippedBy.primary === 1, 'abort: 1 skipped');
    // maxConcurrent is 1: the next request is copied only if the aborted one let go of its slot.
    expect((await call('/api/abort/products/1')).status).toBe(200);
    await until(() => totals('abort').matched === 1, 'abort: 1 matched');
    expect(totals('abort')).toMatchObject({ shadowed: 2, skippedBy: { busy: 0, primary: 1 } });
  });

  it('samples by percent within tolerance', async () => {
    const before = await counts(up.same);
    const n = 600;
    for (let batch = 0; batch < n / 20; batch++) {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, index) => call(`/api/sampled/products/${batch * 20 + index}`)));
      for (const answer of answers) expect(answer.status).toBe(200);
    }
    const shadowed = totals('sampled').shadowed;
    // 30% of 600 = 180; the binomial standard deviation is about 11, so ±60 is over 5 sigma.
    expect(shadowed).toBeGreaterThan(120);
    expect(shadowed).toBeLessThan(240);
    await until(() => totals('sampled').matched === shadowed, 'sampled: all matched');
    expect((await counts(up.same)).GET - before.GET).toBe(shadowed);
  });
});
