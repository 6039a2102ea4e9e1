/**
 * `strangler sync`: run the CDC sidecar, show its status, verify the two sides, drop the slot.
 * Thin: loads the config, calls sync/'s API, prints, picks the exit code.
 */
import { resolve } from 'node:path';
import pg from 'pg';
import { StranglerError } from '../../common/errors.js';
import { createLogger, type LogLevel } from '../../common/logger.js';
import { formatLsn } from '../../sync/change.js';
import { loadSyncConfig, resolveUrls } from '../../sync/config/load.js';
import { clearBookkeeping, readCheckpoint, readSnapshotProgress } from '../../sync/sink/bookkeeping.js';
import { startDebeziumIngest, startDebeziumNatsIngest, startNatsPublisher } from '../../sync/debezium/ingest.js';
import { startSync } from '../../sync/runner/pg-sync.js';
import { dropSlotAndPublication, querySlot, readSlotLag } from '../../sync/source/index.js';
import { renderVerifySummary } from '../../sync/verify/summary.js';
import { verifySync } from '../../sync/verify/verify.js';
import { flag, stringOption } from '../_args.js';
import { EXIT, type Command, type CommandIO, type ParsedArgs } from '../_command.js';

const ACTIONS = ['run', 'status', 'verify', 'drop', 'debezium'] as const;
type Action = (typeof ACTIONS)[number];

async function load(args: ParsedArgs, io: CommandIO) {
  const file = resolve(io.cwd, stringOption(args, 'config') ?? 'sync.yaml');
  const config = await loadSyncConfig(file);
  return { config, urls: resolveUrls(config, io.env) };
}

async function run(args: ParsedArgs, io: CommandIO): Promise<number> {
  const { config, urls } = await load(args, io);
  const level = (stringOption(args, 'log-level') ?? 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(level))
    throw new StranglerError('CLI_BAD_VALUE', `--log-level must be debug, info, warn or error, got "${level}".`);
  const logger = createLogger({ level, format: flag(args, 'pretty') ? 'pretty' : 'json', write: (line) => io.stderr(line + '\n') });
  const metricsListen = stringOption(args, 'metrics-listen');
  const handle = await startSync({ config, urls, logger, ...(metricsListen ? { metricsListen } : {}) });
  // publish.nats: a second pipeline on its own slot publishes the same changes to JetStream.
  const publisher = config.publish?.nats
    ? await startNatsPublisher({ config, urls, logger: logger.child({ pipeline: 'nats' }) }).catch(async (error: unknown) => {
        await handle.stop();
        throw error;
      })
    : undefined;
  logger.info('sync started', {
    slot: config.slot,
    publication: config.publication,
    tables: config.tables.length,
    metrics: handle.metricsUrl ?? 'disabled',
  });
  const outcome = await Promise.race([
    handle.done.then(() => 'done' as const),
    ...(publisher ? [publisher.done.then(() => 'done' as const)] : []),
    io.interrupted.then(() => 'interrupted' as const),
  ]).catch(async (error: unknown) => {
    // Either pipeline failed: stop the other one too, then report the failure.
    await Promise.all([handle.stop(), publisher?.stop()]);
    throw error;
  });
  await publisher?.stop();
  if (outcome === 'interrupted') {
    logger.info('stopping: finishing the transaction in hand');
    await handle.stop();
    const acked = handle.runner.acknowledged;
    logger.info('sync stopped', { acknowledged: acked === undefined ? null : formatLsn(acked) });
    return EXIT.interrupted;
  }
  return EXIT.ok;
}

