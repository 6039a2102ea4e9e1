/**
 * Our proxy, started the way a user starts it: `strangler proxy --config <file>` with one
 * worker, from the build (`dist/cli/main.js`) when it is fresh, else from source under tsx.
 * Every request goes to the monolith (the upstream) unless `divert` adds a route that sends
 * the benchmark paths to a service (the same upstream) at weight 100.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseExposition, sampleValue } from '../../strangler-proxy/metrics/parse-exposition.js';
import { freePort, start, waitForPort, type Running } from './processes.js';

export interface OursOptions {
  entry: CliEntry;
  workDir: string;
  port: number;
  upstreamPort: number;
  /** Route /1k and /1m to a service instead of the monolith default. */
  divert?: boolean;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
  /** Extra options of `strangler proxy`, e.g. --helper-nice 0. */
  proxyArgs?: string[];
  /** Names the config file (several instances in one run). */
  configName?: string;
  /** `pool.client` of the monolith (default: the proxy's default, builtin). */
  client?: 'builtin' | 'undici';
  /** `listen.server` (default: the proxy's default, builtin). */
  server?: 'builtin' | 'node';
}

const NOT_LANDED = /notAvailable|not landed/;

export interface CliEntry {
  /** Node arguments that run `strangler`. */
  args: string[];
  from: string;
}

const mtime = (path: string): number => (existsSync(path) ? statSync(path).mtimeMs : 0);

/**
 * How to run the CLI: `cli` when given (a built main.js), else the build when it holds the
 * proxy command and is newer than the proxy's sources, else the source under tsx.
 */
export function cliEntry(root: string, cli?: string): CliEntry | undefined {
  if (cli) return { args: [resolve(cli)], from: cli };
  const built = join(root, 'dist', 'cli', 'commands', 'proxy.js');
  const builtServer = join(root, 'dist', 'strangler-proxy', 'server.js');
  const fresh =
    mtime(builtServer) >= mtime(join(root, 'strangler-proxy', 'server.ts')) &&
    mtime(built) >= mtime(join(root, 'cli', 'commands', 'proxy.ts'));
  if (existsSync(built) && fresh && !NOT_LANDED.test(readFileSync(built, 'utf8')))
    return { args: [join(root, 'dist', 'cli', 'main.js')], from: 'dist' };
  const source = join(root, 'cli', 'commands', 'proxy.ts');
  if (existsSync(source) && !NOT_LANDED.test(readFileSync(source, 'utf8'))) {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    return { args: ['--import', tsx, join(root, 'cli', 'main.ts')], from: 'source under tsx (dist missing or older than the source)' };
  }
  return undefined;
}

export function oursAvailable(entry: CliEntry | undefined): string | undefined {
  return entry ? undefined : '`strangler proxy` has not landed yet (cli/commands/proxy.ts is the not-available stub)';
}

export interface RunningOurs extends Running {
  from: string;
  /** Reads the proxy's own /metrics (with the token) and returns the named samples' values (of the series with these labels). */
  scrape(names: readonly string[], labels?: Record<string, string>): Promise<Record<string, number | undefined>>;
}

export async function startOurs(options: OursOptions): Promise<RunningOurs> {
  const entry = options.entry;
  const adminPort = await freePort();
  const config = join(options.workDir, options.configName ?? (options.divert ? 'strangler-divert.yaml' : 'strangler.yaml'));
  const upstream = `http://127.0.0.1:${options.upstreamPort}`;
  const lines = [
    `listen: { host: 127.0.0.1, port: ${options.port}${options.server ? `, server: ${options.server}` : ''} }`,
    `monolith: { instances: ['${upstream}']${options.client ? `, pool: { client: ${options.client} }` : ''} }`,
    'accessLog: false',
    `admin: { listen: { host: 127.0.0.1, port: ${adminPort} } }`,
  ];
  if (options.divert) {
    lines.push(
      `services: { app: { instances: ['${upstream}'] } }`,
      'routes:',
      "  - { id: bench, match: { path: '/:size' }, service: app, weight: 100 }",
    );
  }
  writeFileSync(config, lines.join('\n') + '\n');
  const token = randomBytes(24).toString('hex');
  const running = start(
    'strangler proxy',
    process.execPath,
    [...(options.nodeFlags ?? []), ...entry.args, 'proxy', '--config', config, '--workers', '1', ...(options.proxyArgs ?? [])],
    { STRANGLER_ADMIN_TOKEN: token },
  );
  await waitForPort(running, options.port);
  const scrape = async (names: readonly string[], labels: Record<string, string> = {}): Promise<Record<string, number | undefined>> => {
    const response = await fetch(`http://127.0.0.1:${adminPort}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    const parsed = parseExposition(await response.text());
    return Object.fromEntries(names.map((name) => [name, sampleValue(parsed, name, labels)]));
  };
  return { ...running, from: entry.from, scrape };
}
