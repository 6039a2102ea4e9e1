/**
 * pace against real servers on loopback: the C source compiled with the system compiler,
 * node:http and raw net servers started here, the binary run as a child process.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runToEnd, type Finished } from '../../common/child-process.js';
import { buildPace, paceArgs, parsePace, runPace, type PaceOptions } from './pace.js';

let workDir: string;
let pace: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'pace-test-'));
  pace = await buildPace(workDir);
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** A server started by a test: its URL and what it saw. */
interface Started {
  url: string;
  port: number;
  requests: number;
  connections: number;
}

const servers: Server[] = [];

afterEach(async () => {
  const closing = servers.splice(0).map(
    (server) =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server && typeof server.closeAllConnections === 'function') server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  await Promise.all(closing);
});

function listen(server: Server, started: Omit<Started, 'url' | 'port'>): Promise<Started> {
  servers.push(server);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    started.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // The raw server keeps sockets of its own: close them with the server.
  server.on('close', () => sockets.forEach((socket) => socket.destroy()));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve(Object.assign(started, { port, url: `http://127.0.0.1:${port}/hello` }));
    });
  });
}

/** A node:http server; `handler` answers the n-th request (0-based). */
function httpServer(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<Started> {
  const seen = { requests: 0, connections: 0 };
  const server = createHttpServer((req, res) => handler(req, res, seen.requests++));
  return listen(server, seen);
}

/**
 * A raw TCP server that answers each request (read up to its blank line) by writing `parts`
 * one after another, `gapMs` apart, with Nagle off so that each part leaves as a segment.
 * Each part's timer is set when the one before it has been written: timers of different
 * durations set together can fire out of order when the event loop wakes late (node runs
 * them list by list), which would scramble the parts on a busy machine.
 */
function rawServer(parts: string[], gapMs: number): Promise<Started> {
  const seen = { requests: 0, connections: 0 };
  const server = createNetServer((socket) => {
    socket.setNoDelay(true);
    let buffered = '';
    let queued = 0;
    let busy = false;
    const writePart = (i: number): void => {
      if (!socket.destroyed) socket.write(parts[i] ?? '');
      if (i + 1 < parts.length) {
        setTimeout(() => writePart(i + 1), gapMs);
      } else {
        busy = false;
        answer();
      }
    };
    const answer = (): void => {
      if (busy || queued === 0) return;
      busy = true;
      queued--;
      setTimeout(() => writePart(0), 0);
    };
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n\r\n')) !== -1) {
        buffered = buffered.slice(end + 4);
        seen.requests++;
        queued++;
      }
      answer();
    });
    socket.on('error', () => socket.destroy());
  });
  return listen(server, seen);
}

const fast = (): Promise<Started> => httpServer((_req, res) => res.end('hello'));

