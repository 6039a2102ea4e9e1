/**
 * `--workers N` with node:cluster: the primary forks N workers that all serve the same
 * listening socket, restarts a worker that dies, watches the config file and tells every
 * worker to reload (each validates and applies it atomically on its own), and relays
 * admin changes made on one worker (the one serving the admin API) to all the others.
 */
import cluster, { type Worker } from 'node:cluster';
import { messageOf } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { FIGURES_INTERVAL_MS, collectFigures, sumInstances, sumRoutes, sumShadow, type WorkerFigures } from './cluster-figures.js';
import { loadProxyConfig } from './config/load.js';
import type { ProxyControl } from './control.js';
import type { RegistrySnapshot } from './metrics/registry.js';
import type { RunningProxy } from './server.js';
import { watchConfigFile } from './watch.js';

type ControlOp =
  | { op: 'replaceRoutes'; routes: unknown }
  | { op: 'setWeight'; route: string; percent: number }
  | { op: 'setEnabled'; route: string; enabled: boolean };

export type ClusterMessage =
  | { type: 'strangler:listening'; url: string }
  | { type: 'strangler:reload' }
  | ({ type: 'strangler:control' } & ControlOp)
  | ({ type: 'strangler:figures' } & WorkerFigures);

function isClusterMessage(value: unknown): value is ClusterMessage {
  return (
    typeof value === 'object' && value !== null && 'type' in value && typeof value.type === 'string' && value.type.startsWith('strangler:')
  );
}

export interface PrimaryOptions {
  workers: number;
  configPath: string;
  logger: Logger;
  /** Extra environment for the workers; STRANGLER_WORKER_INDEX is set for each. */
  env?: Record<string, string>;
  /** The workers' node flags (default: the primary's own). */
  execArgv?: string[];
}

export interface ClusterHandle {
  /** Where the workers listen. */
  url: string;
  stop(graceMs?: number): Promise<void>;
}

export async function startPrimary(options: PrimaryOptions): Promise<ClusterHandle> {
  const { logger } = options;
  // Fail here, with the key named, rather than in N workers.
  await loadProxyConfig(options.configPath);
  if (options.execArgv !== undefined) cluster.setupPrimary({ execArgv: options.execArgv });
  let stopping = false;
  const workers = new Map<number, Worker>();
  let resolveUrl: (url: string) => void = () => undefined;
  const firstUrl = new Promise<string>((resolve) => (resolveUrl = resolve));
  let listening = 0;

  const broadcast = (message: ClusterMessage, except?: Worker): void => {
    for (const worker of workers.values()) if (worker !== except && worker.isConnected()) worker.send(message);
  };

  const fork = (index: number): void => {
    const worker = cluster.fork({ ...options.env, STRANGLER_WORKER_INDEX: String(index) });
    workers.set(index, worker);
    worker.on('message', (message: unknown) => {
      if (!isClusterMessage(message)) return;
      if (message.type === 'strangler:listening') {
        listening++;
        if (listening >= options.workers) resolveUrl(message.url);
      } else if (message.type === 'strangler:control' || message.type === 'strangler:reload') {
        broadcast(message, worker);
      } else if (message.type === 'strangler:figures') {
        // Worker 1 serves /metrics and the admin API: it sums everyone's figures.
        const first = workers.get(1);
        if (first !== undefined && first !== worker && first.isConnected()) first.send(message);
      }
    });
    worker.on('exit', (code, signal) => {
      if (workers.get(index) === worker) workers.delete(index);
      // A clean exit (SIGINT/SIGTERM reached the worker itself) is a stop, not a crash.
      if (stopping || code === 0 || code === 130) return;
      logger.error('proxy worker exited; starting a new one', { worker: index, code, signal });
      fork(index);
    });
  };
  for (let index = 1; index <= options.workers; index++) fork(index);

  const stopWatching = watchConfigFile(options.configPath, {
    apply: () => broadcast({ type: 'strangler:reload' }),
    onError: (error) => logger.error('config file change not applied; the previous config stays in effect', { error: messageOf(error) }),
  });

  const url = await firstUrl;
  return {
    url,
    async stop(graceMs = 15_000) {
      stopping = true;
      stopWatching();
      const exits = [...workers.values()].map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            const force = setTimeout(() => worker.process.kill('SIGKILL'), graceMs);
            worker.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            // A signal, not a message: a worker still starting has no message handler yet.
            worker.process.kill('SIGTERM');
          }),
      );
      await Promise.all(exits);
    },
  };
}

