/**
 * `strangler demo`: the whole workflow on the sample monolith, with nothing installed but
 * Node: an embedded PostgreSQL (or DATABASE_URL), the shop monolith migrated, seeded and
 * answering, the extracted catalog service answering the same catalog routes, the proxy
 * diverting part of the catalog traffic to it, and the sync carrying a change across.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { StranglerError, messageOf } from '../../common/errors.js';
import { packageRoot } from '../../common/package-info.js';
import { runNodeScript, startNodeService, type RunningService } from '../../common/child-process.js';
import { createDatabase, dropDatabase, obtainPostgres, type PostgresHandle } from '../../common/pg/databases.js';
import { EXIT, type Command, type CommandIO } from '../_command.js';
import { flag } from '../_args.js';
import { writeReports } from '../_write-reports.js';
import { proxyPlanForCandidate } from '../../strangler-proxy/plan.js';
import { syncPlanForCandidate } from '../../sync/plan.js';
import { runProxyDemoStep } from '../demo/proxy-step.js';
import { runSyncDemoStep } from '../demo/sync-step.js';

interface Fixture {
  dir: string;
  run(entry: string, env: Record<string, string>): Promise<string>;
  start(env: Record<string, string>): Promise<RunningService>;
}

function fixture(name: string, tsxLoader: string): Fixture {
  const dir = join(packageRoot(), 'fixtures', name);
  if (!existsSync(join(dir, 'src', 'server.ts'))) {
    throw new StranglerError(
      'DEMO_FIXTURE_MISSING',
      `The sample app ${dir} is missing. The demo runs from a clone of the strangler repository.`,
    );
  }
  return {
    dir,
    run: (entry, env) => runNodeScript({ cwd: dir, nodeArgs: ['--import', tsxLoader, ...entry.split(' ')], env }),
    start: (env) => startNodeService({ cwd: dir, nodeArgs: ['--import', tsxLoader, 'src/server.ts'], env: { PORT: '0', ...env } }),
  };
}

function resolveTsx(): string {
  try {
    return createRequire(join(packageRoot(), 'package.json')).resolve('tsx');
  } catch (cause) {
    throw new StranglerError(
      'DEMO_TSX_MISSING',
      'The demo runs the sample apps with tsx, which is not installed. Run `npm install` in the strangler repository first.',
      { cause },
    );
  }
}

async function getJson(url: string): Promise<{ status: number; body: unknown; text: string }> {
  const response = await fetch(url);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, text };
}

const CATALOG_PATHS = [
  '/api/catalog/categories',
  '/api/catalog/products?limit=5',
  '/api/catalog/products?q=mug',
  '/api/catalog/products/1',
  '/api/catalog/products/999999',
];

async function walkThrough(io: CommandIO, keep: boolean, pg: PostgresHandle): Promise<void> {
  const tsx = resolveTsx();
  const shop = fixture('shop-monolith', tsx);
  const catalog = fixture('catalog-service', tsx);
  const suffix = randomBytes(3).toString('hex');
  const databases = [`demo_shop_${suffix}`, `demo_catalog_${suffix}`] as const;
  const services: RunningService[] = [];
  const stops: Array<() => Promise<void>> = [];
  const say = (text: string): void => io.stdout(text + '\n');

  const shopUrl = await createDatabase(pg.url, databases[0]);
  const catalogUrl = await createDatabase(pg.url, databases[1]);
  try {
    say('\n2. The shop monolith: migrate, seed, start');
    await shop.run('scripts/migrate.ts --seed', { DATABASE_URL: shopUrl });
    const monolith = await shop.start({ DATABASE_URL: shopUrl });
    services.push(monolith);
    const health = await getJson(`${monolith.baseUrl}/health`);
    say(`   monolith listening on ${monolith.baseUrl} — GET /health → ${health.status} ${health.text}`);

    say('\n3. The catalog service (already extracted): migrate, backfill from the monolith, start');
    await catalog.run('scripts/migrate.ts', { DATABASE_URL: catalogUrl });
    await catalog.run('scripts/backfill-from-monolith.ts', { DATABASE_URL: catalogUrl, MONOLITH_DATABASE_URL: shopUrl });
    const service = await catalog.start({ DATABASE_URL: catalogUrl });
    services.push(service);
    say(`   catalog service listening on ${service.baseUrl}`);

    say('\n4. Same catalog routes, both sides (what the proxy will rely on when it diverts them):');
    let same = 0;
    for (const path of CATALOG_PATHS) {
      const [a, b] = await Promise.all([getJson(monolith.baseUrl + path), getJson(service.baseUrl + path)]);
      const equal = a.status === b.status && JSON.stringify(a.body) === JSON.stringify(b.body);
      if (equal) same++;
      say(`   ${equal ? 'same     ' : 'DIFFERENT'} ${String(a.status).padEnd(4)} GET ${path}  (${a.text.length} bytes)`);
    }
    say(`   ${same}/${CATALOG_PATHS.length} identical responses.`);

    say('\n5. The strangler proxy in front of the monolith, catalog routes diverted to the service at 50 %');
    const proxy = await runProxyDemoStep({ monolithUrl: monolith.baseUrl, catalogUrl: service.baseUrl, say, paths: CATALOG_PATHS });
    stops.push(() => proxy.stop());
    if (proxy.split.failed > 0) {
      throw new StranglerError('DEMO_PROXY_FAILED', `${proxy.split.failed} of ${proxy.split.total} requests through the proxy failed.`);
    }

    say('\n6. strangler sync: change data capture from the monolith database into the catalog service database');
    const sync = await runSyncDemoStep({ sourceUrl: shopUrl, targetUrl: catalogUrl, say });
    stops.push(() => sync.stop());

    if (keep) {
      say(`\nRunning until Ctrl-C: proxy ${proxy.url}, monolith ${monolith.baseUrl}, catalog service ${service.baseUrl}`);
      await io.interrupted;
    }
    if (same !== CATALOG_PATHS.length) {
      throw new StranglerError('DEMO_MISMATCH', 'The catalog service did not answer like the monolith; see the rows marked DIFFERENT.');
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await Promise.all(services.map((running) => running.stop()));
    await Promise.all(databases.map((name) => dropDatabase(pg.url, name).catch(() => undefined)));
  }
}

/** Step 0: `strangler analyze` on the sample monolith; the report goes to ./strangler-report. */
async function analyzeStep(io: CommandIO, say: (text: string) => void): Promise<void> {
  const shopDir = join(packageRoot(), 'fixtures', 'shop-monolith');
  say('0. Analyze the sample monolith (strangler analyze fixtures/shop-monolith)');
  const { analyzeProject } = await import('../../analyzer/analyze-project.js');
  const analysis = await analyzeProject(shopDir, { git: false });
  analysis.root = 'fixtures/shop-monolith';
  const outDir = join(io.cwd, 'strangler-report');
  const report = await writeReports(outDir, analysis);
  const order = analysis.extractionPlan ?? [];
  say(
    `   ${analysis.stats.files} files, ${analysis.stats.edges} imports → ${analysis.candidates.length} candidates: ${analysis.candidates.map((c) => c.id).join(', ')}`,
  );
  say(`   extract first: ${order[0] ? `${order[0].candidate} — ${order[0].reason}` : 'n/a'}`);
  say(`   report: ${report}`);
  // strangler plan --candidate catalog: the proxy routes and the sync mapping to start from.
  const planDir = join(outDir, 'plan-catalog');
  await mkdir(planDir, { recursive: true });
  await writeFile(join(planDir, 'proxy-routes.yaml'), proxyPlanForCandidate(analysis, 'catalog'));
  await writeFile(join(planDir, 'sync.yaml'), syncPlanForCandidate(analysis, 'catalog'));
  const catalog = analysis.candidates.find((candidate) => candidate.id === 'catalog');
  say(
    `   plan for "catalog" (${catalog?.routes.length ?? 0} routes, tables ${catalog?.tables.map((table) => table.name).join(', ') ?? 'none'}): ${planDir}`,
  );
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Run the sample monolith on an embedded PostgreSQL and walk through the toolkit.',
  usage: 'strangler demo [--keep]',
  details:
    'Uses DATABASE_URL when it is set (a superuser URL: the demo creates and drops its own databases);\n' +
    'otherwise starts an embedded PostgreSQL in a temp dir and removes it at the end.',
  options: [{ name: 'keep', type: 'boolean', description: 'Keep the apps running until Ctrl-C so you can try them.' }],
  async run(args, io) {
    const say = (text: string): void => io.stdout(text + '\n');
    try {
      await analyzeStep(io, say);
    } catch (error) {
      io.stderr(`\ndemo failed: ${messageOf(error)}\n`);
      return EXIT.failed;
    }
    say('\n1. PostgreSQL');
    const pg = await obtainPostgres({ env: io.env, envNames: ['DATABASE_URL'] });
    try {
      say(
        pg.embedded
          ? `   embedded PostgreSQL started on ${new URL(pg.url).host} (temp dir, removed at the end)`
          : `   using DATABASE_URL (${new URL(pg.url).host})`,
      );
      await walkThrough(io, flag(args, 'keep'), pg);
      say('\nDemo finished.');
      return EXIT.ok;
    } catch (error) {
      io.stderr(`\ndemo failed: ${messageOf(error)}\n`);
      return EXIT.failed;
    } finally {
      await pg.stop();
    }
  },
};