/** Runs the binary itself, for what a PaceResult does not carry: exit code, stderr, summary lines. */
const runRaw = (args: string[]): Promise<Finished> => runToEnd(pace, args);

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('pace', () => {
  it('paces 400 req/s against a fast server: every request answered, sub-5 ms p50, nothing sent twice', async () => {
    const server = await fast();
    const result = await runPace(pace, { url: server.url, rate: 400, seconds: 2 });
    expect(result.errors).toBe(0);
    expect(result.requests).toBeGreaterThanOrEqual(680);
    expect(result.requests).toBeLessThanOrEqual(920);
    expect(result.achievedRate).toBeGreaterThanOrEqual(340);
    expect(result.achievedRate).toBeLessThanOrEqual(460);
    expect(result.achievedRate).toBeCloseTo(result.requests / 2, 3);
    expect(result.p50).toBeGreaterThan(0);
    expect(result.p50).toBeLessThan(5);
    expect(result.p50).toBeLessThanOrEqual(result.p90);
    expect(result.p90).toBeLessThanOrEqual(result.p99);
    expect(result.p99).toBeLessThanOrEqual(result.p999);
    expect(result.p999).toBeLessThanOrEqual(result.max);
    expect(result.warmupRequests).toBeGreaterThan(0);
    expect(server.requests).toBe(result.requests + result.warmupRequests);
    expect(server.connections).toBe(16);
  });

  it('sends on schedule: uniform arrivals at 1000 req/s go out within microseconds of their time', async () => {
    const server = await fast();
    // Another process can only delay a wake-up, never bring it forward: the best of three runs
    // shows what pace itself does on a busy machine.
    let best = Infinity;
    for (let attempt = 0; attempt < 3 && best >= 300; attempt++) {
      const { code, stdout } = await runRaw(paceArgs({ url: server.url, rate: 1000, seconds: 1, arrivals: 'uniform' }));
      expect(code).toBe(0);
      const result = parsePace(stdout);
      expect(result).toMatchObject({ requests: 1000, errors: 0 });
      expect(stdout).toMatch(/send lag behind schedule \(us, \d+ requests that found an idle connection\): p50 [\d.]+/);
      expect(result.sendLagSamples).toBeGreaterThan(900);
      expect(result.p50).toBeLessThan(5);
      best = Math.min(best, result.sendLagP50Us);
    }
    // wrk's millisecond timers would put the median half a millisecond late.
    expect(best).toBeLessThan(300);
  });

  it('dumps each recorded response: scheduled epoch time in order of schedule, latency matching the summary', async () => {
    const server = await fast();
    const dump = join(workDir, 'dump.txt');
    const before = Date.now();
    const result = await runPace(pace, { url: server.url, rate: 500, seconds: 1, warmup: 0.2, arrivals: 'uniform', dump });
    const lines = readFileSync(dump, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(result.requests);
    const rows = lines.map((line) => {
      expect(line).toMatch(/^\d{13}\.\d{6} \d+$/);
      const [at, latency] = line.split(' ').map(Number) as [number, number];
      return { at, latency };
    });
    // The first recorded request is due 0.2 s (the warm-up) after the start; uniform gaps are 2 ms.
    expect(rows[0]?.at).toBeGreaterThanOrEqual(before + 200);
    expect(rows[0]?.at).toBeLessThan(Date.now());
    const gaps = rows.slice(1).map((row, i) => row.at - (rows[i]?.at ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThan(-1.5);
    expect(gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length).toBeCloseTo(2, 1);
    const sorted = rows.map((row) => row.latency).sort((a, b) => a - b);
    expect(sorted[Math.ceil(sorted.length / 2) - 1]! / 1000).toBeCloseTo(result.p50, 2);
    expect(sorted.at(-1)! / 1000).toBeCloseTo(result.max, 2);
  });

  it('refuses a --dump file it cannot write with exit code 1, before connecting', async () => {
    const { code, stderr } = await runRaw([
      '--url',
      'http://127.0.0.1:1/',
      '--rate',
      '10',
      '--seconds',
      '1',
      '--dump',
      join(workDir, 'no', 'such'),
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot write --dump file .*no\/such: No such file or directory/);
  });

  it('schedules uniform arrivals exactly, and Poisson arrivals repeatably for a seed', async () => {
    const server = await fast();
    const uniform = await runPace(pace, { url: server.url, rate: 200, seconds: 1, arrivals: 'uniform' });
    // Request k is due at k/200 s: k = 1..99 fall in the 0.5 s warm-up, k = 100..299 are recorded.
    expect(uniform).toMatchObject({ requests: 200, warmupRequests: 99, errors: 0, achievedRate: 200 });

    const options: PaceOptions = { url: server.url, rate: 200, seconds: 1, warmup: 0.2, arrivals: 'poisson', seed: 7 };
    const first = await runPace(pace, options);
    const again = await runPace(pace, options);
    const otherSeed = await runPace(pace, { ...options, seed: 8 });
    for (const run of [first, again, otherSeed]) {
      expect(run.errors).toBe(0);
      expect(run.requests).toBeGreaterThan(150);
      expect(run.requests).toBeLessThan(250);
    }
    expect(again.requests).toBe(first.requests);
    expect(again.warmupRequests).toBe(first.warmupRequests);
    // Another seed, another schedule (fixed by the seeds, so this holds every run).
    expect([otherSeed.requests, otherSeed.warmupRequests]).not.toEqual([first.requests, first.warmupRequests]);
    expect(server.requests).toBe([uniform, first, again, otherSeed].reduce((sum, run) => sum + run.requests + run.warmupRequests, 0));
  });

  describe('against a server that answers after 50 ms', () => {
    /** Answers once at least 50 ms have passed (setTimeout alone can fire a little early). */
    const slow = (): Promise<Started> =>
      httpServer((_req, res) => {
        const due = performance.now() + 50;
        const check = (): void => {
          const left = due - performance.now();
          if (left <= 0) res.end('slow');
          else setTimeout(check, Math.ceil(left));
        };
        setTimeout(check, 50);
      });

    it('counts latency from the scheduled time when requests queue for 2 connections (no coordinated omission)', async () => {
      const server = await slow();
      // 2 connections carry 40 req/s at most; 100 req/s are scheduled, so the queue grows.
      const result = await runPace(pace, { url: server.url, rate: 100, seconds: 1, connections: 2 });
      expect(result.errors).toBe(0);
      expect(result.maxQueued).toBeGreaterThan(10);
      expect(result.p50).toBeGreaterThan(500);
      expect(result.max).toBeGreaterThan(result.p50);
      expect(server.connections).toBe(2);
    });

    it('sees about 50 ms with 16 connections, where nothing has to wait', async () => {
      const server = await slow();
      const result = await runPace(pace, { url: server.url, rate: 100, seconds: 1, connections: 16 });
      expect(result.errors).toBe(0);
      expect(result.p50).toBeGreaterThanOrEqual(50);
      expect(result.p50).toBeLessThan(70);
      expect(result.achievedRate).toBeGreaterThan(70);
    });
  });

  describe('errors', () => {
    it('counts every 500 as an error, reading it fully and reusing the connection', async () => {
      const server = await httpServer((_req, res) => {
        res.statusCode = 500;
        res.end('broken');
      });
      const result = await runPace(pace, { url: server.url, rate: 200, seconds: 1, connections: 4 });
      expect(result.requests).toBeGreaterThan(150);
      expect(result.errors).toBe(result.requests);
      expect(result.achievedRate).toBe(0);
      expect(server.requests).toBe(result.requests + result.warmupRequests);
      expect(server.connections).toBe(4);
    });

    it('counts a connection destroyed mid-request as an error, reopens it, and later requests succeed', async () => {
      const server = await httpServer((req, res, n) => {
        if (n % 2 === 1) req.socket.destroy();
        else res.end('ok');
      });
      const result = await runPace(pace, { url: server.url, rate: 200, seconds: 1, connections: 4 });
      expect(result.requests).toBeGreaterThan(150);
      expect(result.errors).toBeGreaterThan(result.requests * 0.3);
      expect(result.errors).toBeLessThan(result.requests * 0.7);
      // Every recorded request either failed or was answered.
      expect(result.requests - result.errors).toBe(Math.round(result.achievedRate * 1));
      expect(result.achievedRate).toBeGreaterThan(60);
      expect(server.connections).toBeGreaterThan(100);
    });

    it('gives up on a response slower than --timeout-ms and replaces its connection', async () => {
      // Every fourth request is never answered.
      const server = await httpServer((_req, res, n) => {
        if (n % 4 !== 3) res.end('ok');
      });
      const started = performance.now();
      const result = await runPace(pace, { url: server.url, rate: 100, seconds: 1, connections: 8, timeoutMs: 200 });
      expect(result.errors).toBeGreaterThan(result.requests * 0.15);
      expect(result.errors).toBeLessThan(result.requests * 0.35);
      expect(result.max).toBeLessThan(200);
      expect(server.connections).toBeGreaterThan(8 + 20);
      expect(performance.now() - started).toBeLessThan(3000);
    });
  });

  describe('responses that arrive in pieces', () => {
    it('reads chunked bodies (two writes, no content-length) and stays in step on each connection', async () => {
      const big = 'x'.repeat(100_000);
      const server = await httpServer((_req, res) => {
        res.write('hello ');
        setTimeout(() => {
          res.write(big);
          res.end();
        }, 1);
      });
      const result = await runPace(pace, { url: server.url, rate: 100, seconds: 1, connections: 4, arrivals: 'uniform' });
      expect(result).toMatchObject({ requests: 100, errors: 0, achievedRate: 100 });
      // A misread body would leave bytes for the next response to trip over: the connection would be replaced.
      expect(server.connections).toBe(4);
    });

    it('reads a head written in three parts, its blank line split between them', async () => {
      const server = await rawServer(['HTTP/1.1 200 OK\r\nContent-Le', 'ngth: 5\r\nX-Part: two\r\n\r', '\nhello'], 5);
      const result = await runPace(pace, { url: server.url, rate: 100, seconds: 1, connections: 4, arrivals: 'uniform' });
      expect(result).toMatchObject({ requests: 100, errors: 0, achievedRate: 100 });
      // The answer is complete only with the last part, written 10 ms after the first (node's timers may fire ~1 ms early).
      expect(result.p50).toBeGreaterThanOrEqual(8);
      expect(server.connections).toBe(4);
    });

    it('reads chunk-size lines split across reads, chunk extensions and trailers', async () => {
      const server = await rawServer(
        [
          'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r',
          '\nhello\r\n1',
          '0;part=2\r\n0123456789abcdef\r\n0\r\nX-Trailer: t\r\n\r\n',
        ],
        3,
      );
      const result = await runPace(pace, { url: server.url, rate: 100, seconds: 1, connections: 4, arrivals: 'uniform' });
      expect(result).toMatchObject({ requests: 100, errors: 0, achievedRate: 100 });
      expect(result.p50).toBeGreaterThanOrEqual(4);
      expect(server.connections).toBe(4);
    });
  });

  describe('arguments', () => {
    it('refuses an https URL with exit code 2, naming --url and what it accepts', async () => {
      const { code, stderr } = await runRaw(['--url', 'https://x', '--rate', '10', '--seconds', '1']);
      expect(code).toBe(2);
      expect(stderr).toMatch(/--url 'https:\/\/x'/);
      expect(stderr).toMatch(/plain http:\/\/ to a numeric IPv4 host or localhost, with a port/);
    });

    it('refuses a negative rate with exit code 2, naming --rate', async () => {
      const { code, stderr } = await runRaw(['--url', 'http://127.0.0.1:1/', '--rate', '-1', '--seconds', '1']);
      expect(code).toBe(2);
      expect(stderr).toMatch(/--rate must be a number > 0.*got '-1'/);
    });

    it('exits with 1 naming host:port when nothing listens there, and runPace rejects with that message', async () => {
      const port = await freePort();
      const { code, stderr } = await runRaw(['--url', `http://127.0.0.1:${port}/`, '--rate', '10', '--seconds', '1']);
      expect(code).toBe(1);
      expect(stderr).toContain(`cannot connect to 127.0.0.1:${port}`);
      await expect(runPace(pace, { url: `http://localhost:${port}/`, rate: 10, seconds: 1 })).rejects.toThrow(
        `pace exited with 1:\npace: cannot connect to localhost:${port}`,
      );
    });
  });

  describe('the TypeScript side', () => {
    it('builds once per source: a second build returns the same binary untouched', async () => {
      const before = statSync(pace).mtimeMs;
      expect(await buildPace(workDir)).toBe(pace);
      expect(statSync(pace).mtimeMs).toBe(before);
      expect(pace).toMatch(/pace-[0-9a-f]{12}$/);
    });

    it('buildPace says so when there is no C compiler', async () => {
      const emptyDir = mkdtempSync(join(workDir, 'no-cc-'));
      const path = process.env.PATH;
      process.env.PATH = emptyDir; // spawn looks `cc` up in this PATH: there is none
      try {
        await expect(buildPace(join(emptyDir, 'out'))).rejects.toThrow(/cannot run the C compiler `cc`.*ENOENT/);
      } finally {
        process.env.PATH = path;
      }
    });

    it('parsePace reads the last JSON line and refuses output without one, showing its tail', () => {
      const line =
        '{"requests":10,"errors":1,"rate":5,"achievedRate":4.5,"seconds":2,"connections":3,"arrivals":"uniform","p50Ms":0.1,' +
        '"p90Ms":0.2,"p99Ms":0.3,"p999Ms":0.4,"maxMs":0.5,"meanMs":0.15,"maxQueued":2,"warmupRequests":3,"errorsStatus":1,' +
        '"errorsClosed":0,"errorsTimeout":0,"errorsBadResponse":0,"errorsUnfinished":0,"reconnects":0,"sendLagP50Us":12.5,"sendLagSamples":7}';
      expect(parsePace(`summary\n{"not":"this"}\n${line}\n`)).toEqual({
        requests: 10,
        errors: 1,
        rate: 5,
        achievedRate: 4.5,
        p50: 0.1,
        p90: 0.2,
        p99: 0.3,
        p999: 0.4,
        max: 0.5,
        mean: 0.15,
        maxQueued: 2,
        warmupRequests: 3,
        errorsStatus: 1,
        errorsClosed: 0,
        errorsTimeout: 0,
        errorsBadResponse: 0,
        errorsUnfinished: 0,
        reconnects: 0,
        sendLagP50Us: 12.5,
        sendLagSamples: 7,
      });
      expect(() => parsePace('pace: something went wrong at the end\n')).toThrow(/no JSON report.*\n.*went wrong at the end/);
    });
  });
});
