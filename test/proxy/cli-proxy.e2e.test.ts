/**
 * `strangler proxy` as a user runs it: the real CLI in a child process, one worker and
 * --workers 2 (node:cluster), hot reload from the file, the admin API behind its token,
 * and a graceful stop on SIGTERM that lets a request in flight finish.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition } from '../../strangler-proxy/metrics/parse-exposition.js';
import { startNodeService } from '../../common/child-process.js';
import { CLI } from '../helpers/cli.js';
import { runScript, startService, type ServiceProcess } from '../helpers/processes.js';
import { ROOT, get, sleep, startUpstream, tempDir } from './helpers.js';

let monolith: ServiceProcess;
let catalog: ServiceProcess;
const dir = tempDir();

beforeAll(async () => {
  [monolith, catalog] = await Promise.all([startUpstream('monolith'), startUpstream('catalog')]);
});

afterAll(async () => {
  await Promise.all([monolith?.stop(), catalog?.stop()]);
});

function writeConfig(name: string, weight: number, extra: Record<string, unknown> = {}): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    [
      'listen: { host: 127.0.0.1, port: 0 }',
      `monolith: { instances: ["${monolith.baseUrl}"] }`,
      `services: { catalog: { instances: ["${catalog.baseUrl}"] } }`,
      'routes:',
      `  - { id: catalog, match: { path: /api/catalog/** }, service: catalog, weight: ${weight} }`,
      'accessLog: false',
      ...Object.entries(extra).map(([key, value]) => `${key}: ${JSON.stringify(value)}`),
      '',
    ].join('\n'),
  );
  return file;
}

const exited = (service: ServiceProcess): Promise<number | null> =>
  new Promise((resolve) => {
    if (service.child.exitCode !== null) return resolve(service.child.exitCode);
    service.child.once('exit', (code) => resolve(code));
  });

async function sides(url: string, count: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const answer = await get(url);
    expect(answer.status).toBe(200);
    seen.add(answer.upstream);
  }
  return seen;
}

/** Pids of the cluster's workers or the serving child (children of the process running cli/main.ts or the built main.js), from /proc. */
/** The fields of a /proc stat file after the process's name (which is in parentheses and may hold spaces): [0] is field 3. */
function statFields(path: string): string[] {
  const stat = readFileSync(path, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function childrenOf(pid: number | undefined): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const parent = Number(statFields(`/proc/${entry}/stat`)[1]);
      // Only the workers (tsx's esbuild helper is a child too).
      if (parent === pid && /cli\/main\.[tj]s/.test(readFileSync(`/proc/${entry}/cmdline`, 'utf8'))) children.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}

/** The nice value (field 19 of its stat) of a process's main thread and of each of its other threads. */
function threadNice(pid: number): { main: number; others: number[] } {
  const nice = (tid: string): number => Number(statFields(`/proc/${pid}/task/${tid}/stat`)[16]);
  const others = readdirSync(`/proc/${pid}/task`).filter((tid) => tid !== String(pid));
  return { main: nice(String(pid)), others: others.map(nice) };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('strangler proxy (CLI)', () => {
  it('refuses to start without --config, or with a config naming a bad key', async () => {
    await expect(runScript({ cwd: ROOT, entry: 'cli/main.ts', args: ['proxy'] })).rejects.toThrow(/needs --config <file>/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'monolith: { instances: ["http://127.0.0.1:1"] }\nroutes: [{ id: x, match: { path: /x }, service: nope }]\n');
    await expect(runScript({ cwd: ROOT, entry: 'cli/main.ts', args: ['proxy', '--config', bad] })).rejects.toThrow(
      /exited with 2[\s\S]*routes\[0\]\.service: unknown service "nope"/,
    );
  });

  it('checks a config with --check and exits', async () => {
    const output = await runScript({
      cwd: ROOT,
      entry: 'cli/main.ts',
      args: ['proxy', '--config', writeConfig('check.yaml', 25), '--check'],
    });
    expect(output).toMatch(
      /check\.yaml is valid: 1 route\(s\) \(1 diverting traffic\), 1 service\(s\), monolith http:\/\/127\.0\.0\.1:\d+/,
    );
  });

  it('serves, reloads when the file changes, serves the admin API behind its token, and drains on SIGTERM', async () => {
    const token = 'cli-test-token-0123456789';
    const file = writeConfig('one.yaml', 0, { admin: { listen: { host: '127.0.0.1', port: 0 }, tokenEnv: 'TEST_ADMIN_TOKEN' } });
    const proxy = await startService({
      cwd: ROOT,
      entry: 'cli/main.ts',
      args: ['proxy', '--config', file],
      env: { TEST_ADMIN_TOKEN: token },
    });
    try {
      expect(proxy.output()).toContain(`strangler proxy: listening on ${proxy.baseUrl}`);
      expect(await sides(`${proxy.baseUrl}/api/catalog/x`, 10)).toEqual(new Set(['monolith']));
      writeConfig('one.yaml', 100, { admin: { listen: { host: '127.0.0.1', port: 0 }, tokenEnv: 'TEST_ADMIN_TOKEN' } });
      await waitFor(async () => (await get(`${proxy.baseUrl}/api/catalog/x`)).upstream === 'catalog');
      expect(await sides(`${proxy.baseUrl}/api/catalog/x`, 10)).toEqual(new Set(['catalog']));

      const admin = /admin API and \/metrics on (http:\/\/[^\s]+)/.exec(proxy.output())?.[1];
      expect(admin).toBeDefined();
      expect((await fetch(`${admin}/api/routes`)).status).toBe(401);
      const routes = await fetch(`${admin}/api/routes`, { headers: { authorization: `Bearer ${token}` } });
      expect(routes.status).toBe(200);
      expect(JSON.stringify(await routes.json())).toContain('"weight":100');
      const metrics = await (await fetch(`${admin}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
      expect(metrics).toMatch(/strangler_proxy_requests_total\{[^}]*route="catalog"/);

      const slow = get(`${proxy.baseUrl}/slow?ms=800`);
      await sleep(200);
      const exit = exited(proxy);
      proxy.child.kill('SIGTERM');
      expect(await slow).toMatchObject({ status: 200, upstream: 'monolith' });
      expect(await exit).toBe(0);
      expect(proxy.output()).toContain('stopping (draining in-flight requests)');
    } finally {
      await proxy.stop();
    }
  });

  it("serves from a child started with the young generation's size, single-threaded GC and V8's threads at nice 19, which stops when its supervisor is killed; V8's defaults serve in one process", async () => {
    const file = writeConfig('young.yaml', 0);
    const proxy = await startService({ cwd: ROOT, entry: 'cli/main.ts', args: ['proxy', '--config', file] });
    try {
      expect((await get(`${proxy.baseUrl}/x`)).upstream).toBe('monolith');
      const [child, ...others] = childrenOf(proxy.child.pid);
      expect(others).toEqual([]);
      const argv = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0');
      expect(argv).toContain('--min-semi-space-size=8');
      expect(argv).toContain('--single-threaded-gc');
      expect(argv[argv.indexOf('--require') + 1]).toBe(join(ROOT, 'strangler-proxy', 'helper-threads.cjs'));
      expect(argv.slice(argv.indexOf('proxy'))).toEqual(['proxy', '--config', file, '']);
      // Node's platform threads (V8's four workers and two more) at 19, the main thread at 0. (Under tsx its loader's thread,
      // there before the preload, is lowered too, and with it the thread pool it starts: the built CLI is checked below.)
      const nice = threadNice(child ?? 0);
      expect(nice.main).toBe(0);
      expect(nice.others.filter((value) => value === 19).length).toBeGreaterThanOrEqual(4);
      // A supervisor killed outright cannot pass anything on: the child sees its channel close and stops.
      proxy.child.kill('SIGKILL');
      await waitFor(async () => !existsSync(`/proc/${child}`));
      await expect(get(`${proxy.baseUrl}/x`)).rejects.toThrow();
    } finally {
      await proxy.stop();
    }

    // The built CLI: libuv's thread pool (dns.lookup, files), made by the main thread after the preload, keeps its priority.
    const built = await startNodeService({ cwd: ROOT, nodeArgs: [CLI, 'proxy', '--config', file], env: {}, timeoutMs: 30_000 });
    try {
      expect((await get(`${built.baseUrl}/x`)).upstream).toBe('monolith');
      const [child] = childrenOf(built.child.pid);
      const nice = threadNice(child ?? 0);
      expect(nice.main).toBe(0);
      expect(nice.others.filter((value) => value === 19).length).toBeGreaterThanOrEqual(4);
      expect(nice.others.filter((value) => value === 0).length).toBeGreaterThanOrEqual(1);
      expect(nice.others.every((value) => value === 0 || value === 19)).toBe(true);
    } finally {
      await built.stop();
    }

    const single = await startService({
      cwd: ROOT,
      entry: 'cli/main.ts',
      args: ['proxy', '--config', file, '--young-generation', '0', '--gc-threads', 'parallel', '--helper-nice', '0'],
    });
    try {
      expect((await get(`${single.baseUrl}/x`)).upstream).toBe('monolith');
      expect(childrenOf(single.child.pid)).toEqual([]);
      const nice = threadNice(single.child.pid ?? 0);
      expect([nice.main, ...nice.others].every((value) => value === 0)).toBe(true);
      const exit = exited(single);
      single.child.kill('SIGINT');
      expect(await exit).toBe(130);
    } finally {
      await single.stop();
    }
  });

  it('runs --workers 2 on one port; /metrics and the admin counters sum both workers; every worker picks up a file change and an admin change', async () => {
    const token = 'cluster-test-token-0123456789';
    const admin = { admin: { listen: { host: '127.0.0.1', port: 0 }, tokenEnv: 'TEST_ADMIN_TOKEN' } };
    const file = writeConfig('two.yaml', 0, admin);
    const proxy = await startService({
      cwd: ROOT,
      entry: 'cli/main.ts',
      args: ['proxy', '--config', file, '--workers', '2'],
      env: { TEST_ADMIN_TOKEN: token },
    });
    try {
      expect(proxy.output()).toContain(`2 workers listening on ${proxy.baseUrl}`);
      expect(await sides(`${proxy.baseUrl}/api/catalog/x`, 20)).toEqual(new Set(['monolith']));

      // 40 fresh connections: the primary hands them to the workers in turn, so both serve
      // some; worker 1's /metrics and admin API count all 60 requests once the other has reported.
      const spread = await Promise.all(
        Array.from({ length: 40 }, () =>
          fetch(`${proxy.baseUrl}/api/catalog/x`, { headers: { connection: 'close' } }).then((r) => r.status),
        ),
      );
      expect(new Set(spread)).toEqual(new Set([200]));
      await waitFor(() => Promise.resolve(/admin API and \/metrics on http:\/\//.test(proxy.output())));
      const adminBase = /admin API and \/metrics on (http:\/\/[^\s]+)/.exec(proxy.output())?.[1] ?? '';
      const auth = { authorization: `Bearer ${token}` };
      const scrape = async (): Promise<{ requests: number; processes: number; upstream: number; byWorker: number[] }> => {
        const parsed = parseExposition(await (await fetch(`${adminBase}/metrics`, { headers: auth })).text());
        const sum = (name: string): number =>
          parsed.samples.filter((sample) => sample.name === name).reduce((total, sample) => total + sample.value, 0);
        return {
          requests: sum('strangler_proxy_requests_total'),
          processes: sum('strangler_proxy_processes'),
          upstream: sum('strangler_proxy_upstream_requests_total'),
          byWorker: ['1', '2'].map(
            (worker) =>
              parsed.samples.find((sample) => sample.name === 'strangler_proxy_worker_requests_total' && sample.labels.worker === worker)
                ?.value ?? 0,
          ),
        };
      };
      await waitFor(async () => (await scrape()).requests === 60).catch(async (error: unknown) => {
        console.log(JSON.stringify(await scrape()));
        throw error;
      });
      const scraped = await scrape();
      expect(scraped).toMatchObject({ requests: 60, processes: 2, upstream: 60 });
      // Both workers served part of it, and the parts add up.
      const [first = 0, second = 0] = scraped.byWorker;
      expect(first).toBeGreaterThan(0);
      expect(second).toBeGreaterThan(0);
      expect(first + second).toBe(60);
      const counted = (await (await fetch(`${adminBase}/api/routes`, { headers: auth })).json()) as unknown;
      expect(JSON.stringify(counted)).toContain('"matched":60');
      writeConfig('two.yaml', 100, admin);
      await waitFor(
        async () =>
          (await sides(`${proxy.baseUrl}/api/catalog/x`, 20)).size === 1 &&
          (await get(`${proxy.baseUrl}/api/catalog/x`)).upstream === 'catalog',
      );
      // Fresh connections land on either worker; all of them now divert.
      const fresh = await Promise.all(
        Array.from({ length: 40 }, () =>
          fetch(`${proxy.baseUrl}/api/catalog/x`, { headers: { connection: 'close' } }).then((r) => r.headers.get('x-upstream')),
        ),
      );
      expect(new Set(fresh)).toEqual(new Set(['catalog']));

      // Worker 1 serves the admin API; its change reaches worker 2 as well.
      await waitFor(() => Promise.resolve(/admin API and \/metrics on http:\/\//.test(proxy.output())));
      const adminUrl = /admin API and \/metrics on (http:\/\/[^\s]+)/.exec(proxy.output())?.[1] ?? '';
      const patched = await fetch(`${adminUrl}/api/routes/catalog`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ weight: 0 }),
      });
      expect(patched.status).toBe(200);
      await sleep(200);
      const afterAdmin = await Promise.all(
        Array.from({ length: 40 }, () =>
          fetch(`${proxy.baseUrl}/api/catalog/x`, { headers: { connection: 'close' } }).then((r) => r.headers.get('x-upstream')),
        ),
      );
      expect(new Set(afterAdmin)).toEqual(new Set(['monolith']));

      // A worker that dies is replaced, and the proxy keeps answering meanwhile.
      const workers = childrenOf(proxy.child.pid);
      expect(workers).toHaveLength(2);
      // Started with the young generation's size, which cluster workers take from the primary's settings.
      for (const pid of workers) {
        expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toEqual(
          expect.arrayContaining(['--min-semi-space-size=8', '--single-threaded-gc', '--require']),
        );
        expect(threadNice(pid).others).toContain(19);
      }
      process.kill(workers[0] ?? 0, 'SIGKILL');
      await waitFor(async () => {
        const now = childrenOf(proxy.child.pid);
        return now.length === 2 && !now.includes(workers[0] ?? 0) && proxy.output().split('"msg":"proxy listening"').length === 4;
      });
      const after = await Promise.all(
        Array.from({ length: 20 }, () =>
          fetch(`${proxy.baseUrl}/api/catalog/x`, { headers: { connection: 'close' } }).then((r) => r.status),
        ),
      );
      expect(new Set(after)).toEqual(new Set([200]));
      const exit = exited(proxy);
      proxy.child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      await proxy.stop();
    }
  });
});