export interface ClusterWorker {
  /** Changes made here reach the other workers; counters include the other workers' figures (see cluster-figures.ts). */
  control: ProxyControl;
  /** Called with each figures message from another worker (on worker 1). */
  onFigures(listener: (figures: WorkerFigures) => void): void;
  /** Sends this worker's figures to worker 1 every FIGURES_INTERVAL_MS until the returned stop is called. */
  shareFigures(worker: string, metrics: () => RegistrySnapshot): () => void;
}

/**
 * In a worker: answers the primary's messages and returns a control whose changes also
 * reach the other workers, and whose counters and shadow report include the other workers'
 * figures (samples name their worker). The primary stops a worker with SIGTERM (graceful,
 * like a user). `self` is this worker's index, as the primary set it.
 */
export function joinCluster(proxy: RunningProxy, logger: Logger, self = process.env.STRANGLER_WORKER_INDEX ?? '1'): ClusterWorker {
  const control = proxy.control;
  const others = new Map<string, WorkerFigures>();
  const figureListeners: Array<(figures: WorkerFigures) => void> = [];
  const send = (message: ClusterMessage): void => {
    if (process.send) process.send(message);
  };
  process.on('message', (message: unknown) => {
    if (!isClusterMessage(message)) return;
    try {
      if (message.type === 'strangler:reload') {
        control.reload().catch((error: unknown) => logger.error('reload failed', { error: messageOf(error) }));
      } else if (message.type === 'strangler:control') {
        if (message.op === 'replaceRoutes') control.replaceRoutes(message.routes);
        else if (message.op === 'setWeight') control.setWeight(message.route, message.percent);
        else control.setEnabled(message.route, message.enabled);
      } else if (message.type === 'strangler:figures') {
        const { worker, metrics, routes, instances, shadow } = message;
        const figures: WorkerFigures = { worker, metrics, routes, instances, ...(shadow === undefined ? {} : { shadow }) };
        others.set(worker, figures);
        for (const listener of figureListeners) listener(figures);
      }
    } catch (error) {
      logger.error('change from another worker not applied', { error: messageOf(error) });
    }
  });
  send({ type: 'strangler:listening', url: proxy.url });
  const merged: ProxyControl = {
    routes: () => (others.size === 0 ? control.routes() : sumRoutes(control.routes(), others.values())),
    instances: () => (others.size === 0 ? control.instances() : sumInstances(control.instances(), others.values())),
    shadowReport: () => sumShadow(control.shadowReport?.() ?? { routes: [], samples: [] }, self, others.values()),
    version: () => control.version(),
    config: () => control.config(),
    replaceRoutes(routes) {
      control.replaceRoutes(routes);
      send({ type: 'strangler:control', op: 'replaceRoutes', routes });
    },
    setWeight(route, percent) {
      control.setWeight(route, percent);
      send({ type: 'strangler:control', op: 'setWeight', route, percent });
    },
    setEnabled(route, enabled) {
      control.setEnabled(route, enabled);
      send({ type: 'strangler:control', op: 'setEnabled', route, enabled });
    },
    async reload() {
      await control.reload();
      send({ type: 'strangler:reload' });
    },
  };
  return {
    control: merged,
    onFigures: (listener) => void figureListeners.push(listener),
    shareFigures(worker, metrics) {
      const timer = setInterval(
        () => send({ type: 'strangler:figures', ...collectFigures(worker, control, metrics()) }),
        FIGURES_INTERVAL_MS,
      );
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

export const isClusterWorker = (): boolean => cluster.isWorker;