/** `strangler sync debezium`: Debezium Server's HTTP sink (or a JetStream stream, debezium.nats) in, the target out (only target.urlEnv is read). */
async function debezium(args: ParsedArgs, io: CommandIO): Promise<number> {
  const file = resolve(io.cwd, stringOption(args, 'config') ?? 'sync.yaml');
  const config = await loadSyncConfig(file);
  const targetUrl = io.env[config.target.urlEnv];
  if (targetUrl === undefined || targetUrl.trim() === '')
    throw new StranglerError(
      'CONFIG_ENV_MISSING',
      `target.urlEnv names the environment variable ${config.target.urlEnv}, which is not set. Set it to the target database's URL.`,
    );
  const level = (stringOption(args, 'log-level') ?? 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(level))
    throw new StranglerError('CLI_BAD_VALUE', `--log-level must be debug, info, warn or error, got "${level}".`);
  const logger = createLogger({ level, format: flag(args, 'pretty') ? 'pretty' : 'json', write: (line) => io.stderr(line + '\n') });
  const metricsListen = stringOption(args, 'metrics-listen');
  const listen = stringOption(args, 'listen');
  let handle: { readonly done: Promise<void>; stop(): Promise<void> };
  if (config.debezium?.nats) {
    if (listen)
      throw new StranglerError(
        'CLI_BAD_VALUE',
        '--listen is for the HTTP listener, but the config sets debezium.nats (events come from JetStream).',
      );
    const nats = await startDebeziumNatsIngest({ config, urls: { targetUrl }, logger, ...(metricsListen ? { metricsListen } : {}) });
    logger.info('debezium ingest started', { stream: nats.stream, durable: nats.durable, slot: config.slot, tables: config.tables.length });
    handle = nats;
  } else {
    const http = await startDebeziumIngest({
      config,
      urls: { targetUrl },
      env: io.env,
      logger,
      ...(metricsListen ? { metricsListen } : {}),
      ...(listen ? { listen } : {}),
    });
    logger.info('debezium ingest started', { url: http.url, slot: config.slot, tables: config.tables.length });
    handle = http;
  }
  const outcome = await Promise.race([handle.done.then(() => 'done' as const), io.interrupted.then(() => 'interrupted' as const)]);
  if (outcome === 'interrupted') {
    await handle.stop();
    return EXIT.interrupted;
  }
  return EXIT.ok;
}

async function status(args: ParsedArgs, io: CommandIO): Promise<number> {
  const { config, urls } = await load(args, io);
  const source = new pg.Client({ connectionString: urls.sourceUrl });
  const target = new pg.Client({ connectionString: urls.targetUrl });
  await source.connect();
  try {
    await target.connect();
    try {
      const slot = await querySlot(source, config.slot);
      const lag = slot.exists ? await readSlotLag(source, config.slot) : undefined;
      const present =
        (await target.query<{ ok: boolean }>("SELECT to_regclass('strangler_sync.checkpoint') IS NOT NULL AS ok")).rows[0]?.ok ?? false;
      const checkpoint = present ? await readCheckpoint(target, config.slot) : undefined;
      const progress = present ? await readSnapshotProgress(target, config.slot) : [];
      const data = {
        slot: {
          name: config.slot,
          exists: slot.exists,
          active: slot.active,
          activePid: slot.activePid ?? null,
          confirmedFlushLsn: slot.confirmedFlushLsn === undefined ? null : formatLsn(slot.confirmedFlushLsn),
          walStatus: slot.walStatus ?? null,
          lagBytes: lag?.bytes ?? null,
        },
        checkpoint: checkpoint
          ? {
              commitLsn: formatLsn(checkpoint.lsn),
              txId: checkpoint.txId,
              transactions: checkpoint.transactions,
              appliedAt: checkpoint.appliedAt.toISOString(),
            }
          : null,
        snapshot: progress,
      };
      if (flag(args, 'json')) {
        io.stdout(JSON.stringify(data, null, 2) + '\n');
        return EXIT.ok;
      }
      const s = data.slot;
      io.stdout(
        s.exists
          ? `slot ${s.name}: ${s.active ? `active (pid ${String(s.activePid)})` : 'inactive'}, confirmed ${s.confirmedFlushLsn ?? '-'}, wal ${s.walStatus ?? '-'}, lag ${String(s.lagBytes)} bytes\n`
          : `slot ${s.name}: does not exist (the next start copies the tables and creates it)\n`,
      );
      io.stdout(
        data.checkpoint
          ? `checkpoint: commit ${data.checkpoint.commitLsn} (tx ${String(data.checkpoint.txId)}), ${data.checkpoint.transactions} transactions applied, last at ${data.checkpoint.appliedAt}\n`
          : 'checkpoint: none yet\n',
      );
      for (const table of progress) io.stdout(`snapshot ${table.table}: ${table.rows} rows${table.done ? ', done' : ', in progress'}\n`);
      return EXIT.ok;
    } finally {
      await target.end().catch(() => undefined);
    }
  } finally {
    await source.end().catch(() => undefined);
  }
}

