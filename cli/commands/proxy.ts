/**
 * `strangler proxy --config <file> [--workers N]`: the data plane in front of the monolith,
 * plus the admin API and /metrics when the config has an `admin:` section. Stops gracefully
 * on SIGINT/SIGTERM (drains in-flight requests). With --workers N > 1 the primary forks N
 * workers (node:cluster); worker 1 serves the admin API and relays changes to the others.
 */
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StranglerError } from '../../common/errors.js';
import { createLogger, type Logger } from '../../common/logger.js';
import type { ClusterWorker } from '../../strangler-proxy/cluster.js';
import type { ProxyControl, ProxyObserver, RunningProxy } from '../../strangler-proxy/index.js';
import type { ProxyMetrics } from '../../strangler-proxy/metrics/index.js';
import { flag, numberOption, stringOption } from '../_args.js';
import { EXIT, type Command, type CommandIO } from '../_command.js';
import { RESPAWNED_ENV, respawnWith, stopWithParent } from '../_respawn.js';

/** Observers created after the proxy started (the metrics); the proxy calls them through one forwarder. */
const observers: ProxyObserver[] = [];

/** The young generation's least size, per semi-space, in MB: `--young-generation`'s default. */
const YOUNG_GENERATION_MB = 8;
/** V8's own largest semi-space on 64-bit: a larger least size raises the largest with it. */
const V8_MAX_SEMI_SPACE_MB = 16;

/**
 * The V8 flags that keep the young generation at least `mb` per semi-space, or none when
 * `mb` is 0 or the node command line already sizes it. Left alone, V8 shrinks it to 1 MB
 * while the proxy idles and grows it back only slowly: at a moderate 2,500 requests a second
 * that was 16 scavenges a second, over 1 % of the time paused (bench/proxy/README.md).
 */
export function youngGenerationFlags(mb: number, execArgv: readonly string[]): string[] {
  if (mb === 0 || execArgv.some((arg) => /^--(min|max)[-_]semi[-_]space[-_]size\b/.test(arg))) return [];
  return mb > V8_MAX_SEMI_SPACE_MB ? [`--min-semi-space-size=${mb}`, `--max-semi-space-size=${mb}`] : [`--min-semi-space-size=${mb}`];
}

/** `--helper-nice`'s default: the least CPU priority, so the event loop takes the CPU back from a background worker at once. */
const HELPER_NICE = 19;
/** The preload that lowers the helper threads' priority (plain CommonJS: copied into dist/ by the build). */
const HELPER_THREADS_PRELOAD = fileURLToPath(new URL('../../strangler-proxy/helper-threads.cjs', import.meta.url));

export interface ServingOptions {
  youngGenerationMb: number;
  /** 'single': V8's --single-threaded-gc; 'parallel': V8's own helper threads. */
  gcThreads: 'single' | 'parallel';
  /** Nice value of the serving process's threads but the main one; 0 leaves them alone. */
  helperNice: number;
}

/**
 * Every node flag the serving process starts with, beyond this one's: the young generation's
 * size, single-threaded GC unless node's command line already says how V8's GC uses threads,
 * and the preload that lowers the helper threads' priority (when `preload` exists: it does not
 * next to the TypeScript sources).
 *
 * Single-threaded GC: the proxy's young generation is garbage almost entirely and a scavenge
 * takes under a millisecond; helper threads shorten it little (0.63-0.70 → 0.55-0.60 ms
 * without them, bench/proxy/README.md), cost a wake-up each, and with one CPU per worker they
 * only take turns with the thread they help.
 */
export function servingFlags(options: ServingOptions, execArgv: readonly string[], preload = HELPER_THREADS_PRELOAD): string[] {
  const flags = youngGenerationFlags(options.youngGenerationMb, execArgv);
  if (options.gcThreads === 'single' && !execArgv.some((arg) => /^--(no-)?single[-_]threaded([-_]gc)?$/.test(arg)))
    flags.push('--single-threaded-gc');
  if (options.helperNice > 0 && existsSync(preload)) flags.push('--require', preload);
  return flags;
}

interface Stoppable {
  close(): Promise<void>;
}

const hasAdmin = (config: unknown): boolean =>
  typeof config === 'object' && config !== null && 'admin' in config && config.admin !== undefined;

/** The proxy's metrics, fed by every request from now on; `index` names this process in the per-worker counter. */
async function createMetrics(index: string, ownProcess: boolean): Promise<ProxyMetrics> {
  const { createProxyMetrics } = await import('../../strangler-proxy/metrics/index.js');
  const metrics = createProxyMetrics({ processMetrics: ownProcess, worker: index });
  observers.push(metrics);
  return metrics;
}

