/** Shared pieces of the proxy's e2e tests: real upstream processes, a proxy, a load loop. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request as httpRequest } from 'node:http';
import { request } from 'undici';
import { isStranglerError } from '../../common/errors.js';
import { loadProxyConfig, startProxy, type RunningProxy } from '../../strangler-proxy/index.js';
import { startService, type ServiceProcess } from '../helpers/processes.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export function startUpstream(name: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  return startService({ cwd: ROOT, entry: 'test/proxy/upstreams/echo-server.ts', env: { NAME: name, ...env } });
}

/** How many requests an upstream has seen. */
export async function upstreamCount(upstream: ServiceProcess): Promise<number> {
  const response = await fetch(`${upstream.baseUrl}/__count`);
  const body = (await response.json()) as { count: number };
  return body.count;
}

/** A proxy in this process, from a config object, or (with `configPath`) from that file alone. */
export async function startTestProxy(
  config: Record<string, unknown>,
  extra: { configPath?: string; watch?: boolean } = {},
): Promise<RunningProxy> {
  if (extra.configPath !== undefined) return startProxy({ host: '127.0.0.1', port: 0, ...extra });
  return startProxy({ config: { accessLog: false, exposeUpstream: true, ...config }, host: '127.0.0.1', port: 0 });
}

export interface Seen {
  status: number;
  upstream: string;
  body: string;
}

/** One GET through the proxy; the upstream's name comes from its JSON (or the proxy's header). */
export async function get(url: string, headers: Record<string, string> = {}): Promise<Seen> {
  const response = await request(url, { headers });
  const body = await response.body.text();
  const header = response.headers['x-upstream'];
  return { status: response.statusCode, upstream: typeof header === 'string' ? header : '(none)', body };
}

/** Runs `concurrency` loops of `once` until `stop()` is called; collects every outcome. */
export function load<T>(once: () => Promise<T>, concurrency: number): { stop(): Promise<T[]>; results: T[] } {
  const results: T[] = [];
  let running = true;
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) results.push(await once());
  });
  return {
    results,
    async stop() {
      running = false;
      await Promise.all(loops);
      return results;
    },
  };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'strangler-proxy-'));
}

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value, null, 2));
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** A request through node:http, which sends the path and headers as given (no URL normalisation, Connection allowed). */
export function rawRequest(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(base);
  return new Promise((done, fail) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

/** The message a config file is refused with at load (CONFIG_INVALID); fails when it is accepted. */
export async function refusal(config: string): Promise<string> {
  try {
    await loadProxyConfig(config);
  } catch (error) {
    if (isStranglerError(error, 'CONFIG_INVALID')) return error.message;
    throw error;
  }
  throw new Error(`${config} was accepted`);
}