async function verify(args: ParsedArgs, io: CommandIO): Promise<number> {
  const { config, urls } = await load(args, io);
  const report = await verifySync({ config, urls });
  io.stdout(flag(args, 'json') ? JSON.stringify(report, null, 2) + '\n' : renderVerifySummary(report));
  return report.equal ? EXIT.ok : EXIT.failed;
}

async function drop(args: ParsedArgs, io: CommandIO): Promise<number> {
  const { config, urls } = await load(args, io);
  const result = await dropSlotAndPublication({
    connection: { connectionString: urls.sourceUrl },
    slot: config.slot,
    publication: config.publication,
    force: flag(args, 'force'),
  });
  const target = new pg.Client({ connectionString: urls.targetUrl });
  await target.connect();
  try {
    await clearBookkeeping(target, config.slot);
  } finally {
    await target.end().catch(() => undefined);
  }
  io.stdout(
    `slot ${config.slot}: ${result.slotDropped ? 'dropped' : 'was not there'}; publication ${config.publication}: ${result.publicationDropped ? 'dropped' : 'was not there'}; target checkpoint cleared.\n`,
  );
  return EXIT.ok;
}

export const syncCommand: Command = {
  name: 'sync',
  summary: "Keep the extracted service's database in sync with the monolith's (CDC).",
  usage: 'strangler sync [run|status|verify|drop] --config <sync.yaml>',
  details: [
    'Actions:',
    '  run (default)  copy the mapped tables once, then stream changes until Ctrl-C (exit 130) or a failure (exit 1)',
    '  status         the slot (active, confirmed LSN, lag) and the target checkpoint',
    '  verify         compare source and target under the mapping; exit 1 when they differ',
    '  drop           remove the slot and the publication, and the target checkpoint',
    "  debezium       take Debezium Server's HTTP sink events (debezium.*) into the target instead of a slot",
    '',
    'Connection URLs come from the environment variables the config names (source.urlEnv, target.urlEnv).',
    'The config keys are listed in sync/README.md; sync/example.yaml maps the sample shop onto the catalog service.',
    'Exit codes: 0 ok; 1 failed or verify found differences; 2 bad command line or config; 130 interrupted.',
  ].join('\n'),
  options: [
    {
      name: 'config',
      short: 'c',
      type: 'string',
      placeholder: '<sync.yaml>',
      default: 'sync.yaml',
      description: 'The sync config (YAML or JSON).',
    },
    { name: 'json', type: 'boolean', description: 'status/verify: print JSON.' },
    { name: 'force', type: 'boolean', description: 'drop: end the session that holds the slot.' },
    { name: 'log-level', type: 'string', placeholder: '<level>', default: 'info', description: 'run: debug, info, warn or error.' },
    { name: 'pretty', type: 'boolean', description: 'run: human log lines instead of JSON.' },
    { name: 'metrics-listen', type: 'string', placeholder: '<host:port>', description: 'run: override metrics.listen.' },
    { name: 'listen', type: 'string', placeholder: '<host:port>', description: 'debezium: override debezium.listen.' },
  ],
  async run(args, io) {
    const [first, ...rest] = args.positionals;
    const action = (first ?? 'run') as Action;
    if (!ACTIONS.includes(action) || rest.length > 0) {
      io.stderr(`strangler sync: unknown action "${args.positionals.join(' ')}"; use one of ${ACTIONS.join(', ')} (run is the default).\n`);
      return EXIT.usage;
    }
    switch (action) {
      case 'run':
        return run(args, io);
      case 'status':
        return status(args, io);
      case 'verify':
        return verify(args, io);
      case 'drop':
        return drop(args, io);
      case 'debezium':
        return debezium(args, io);
    }
  },
};