async function startAdmin(
  proxy: RunningProxy,
  control: ProxyControl,
  metrics: ProxyMetrics | undefined,
  logger: Logger,
  io: CommandIO,
  worker: ClusterWorker | undefined,
): Promise<Stoppable[]> {
  const config = proxy.control.config();
  const admin = typeof config === 'object' && config !== null && 'admin' in config ? config.admin : undefined;
  if (admin === undefined) return [];
  const { startAdminServer, adminConfigSchema } = await import('../../strangler-proxy/admin/index.js');
  const { validate } = await import('../../common/config/schema.js');
  const counted = metrics ?? (await createMetrics('1', true));
  // The other workers' counters, summed into this worker's /metrics.
  worker?.onFigures((figures) => counted.merge(figures.worker, figures.metrics));
  const server = await startAdminServer(control, counted, validate(adminConfigSchema, admin, 'admin'), logger, { env: io.env });
  io.stdout(`strangler proxy: admin API and /metrics on ${server.url}\n`);
  return [server, { close: () => Promise.resolve(counted.stop()) }];
}

/** A worker without the admin API counts its own traffic and sends it to worker 1 (when there is an admin API). */
function shareFigures(proxy: RunningProxy, metrics: ProxyMetrics | undefined, worker: ClusterWorker, index: string): Stoppable[] {
  if (metrics === undefined || !hasAdmin(proxy.control.config())) return [];
  metrics.attach(proxy.control);
  const stop = worker.shareFigures(index, () => metrics.snapshot());
  return [{ close: () => Promise.resolve(stop()) }];
}

