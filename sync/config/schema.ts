/**
 * The sync's config schema (STYLE habit 5): one definition gives the types, the defaults,
 * validation whose messages name the bad key, and the rows of `sync/README.md`'s key table.
 * Connection URLs never appear in the file: it names the environment variables that hold them.
 */
import {
  array,
  boolean,
  duration,
  number,
  object,
  oneOf,
  optional,
  record,
  refine,
  string,
  type Issue,
  type Schema,
} from '../../common/config/schema.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Slot and publication names: PostgreSQL allows lower-case letters, digits and underscores in slot names. */
const SLOT_NAME = /^[a-z0-9_]{1,63}$/;
const TABLE_NAME = /^([A-Za-z_][A-Za-z0-9_$]*\.)?[A-Za-z_][A-Za-z0-9_$]*$/;
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const HOST_PORT = /^[^\s:]+:\d{1,5}$/;
const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** NATS subject filter: dot-separated tokens, `*` for one token, `>` (last) for the rest. */
const SUBJECT_FILTER = /^(?:(?:\*|[^\s.*>]+)\.)*(?:\*|>|[^\s.*>]+)$/;

/** A constant column's value: a string, number or boolean in the file, carried as text. */
function scalar(description: string): Schema<string> {
  return {
    kind: 'string | number | boolean',
    description,
    optional: false,
    check(value, path, issues) {
      if (typeof value === 'string') return value;
      if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
      issues.push({ path, message: `expected a string, number or boolean, got ${value === null ? 'null' : typeof value}` });
      return undefined;
    },
  };
}

const connection = (example: string) =>
  object({
    urlEnv: string({
      pattern: ENV_NAME,
      patternHint: 'an environment variable name',
      description: `Name of the environment variable holding the connection URL (e.g. ${example}); the URL itself never goes in the file.`,
    }),
  });

const columnName = (description: string) => string({ pattern: COLUMN_NAME, patternHint: 'a plain column name', description });

export const tableMappingShape = object({
  source: string({
    pattern: TABLE_NAME,
    patternHint: 'a table name such as public.products',
    description: 'Source table, `schema.table` (schema defaults to public).',
  }),
  target: string({
    pattern: TABLE_NAME,
    patternHint: 'a table name such as catalog_item',
    description: 'Target table, `schema.table` (schema defaults to public).',
  }),
  key: optional(
    array(columnName('a target key column'), {
      minItems: 1,
      description:
        "Target key columns used for ON CONFLICT and deletes (default: the target's primary key, else the source's primary key through the renames). Each must be a renamed or same-name source column; a key that is not the source's primary key needs REPLICA IDENTITY FULL on the source table.",
    }),
  ),
  columns: record(columnName('target column'), { default: {}, description: 'Renames, source column -> target column.' }),
  include: optional(
    array(columnName('a source column'), { description: 'Carry only these source columns (new source columns are then never added).' }),
  ),
  exclude: optional(array(columnName('a source column'), { description: 'Carry every source column except these.' })),
  constants: record(scalar('value'), { default: {}, description: 'Target columns set to a constant, target column -> value.' }),
  computed: record(string({ minLength: 1 }), {
    default: {},
    description:
      'Target columns computed in the target by a SQL expression over the source row: `$column` is the source value (typed as its source type when that is a built-in type, text otherwise), e.g. `round($price * 100)::bigint`.',
  }),
  filter: optional(
    string({
      minLength: 1,
      description:
        'Row filter: a SQL boolean expression over `$column`s, evaluated in the target like `computed`. Rows for which it is not true are absent from the target; an update that moves a row out of the filter deletes it there, one that moves it in inserts it.',
    }),
  ),
  casts: record(string({ minLength: 1 }), {
    default: {},
    description: 'Source column -> SQL type: the value is cast to that type (from its source type) before it is stored.',
  }),
});

export type TableMappingConfig = NonNullable<ReturnType<typeof tableMappingShape.check>>;

const tableMapping = refine(tableMappingShape, (mapping, path): Issue[] => {
  const issues: Issue[] = [];
  if (mapping.include && mapping.exclude) issues.push({ path: `${path}.exclude`, message: 'use include or exclude, not both' });
  const renamed = new Map<string, string>();
  for (const [from, to] of Object.entries(mapping.columns)) {
    const earlier = renamed.get(to);
    if (earlier) issues.push({ path: `${path}.columns.${from}`, message: `target column ${to} is already the rename of ${earlier}` });
    renamed.set(to, from);
  }
  for (const [kind, names] of [
    ['constants', Object.keys(mapping.constants)],
    ['computed', Object.keys(mapping.computed)],
  ] as const) {
    for (const name of names) {
      if (!COLUMN_NAME.test(name)) issues.push({ path: `${path}.${kind}.${name}`, message: 'is not a plain column name' });
      if (renamed.has(name)) issues.push({ path: `${path}.${kind}.${name}`, message: `also the rename of ${renamed.get(name) ?? ''}` });
    }
  }
  for (const name of Object.keys(mapping.constants)) {
    if (name in mapping.computed) issues.push({ path: `${path}.computed.${name}`, message: 'also a constant' });
  }
  return issues;
});

