/**
 * The demo's proxy step: the strangler proxy (library API, in this process) in front of
 * the sample monolith, with the catalog routes diverted to the extracted catalog service
 * at 50 %, ~200 requests driven through it, and the split it observed printed — counted
 * both from each response's `x-strangler-upstream` header and from the proxy's own
 * route counters.
 */
import { startProxy, type RunningProxy } from '../../strangler-proxy/index.js';

export interface ProxyDemoContext {
  monolithUrl: string;
  catalogUrl: string;
  say(line: string): void;
  /** Catalog paths to request (e.g. /api/catalog/products?limit=5). */
  paths: string[];
  /** Requests to send; default 200. */
  requests?: number;
  /** Percentage of catalog traffic diverted; default 50. */
  weight?: number;
}

export interface ProxyDemoResult {
  /** Where the proxy listens. */
  url: string;
  proxy: RunningProxy;
  split: { monolith: number; catalog: number; failed: number; total: number };
  stop(): Promise<void>;
}

const CONCURRENCY = 8;

export async function runProxyDemoStep(ctx: ProxyDemoContext): Promise<ProxyDemoResult> {
  const weight = ctx.weight ?? 50;
  const total = ctx.requests ?? 200;
  const proxy = await startProxy({
    host: '127.0.0.1',
    port: 0,
    config: {
      listen: { host: '127.0.0.1', port: 0 },
      monolith: { instances: [ctx.monolithUrl] },
      services: { catalog: { instances: [ctx.catalogUrl], balancer: 'round-robin' } },
      routes: [{ id: 'catalog', match: { path: '/api/catalog/**' }, service: 'catalog', weight, fallback: true }],
      exposeUpstream: true,
      accessLog: false,
    },
  });
  ctx.say(`   proxy listening on ${proxy.url}: /api/catalog/** → catalog service at ${weight} %, everything else → monolith`);
  const split = { monolith: 0, catalog: 0, failed: 0, total: 0 };
  const paths = ctx.paths.length > 0 ? ctx.paths : ['/api/catalog/categories'];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const path = paths[next % paths.length] ?? '/';
      next++;
      const response = await fetch(proxy.url + path);
      await response.arrayBuffer();
      split.total++;
      const side = response.headers.get('x-strangler-upstream');
      if (response.status >= 500) split.failed++;
      else if (side === 'catalog') split.catalog++;
      else split.monolith++;
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } catch (error) {
    await proxy.close();
    throw error;
  }
  const counters = proxy.control.routes()[0]?.counters;
  const share = (count: number): string => `${((100 * count) / Math.max(1, split.total)).toFixed(1)} %`;
  ctx.say(`   ${split.total} requests through the proxy over ${paths.length} catalog paths:`);
  ctx.say(`     monolith        ${String(split.monolith).padStart(4)}  (${share(split.monolith)})`);
  ctx.say(`     catalog service ${String(split.catalog).padStart(4)}  (${share(split.catalog)})`);
  ctx.say(`     failed          ${String(split.failed).padStart(4)}`);
  if (counters) {
    ctx.say(
      `   the proxy's own counters for route "catalog": matched ${counters.matched}, diverted ${counters.diverted}, fallbacks ${counters.fallbacks}, errors ${counters.errors}`,
    );
  }
  return { url: proxy.url, proxy, split, stop: () => proxy.close() };
}
