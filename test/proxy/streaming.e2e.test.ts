/**
 * Bodies stream through the proxy: a 100 MB upload and a 100 MB download pass while the
 * proxy process (the real CLI, `strangler proxy`, in a child process) stays within a small,
 * bounded memory growth, measured from its /proc status.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '../helpers/processes.js';
import { startService } from '../helpers/processes.js';
import { ROOT, startUpstream, tempDir, writeJson } from './helpers.js';

const MB = 1024 * 1024;
let monolith: ServiceProcess;
let catalog: ServiceProcess;
let proxy: ServiceProcess;

function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid ?? 'self'}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return Number(match?.[1] ?? 0) / 1024;
}

beforeAll(async () => {
  [monolith, catalog] = await Promise.all([startUpstream('monolith'), startUpstream('catalog')]);
  const dir = tempDir();
  const config = join(dir, 'strangler.json');
  writeJson(config, {
    listen: { host: '127.0.0.1', port: 0 },
    monolith: { instances: [monolith.baseUrl] },
    services: { catalog: { instances: [catalog.baseUrl] } },
    routes: [{ id: 'uploads', match: { path: '/api/catalog/**' }, service: 'catalog' }],
    accessLog: false,
  });
  proxy = await startService({ cwd: ROOT, entry: 'cli/main.ts', args: ['proxy', '--config', config] });
});

afterAll(async () => {
  await proxy?.stop();
  await Promise.all([monolith?.stop(), catalog?.stop()]);
});

function body(totalBytes: number): Readable {
  const chunk = Buffer.alloc(256 * 1024, 120);
  let left = totalBytes;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const size = Math.min(left, chunk.length);
      left -= size;
      this.push(size === chunk.length ? chunk : chunk.subarray(0, size));
    },
  });
}

describe('streaming bodies', () => {
  it('streams a 100 MB upload to a slow-reading service with bounded proxy memory', async () => {
    // Warm up pools and JIT, then take the baseline.
    // Warm up pools, JIT and the heap's young generation with a smaller upload, then take the baseline.
    await (await request(`${proxy.baseUrl}/api/catalog/warm`, { method: 'POST', body: body(20 * MB) })).body.text();
    const baseline = rssMb(proxy.child.pid);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(proxy.child.pid))), 20);
    try {
      const response = await request(`${proxy.baseUrl}/api/catalog/throttled`, {
        method: 'POST',
        body: body(100 * MB),
        headers: { 'content-type': 'application/octet-stream' },
      });
      const answer = (await response.body.json()) as { name: string; bytes: number };
      expect(response.statusCode).toBe(200);
      expect(answer).toMatchObject({ name: 'catalog', bytes: 100 * MB });
    } finally {
      clearInterval(sampler);
    }
    expect(peak - baseline, `proxy RSS ${baseline.toFixed(1)} → peak ${peak.toFixed(1)} MB`).toBeLessThan(60);
  });

  it('streams a 100 MB download with bounded proxy memory', async () => {
    const baseline = rssMb(proxy.child.pid);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(proxy.child.pid))), 20);
    let received = 0;
    try {
      const response = await request(`${proxy.baseUrl}/big?mb=100`);
      expect(response.statusCode).toBe(200);
      for await (const chunk of response.body) received += (chunk as Buffer).length;
    } finally {
      clearInterval(sampler);
    }
    expect(received).toBe(100 * MB);
    expect(peak - baseline, `proxy RSS ${baseline.toFixed(1)} → peak ${peak.toFixed(1)} MB`).toBeLessThan(60);
  });
});