export const proxyCommand: Command = {
  name: 'proxy',
  summary: 'Run the strangler proxy in front of the monolith.',
  usage:
    'strangler proxy --config <strangler.yaml> [--workers <n>] [--young-generation <MB>] [--gc-threads single|parallel] [--helper-nice <0-19>]',
  details:
    'Everything goes to the monolith unless a route in the config diverts it. The config is\n' +
    'reloaded when the file changes (an invalid edit is logged and ignored). Access log and\n' +
    'errors go to stderr as JSON lines. See strangler-proxy/README.md for the config keys.',
  options: [
    { name: 'config', short: 'c', type: 'string', placeholder: '<file>', description: 'Proxy config (YAML or JSON).' },
    { name: 'workers', short: 'w', type: 'number', placeholder: '<n>', default: 1, description: 'Worker processes (node:cluster).' },
    { name: 'port', type: 'number', placeholder: '<port>', description: 'Override listen.port.' },
    { name: 'check', type: 'boolean', description: 'Validate the config, print a summary and exit (for CI).' },
    {
      name: 'young-generation',
      type: 'number',
      placeholder: '<MB>',
      default: YOUNG_GENERATION_MB,
      description: "Least size of V8's young generation per semi-space (fewer scavenges under load); 0: V8's own.",
    },
    {
      name: 'gc-threads',
      type: 'string',
      placeholder: 'single|parallel',
      default: 'single',
      description: "V8's garbage collector on the event loop's thread alone, or with V8's helper threads.",
    },
    {
      name: 'helper-nice',
      type: 'number',
      placeholder: '<0-19>',
      default: HELPER_NICE,
      description: "CPU priority (nice) of V8's background threads, below the event loop's (Linux); 0: unchanged.",
    },
  ],
  async run(args, io) {
    const file = stringOption(args, 'config');
    if (file === undefined) {
      throw new StranglerError(
        'CLI_MISSING_OPTION',
        'strangler proxy needs --config <file>, e.g. `strangler proxy --config strangler.yaml`.',
      );
    }
    const workers = numberOption(args, 'workers') ?? 1;
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
      throw new StranglerError('CLI_BAD_VALUE', `--workers must be a whole number from 1 to 64, got ${workers}.`);
    }
    const youngMb = numberOption(args, 'young-generation') ?? YOUNG_GENERATION_MB;
    if (!Number.isInteger(youngMb) || youngMb < 0 || youngMb > 256) {
      throw new StranglerError('CLI_BAD_VALUE', `--young-generation must be a whole number of MB from 0 to 256, got ${youngMb}.`);
    }
    const gcThreads = stringOption(args, 'gc-threads') ?? 'single';
    if (gcThreads !== 'single' && gcThreads !== 'parallel') {
      throw new StranglerError('CLI_BAD_VALUE', `--gc-threads must be single or parallel, got '${gcThreads}'.`);
    }
    const helperNice = numberOption(args, 'helper-nice') ?? HELPER_NICE;
    if (!Number.isInteger(helperNice) || helperNice < 0 || helperNice > 19) {
      throw new StranglerError('CLI_BAD_VALUE', `--helper-nice must be a whole number from 0 to 19, got ${helperNice}.`);
    }
    const configPath = resolve(io.cwd, file);
    const port = numberOption(args, 'port');
    const logger = createLogger({ level: io.env.STRANGLER_LOG_LEVEL === 'debug' ? 'debug' : 'info' });
    const exitFor = (signal: NodeJS.Signals): number => (signal === 'SIGINT' ? EXIT.interrupted : EXIT.ok);

    if (flag(args, 'check')) {
      const { loadProxyConfig } = await import('../../strangler-proxy/index.js');
      const config = await loadProxyConfig(configPath);
      const diverted = config.routes.filter((route) => route.enabled && route.weight > 0).length;
      io.stdout(
        `strangler proxy: ${configPath} is valid: ${config.routes.length} route(s) (${diverted} diverting traffic), ` +
          `${Object.keys(config.services).length} service(s), monolith ${config.monolith.instances.join(', ')}\n`,
      );
      return EXIT.ok;
    }
    // V8 reads these flags when it starts: cluster workers get them, and one process starts itself again with them.
    const childFlags = servingFlags({ youngGenerationMb: youngMb, gcThreads, helperNice }, process.execArgv);
    // The preload's setting, inherited by the child or the workers.
    process.env.STRANGLER_HELPER_NICE = String(helperNice);
    // Before the proxy's modules load: the supervisor stays small.
    if (workers === 1 && !cluster.isWorker && childFlags.length > 0 && io.env[RESPAWNED_ENV] !== '1') return respawnWith(childFlags);
    stopWithParent();
    const { startProxy, loadProxyConfig } = await import('../../strangler-proxy/index.js');
    if (workers > 1 && cluster.isPrimary) {
      const { startPrimary } = await import('../../strangler-proxy/cluster.js');
      const primary = await startPrimary({
        workers,
        configPath,
        logger,
        execArgv: [...process.execArgv, ...childFlags],
        ...(port === undefined ? {} : { env: { STRANGLER_PORT: String(port) } }),
      });
      io.stdout(`strangler proxy: ${workers} workers listening on ${primary.url}\n`);
      const signal = await io.interrupted;
      io.stdout('strangler proxy: stopping (draining in-flight requests)\n');
      await primary.stop();
      return exitFor(signal);
    }

    const workerPort = io.env.STRANGLER_PORT === undefined ? port : Number(io.env.STRANGLER_PORT);
    const index = io.env.STRANGLER_WORKER_INDEX ?? '1';
    const servesAdmin = !cluster.isWorker || index === '1';
    // The metrics exist before the proxy listens, so they count from the first request on.
    const metrics = hasAdmin(await loadProxyConfig(configPath)) ? await createMetrics(index, servesAdmin) : undefined;
    const proxy = await startProxy({
      configPath,
      // In a cluster the primary watches the file and tells every worker.
      watch: !cluster.isWorker,
      logger,
      observer: {
        onRequest: (event) => {
          for (const observer of observers) observer.onRequest(event);
        },
        onReload: (version) => observers.forEach((observer) => observer.onReload?.(version)),
        onShadow: (event) => observers.forEach((observer) => observer.onShadow?.(event)),
      },
      ...(workerPort === undefined ? {} : { port: workerPort }),
    });
    let control: ProxyControl = proxy.control;
    let worker: ClusterWorker | undefined;
    if (cluster.isWorker) {
      const { joinCluster } = await import('../../strangler-proxy/cluster.js');
      worker = joinCluster(proxy, logger);
      control = worker.control;
    }
    const stoppables: Stoppable[] = [];
    try {
      // One admin API per proxy: in a cluster, worker 1's; the others send it their counters.
      if (worker === undefined || servesAdmin) stoppables.push(...(await startAdmin(proxy, control, metrics, logger, io, worker)));
      else stoppables.push(...shareFigures(proxy, metrics, worker, index));
    } catch (error) {
      await proxy.close();
      throw error;
    }
    if (!cluster.isWorker) io.stdout(`strangler proxy: listening on ${proxy.url} (config ${configPath})\n`);
    const signal = await io.interrupted;
    // Ctrl-C reaches the workers too, then the primary's SIGTERM: already draining, keep at it.
    if (cluster.isWorker) process.on('SIGTERM', () => undefined);
    if (!cluster.isWorker) io.stdout('strangler proxy: stopping (draining in-flight requests)\n');
    await Promise.all(stoppables.map((item) => item.close()));
    await proxy.close();
    // A worker's IPC channel would keep it alive: let go so it exits.
    if (cluster.isWorker) cluster.worker?.disconnect();
    return exitFor(signal);
  },
};