export const syncConfigShape = object({
  source: connection('MONOLITH_DATABASE_URL'),
  target: object({
    urlEnv: connection('CATALOG_DATABASE_URL').shape.urlEnv,
    replicationRole: boolean({
      default: true,
      description:
        "Apply with session_replication_role = replica, as PostgreSQL's own subscriptions do: target triggers and foreign keys do not fire for replicated rows (needs a superuser or GRANT SET ON PARAMETER).",
    }),
  }),
  slot: string({ pattern: SLOT_NAME, patternHint: 'a slot name (lower-case letters, digits, _)', description: 'Replication slot name.' }),
  publication: string({
    pattern: SLOT_NAME,
    patternHint: 'a publication name (lower-case letters, digits, _)',
    description: 'Publication name.',
  }),
  tables: array(tableMapping, { minItems: 1, description: 'One mapping per source table.' }),
  schemaChange: oneOf(['add-column', 'ignore', 'stop'] as const, {
    default: 'stop',
    description:
      'When the source schema moves under a mapping. A new source column the target lacks: add it to the target (ALTER TABLE … ADD COLUMN with the source type), ignore it (logged), or stop. A carried column dropped in the source, or of another type: add-column and ignore warn once and go on (the target column keeps its values; a new type is carried as text cast to the target type), stop stops. Stopping is SYNC_SCHEMA_CHANGED, before the change is applied.',
  }),
  batching: object(
    {
      maxTransactions: number({
        integer: true,
        min: 1,
        default: 500,
        description: 'Source transactions applied in one target transaction at most.',
      }),
      maxRows: number({
        integer: true,
        min: 1,
        default: 50_000,
        description: 'Rows per target transaction, at most (a larger source transaction is never split).',
      }),
      maxWait: duration({ default: 5, max: 60_000, description: 'How long to wait for more small transactions before applying.' }),
    },
    { default: { maxTransactions: 500, maxRows: 50_000, maxWait: 5 }, description: 'Batching of small source transactions.' },
  ),
  snapshot: object(
    {
      chunkRows: number({
        integer: true,
        min: 100,
        max: 1_000_000,
        default: 20_000,
        description:
          'Rows per chunk of the initial copy, 100 to 1,000,000. Each chunk is read in key order and applied in one target transaction with its progress, so an interrupted copy resumes after its last chunk: smaller chunks lose less work to a crash, larger ones take fewer round trips.',
      }),
    },
    { default: { chunkRows: 20_000 }, description: "The initial copy (the slot's exported snapshot, read in key-range chunks)." },
  ),
  heartbeat: duration({ default: 10_000, min: 100, description: 'Heartbeat interval that keeps an idle source from retaining WAL.' }),
  lagWarning: object(
    {
      bytes: number({ integer: true, min: 0, default: 256 * 1024 * 1024, description: 'Warn when the slot retains more WAL than this.' }),
      seconds: duration({ default: 60_000, description: 'Warn when the last applied commit is older than this while changes wait.' }),
    },
    { default: { bytes: 256 * 1024 * 1024, seconds: 60_000 }, description: 'Lag warning thresholds.' },
  ),
  retry: object(
    {
      initial: duration({ default: 200, min: 1, description: 'First back-off delay after a connection failure.' }),
      max: duration({ default: 10_000, min: 1, description: 'Longest back-off delay.' }),
    },
    { default: { initial: 200, max: 10_000 }, description: 'Back-off while the source or the target is unreachable.' },
  ),
  metrics: object(
    {
      enabled: boolean({ default: true, description: 'Serve Prometheus /metrics.' }),
      listen: string({
        pattern: HOST_PORT,
        patternHint: 'host:port',
        default: '127.0.0.1:9464',
        description: 'Address of /metrics (port 0 picks a free one).',
      }),
    },
    { default: { enabled: true, listen: '127.0.0.1:9464' }, description: 'Prometheus metrics endpoint.' },
  ),
  debezium: optional(
    refine(
      object(
        {
          listen: optional(
            string({
              pattern: HOST_PORT,
              patternHint: 'host:port',
              description:
                "Address the Debezium HTTP listener binds (point Debezium Server's debezium.sink.http.url at it); 127.0.0.1:8083 when neither this nor `nats` is set. Give this or `nats`, not both.",
            }),
          ),
          nats: optional(
            object(
              {
                url: string({ minLength: 1, description: 'NATS server URL (nats://host:4222), JetStream enabled.' }),
                stream: string({
                  pattern: STREAM_NAME,
                  patternHint: 'a stream name (letters, digits, _ and -)',
                  description: 'JetStream stream holding the Debezium change events (it must exist).',
                }),
                subjects: optional(
                  array(string({ pattern: SUBJECT_FILTER, patternHint: 'a subject filter such as shop.public.* or shop.>' }), {
                    minItems: 1,
                    description: 'Subject filters of the consumer (default: every subject of the stream).',
                  }),
                ),
                durable: optional(
                  string({
                    pattern: STREAM_NAME,
                    patternHint: 'a consumer name (letters, digits, _ and -)',
                    description: 'Durable pull consumer that remembers what was acknowledged (default `strangler_<slot>`).',
                  }),
                ),
                batch: number({
                  integer: true,
                  min: 1,
                  max: 10_000,
                  default: 256,
                  description: 'Messages asked for per pull request.',
                }),
                ackWait: duration({
                  default: 30_000,
                  min: 1_000,
                  description: 'How long JetStream waits for an acknowledgement before it delivers a message again.',
                }),
              },
              {
                description:
                  "`strangler sync debezium` takes the change events from this JetStream stream (Debezium Server's nats-jetstream sink, or `publish.nats`) instead of HTTP.",
              },
            ),
          ),
          tokenEnv: optional(
            string({
              pattern: ENV_NAME,
              patternHint: 'an environment variable name',
              description:
                'Name of the environment variable holding a bearer token the requests must carry (Authorization: Bearer …); HTTP listener only.',
            }),
          ),
          quietPeriod: duration({
            default: 20,
            min: 0,
            max: 10_000,
            description:
              'A transaction is complete when no event arrived for this long (or an event of a later one arrived). Debezium Server sends one event at a time: 0 answers each as soon as it is applied.',
          }),
          placeholder: string({
            minLength: 1,
            default: '__debezium_unavailable_value',
            description: "Debezium's unavailable.value.placeholder: columns carrying it are unchanged TOAST values (kept in the target).",
          }),
        },
        {
          description:
            "`strangler sync debezium`: take change events from Debezium (Server's HTTP sink on `listen`, or a JetStream stream with `nats`) instead of a replication slot.",
        },
      ),
      (debezium, path): Issue[] => {
        if (debezium.listen !== undefined && debezium.nats !== undefined)
          return [
            {
              path: `${path}.nats`,
              message: `${path}.listen and ${path}.nats are both set: give one (listen: Debezium Server's HTTP sink; nats: a JetStream stream)`,
            },
          ];
        if (debezium.nats !== undefined && debezium.tokenEnv !== undefined)
          return [{ path: `${path}.tokenEnv`, message: `is for the HTTP listener (${path}.listen); with ${path}.nats remove it` }];
        return [];
      },
    ),
  ),
  publish: optional(
    object(
      {
        nats: object(
          {
            url: string({ minLength: 1, description: 'NATS server URL (nats://host:4222), JetStream enabled.' }),
            stream: string({
              pattern: /^[A-Za-z0-9_-]{1,64}$/,
              patternHint: 'a stream name (letters, digits, _ and -)',
              description: 'JetStream stream the changes go to; created (subjects `<subjectPrefix>.>`) when missing.',
            }),
            subjectPrefix: string({
              pattern: /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/,
              patternHint: 'subject tokens separated by dots',
              description: 'Each change is published to `<subjectPrefix>.<schema>.<table>` as a Debezium JSON message.',
            }),
            slot: optional(
              string({
                pattern: SLOT_NAME,
                patternHint: 'a slot name (lower-case letters, digits, _)',
                description: 'Replication slot of the publishing pipeline (default `<slot>_nats`).',
              }),
            ),
            bucket: string({
              pattern: /^[A-Za-z0-9_-]{1,64}$/,
              patternHint: 'a KV bucket name',
              default: 'strangler_sync',
              description: "JetStream KV bucket holding the publisher's checkpoint (last published commit LSN).",
            }),
            duplicateWindow: duration({
              default: 120_000,
              min: 1_000,
              description: 'Duplicate window of a stream the publisher creates: re-sent messages (same Nats-Msg-Id) within it are dropped.',
            }),
            schemas: boolean({
              default: false,
              description: 'Wrap each message in {schema, payload} (Debezium JSON with schemas.enable=true).',
            }),
          },
          { description: 'Publish every change to NATS JetStream as Debezium JSON.' },
        ),
      },
      { description: 'Also publish the changes (a second pipeline on its own slot).' },
    ),
  ),
});

export const syncConfigSchema = refine(syncConfigShape, (config): Issue[] => {
  const issues: Issue[] = [];
  const seen = new Map<string, number>();
  config.tables.forEach((table, index) => {
    const name = table.source.includes('.') ? table.source : `public.${table.source}`;
    const earlier = seen.get(name);
    if (earlier !== undefined) issues.push({ path: `tables[${index}].source`, message: `${name} is already mapped by tables[${earlier}]` });
    seen.set(name, index);
  });
  if (config.source.urlEnv === config.target.urlEnv) {
    issues.push({ path: 'target.urlEnv', message: 'is the same variable as source.urlEnv; the target must be another database' });
  }
  return issues;
});

export type SyncConfig = NonNullable<ReturnType<typeof syncConfigSchema.check>>;
export type TableMapping = SyncConfig['tables'][number];
export type SchemaChangePolicy = SyncConfig['schemaChange'];
