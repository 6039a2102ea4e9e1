/**
 * Schema changes in the source under each schemaChange policy (add-column, ignore, stop): a new
 * column, a dropped column the mapping carries, a carried column whose type changed. Never silent.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/logger.js';
import { resolveUrls } from '../../sync/config/load.js';
import { startSync, type SyncHandle } from '../../sync/runner/pg-sync.js';
import { renderVerifySummary } from '../../sync/verify/summary.js';
import { verifySync } from '../../sync/verify/verify.js';
import { createSyncPair, failureOf, type SyncPair } from './harness.js';

const pairs: SyncPair[] = [];
const handles: SyncHandle[] = [];

afterAll(async () => {
  for (const handle of handles) await handle.stop();
  for (const pair of pairs) await pair.cleanup();
});

interface Tables {
  source: string;
  target: string;
  seed: string;
  /** More keys of the table's mapping (YAML lines). */
  mapping?: string;
}

const PLAIN: Tables = {
  source: 'CREATE TABLE things (id int PRIMARY KEY, name text)',
  target: 'CREATE TABLE things (id int PRIMARY KEY, name text)',
  seed: "INSERT INTO things VALUES (1, 'one')",
};

interface Setup {
  pair: SyncPair;
  start(): Promise<SyncHandle>;
  rows(): Promise<unknown[]>;
  /** Warnings the sync logged (all its runs; not the error it stopped with). */
  warnings: string[];
  /** `strangler sync verify` with the same config. */
  verify(): ReturnType<typeof verifySync>;
}

async function setup(policy: string, tables: Tables = PLAIN): Promise<Setup> {
  const pair = await createSyncPair(`schema_${policy.replace('-', '_')}`);
  pairs.push(pair);
  await pair.query('source', tables.source);
  await pair.query('source', tables.seed);
  await pair.query('target', tables.target);
  const config = pair.config(`  - source: things\n    target: things\n${tables.mapping ?? ''}`, `schemaChange: ${policy}`);
  const warnings: string[] = [];
  const logger = createLogger({
    level: 'warn',
    write: (line) => (JSON.parse(line) as { level: string }).level === 'warn' && warnings.push(line),
  });
  return {
    pair,
    warnings,
    verify: () => verifySync({ config, urls: resolveUrls(config, pair.env) }),
    async start() {
      const handle = await startSync({ config, urls: resolveUrls(config, pair.env), metricsListen: '127.0.0.1:0', logger });
      handles.push(handle);
      return handle;
    },
    rows: async () =>
      (await pair.query('target', 'SELECT to_jsonb(t) AS row FROM things t ORDER BY id')).rows.map((r: { row: unknown }) => r.row),
  };
}

async function addColumnAndInsert(pair: SyncPair): Promise<void> {
  await pair.query('source', 'ALTER TABLE things ADD COLUMN price numeric(8,3) DEFAULT 1.5');
  await pair.query('source', "INSERT INTO things VALUES (2, 'two', 2.125)");
}

describe('schema change: a new source column', () => {
  it('add-column: adds it to the target with the source type and the value existing rows read', async () => {
    const { pair, start, rows } = await setup('add-column');
    const handle = await start();
    await pair.waitFor(rows, (r) => r.length === 1);
    await addColumnAndInsert(pair);
    await pair.waitFor(rows, (r) => r.length === 2);
    expect(await rows()).toEqual([
      { id: 1, name: 'one', price: 1.5 },
      { id: 2, name: 'two', price: 2.125 },
    ]);
    const type = await pair.query(
      'target',
      "SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'things'::regclass AND attname = 'price'",
    );
    expect(type.rows).toEqual([{ t: 'numeric(8,3)' }]);
    const config = pair.config('  - source: things\n    target: things\n');
    expect((await verifySync({ config, urls: resolveUrls(config, pair.env) })).equal).toBe(true);
    await handle.stop();
  });

  it('ignore: keeps applying the other columns and leaves the new one out', async () => {
    const { pair, start, rows } = await setup('ignore');
    await start();
    await pair.waitFor(rows, (r) => r.length === 1);
    await addColumnAndInsert(pair);
    await pair.query('source', "UPDATE things SET name = 'uno' WHERE id = 1");
    await pair.waitFor(rows, (r) => JSON.stringify(r).includes('uno') && r.length === 2);
    expect(await rows()).toEqual([
      { id: 1, name: 'uno' },
      { id: 2, name: 'two' },
    ]);
  });

  it('stop: fails with SYNC_SCHEMA_CHANGED without applying the change, and resumes once the target has the column', async () => {
    const { pair, start, rows } = await setup('stop');
    const first = await start();
    await pair.waitFor(rows, (r) => r.length === 1);
    await addColumnAndInsert(pair);
    const failure = await failureOf(first);
    expect(failure.code).toBe('SYNC_SCHEMA_CHANGED');
    expect(failure.details).toMatchObject({ table: 'public.things', columns: ['price'] });
    expect(await rows()).toEqual([{ id: 1, name: 'one' }]);
    await pair.query('target', 'ALTER TABLE things ADD COLUMN price numeric(8,3)');
    const second = await start();
    await pair.waitFor(rows, (r) => r.length === 2);
    expect((await rows())[1]).toEqual({ id: 2, name: 'two', price: 2.125 });
    await second.stop();
  });
});

const WITH_PRICE: Tables = {
  source: 'CREATE TABLE things (id int PRIMARY KEY, name text, price numeric(8,3))',
  target: 'CREATE TABLE things (id int PRIMARY KEY, name text, price numeric(8,3))',
  seed: "INSERT INTO things VALUES (1, 'one', 1.5)",
};

const dropWarnings = (warnings: string[]): string[] => warnings.filter((line) => line.includes('was dropped'));

describe('schema change: a carried source column is dropped', () => {
  it('stop: fails with SYNC_SCHEMA_CHANGED naming the column, again after a restart, and resumes once the target dropped it too', async () => {
    const { pair, start, rows } = await setup('stop', WITH_PRICE);
    const first = await start();
    await pair.waitFor(rows, (r) => r.length === 1);
    await pair.query('source', 'ALTER TABLE things DROP COLUMN price');
    await pair.query('source', "INSERT INTO things VALUES (2, 'two')");
    const failure = await failureOf(first);
    expect(failure.code).toBe('SYNC_SCHEMA_CHANGED');
    expect(failure.message).toContain('Source column public.things.price was dropped, and the mapping carries it to things.price');
    expect(failure.message).toContain('set schemaChange: ignore');
    expect(failure.details).toMatchObject({ table: 'public.things', columns: ['price'], change: ['dropped'] });
    expect(await rows()).toEqual([{ id: 1, name: 'one', price: 1.5 }]);
    // A restart does not make it silent: the source columns last applied are kept in the target.
    expect((await failureOf(await start())).code).toBe('SYNC_SCHEMA_CHANGED');
    await pair.query('target', 'ALTER TABLE things DROP COLUMN price');
    const third = await start();
    await pair.waitFor(rows, (r) => r.length === 2);
    expect(await rows()).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: 'two' },
    ]);
    await third.stop();
  });

  it('ignore: warns once, keeps the target column and its values, and new rows get NULL there', async () => {
    const { pair, start, rows, warnings, verify } = await setup('ignore', WITH_PRICE);
    const first = await start();
    await pair.waitFor(rows, (r) => r.length === 1);
    await pair.query('source', 'ALTER TABLE things DROP COLUMN price');
    await pair.query('source', "INSERT INTO things VALUES (2, 'two')");
    await pair.query('source', "UPDATE things SET name = 'uno' WHERE id = 1");
    await pair.waitFor(rows, (r) => JSON.stringify(r).includes('uno'));
    await pair.query('source', "INSERT INTO things VALUES (3, 'three')");
    await pair.waitFor(rows, (r) => r.length === 3);
    await first.stop();
    // Once, also across a restart.
    const second = await start();
    await pair.query('source', "INSERT INTO things VALUES (4, 'four')");
    await pair.waitFor(rows, (r) => r.length === 4);
    await second.stop();
    expect(await rows()).toEqual([
      { id: 1, name: 'uno', price: 1.5 },
      { id: 2, name: 'two', price: null },
      { id: 3, name: 'three', price: null },
      { id: 4, name: 'four', price: null },
    ]);
    expect(dropWarnings(warnings)).toHaveLength(1);
    expect(dropWarnings(warnings)[0]).toContain('Source column public.things.price was dropped');
    expect(dropWarnings(warnings)[0]).toContain('schemaChange: ignore');
    // verify compares what the source still has, and says which target column it no longer feeds.
    const report = await verify();
    expect(report.equal).toBe(true);
    expect(report.tables[0]).toMatchObject({ droppedInSource: [{ source: 'price', target: 'price' }], uncastable: [] });
  });

  it('ignore, a renamed column: the rename no longer applies, and the target column keeps its values', async () => {
    const { pair, start, rows, warnings, verify } = await setup('ignore', {
      source: 'CREATE TABLE things (id int PRIMARY KEY, name text, price numeric(8,3))',
      target: 'CREATE TABLE things (id int PRIMARY KEY, name text, cost numeric(8,3))',
      seed: "INSERT INTO things VALUES (1, 'one', 1.5)",
      mapping: '    columns: { price: cost }\n',
    });
    const handle = await start();
    await pair.waitFor(rows, (r) => r.length === 1);
    await pair.query('source', 'ALTER TABLE things DROP COLUMN price');
    await pair.query('source', "INSERT INTO things VALUES (2, 'two')");
    await pair.waitFor(rows, (r) => r.length === 2);
    await handle.stop();
    expect(await rows()).toEqual([
      { id: 1, name: 'one', cost: 1.5 },
      { id: 2, name: 'two', cost: null },
    ]);
    expect(dropWarnings(warnings)).toHaveLength(1);
    expect(dropWarnings(warnings)[0]).toContain('public.things.price was dropped, and the mapping carries it to things.cost');
    // The mapping still names the dropped column: verify leaves it out as the sink does.
    const report = await verify();
    expect(report.equal).toBe(true);
    expect(report.tables[0]?.droppedInSource).toEqual([{ source: 'price', target: 'cost' }]);
    expect(renderVerifySummary(report)).toContain(
      'things: 2 source rows, 2 target rows, equal\n  not compared (dropped in the source, so the target columns get no new values): price -> cost',
    );
  });

  it('add-column, target column NOT NULL without a default: existing rows keep their value, a new row stops the sync with a clear error', async () => {
    const { pair, start, rows, warnings } = await setup('add-column', {
      source: 'CREATE TABLE things (id int PRIMARY KEY, name text, price numeric(8,3) NOT NULL DEFAULT 1)',
      target: 'CREATE TABLE things (id int PRIMARY KEY, name text, price numeric(8,3) NOT NULL)',
      seed: "INSERT INTO things VALUES (1, 'one', 1.5)",
    });
    const handle = await start();
    await pair.waitFor(rows, (r) => r.length === 1);
    await pair.query('source', 'ALTER TABLE things DROP COLUMN price');
    await pair.query('source', "UPDATE things SET name = 'uno' WHERE id = 1");
    await pair.waitFor(rows, (r) => JSON.stringify(r).includes('uno'));
    expect(await rows()).toEqual([{ id: 1, name: 'uno', price: 1.5 }]);
    await pair.query('source', "INSERT INTO things VALUES (2, 'two')");
    const failure = await failureOf(handle);
    expect(failure.code).toBe('SYNC_APPLY_FAILED');
    expect(failure.message).toContain(
      'Source column public.things.price was dropped, and target column things.price is NOT NULL without a default',
    );
    expect(failure.message).toContain('ALTER COLUMN "price" DROP NOT NULL');
    expect(await rows()).toEqual([{ id: 1, name: 'uno', price: 1.5 }]);
    expect(dropWarnings(warnings)).toHaveLength(1);
  });
});

const WITH_QTY: Tables = {
  source: 'CREATE TABLE things (id int PRIMARY KEY, name text, qty integer)',
  target: 'CREATE TABLE things (id int PRIMARY KEY, name text, qty integer)',
  seed: "INSERT INTO things VALUES (1, 'one', 10)",
};

const typeWarnings = (warnings: string[]): string[] => warnings.filter((line) => line.includes('changed type'));

describe('schema change: a carried source column changes type', () => {
  it('stop: fails with SYNC_SCHEMA_CHANGED naming the column and both types, and resumes once the target column has the new type', async () => {
    const { pair, start, rows } = await setup('stop', WITH_QTY);
    const first = await start();
    await pair.waitFor(rows, (r) => r.length === 1);
    await pair.query('source', 'ALTER TABLE things ALTER COLUMN qty TYPE bigint');
    await pair.query('source', "INSERT INTO things VALUES (2, 'two', 5000000000)");
    const failure = await failureOf(first);
    expect(failure.code).toBe('SYNC_SCHEMA_CHANGED');
    expect(failure.message).toContain('Source column public.things.qty changed type from integer to bigint');
    expect(failure.details).toMatchObject({ table: 'public.things', columns: ['qty'], change: ['type'] });
    expect(await rows()).toEqual([{ id: 1, name: 'one', qty: 10 }]);
    await pair.query('target', 'ALTER TABLE things ALTER COLUMN qty TYPE bigint');
    const second = await start();
    await pair.waitFor(rows, (r) => r.length === 2);
    expect((await rows())[1]).toEqual({ id: 2, name: 'two', qty: 5000000000 });
    await second.stop();
  });

  it('ignore: warns once and carries the value as text cast to the target type; a value the target rejects stops with the column named', async () => {
    const { pair, start, rows, warnings, verify } = await setup('ignore', WITH_QTY);
    const handle = await start();
    await pair.waitFor(rows, (r) => r.length === 1);
    await pair.query('source', 'ALTER TABLE things ALTER COLUMN qty TYPE text');
    await pair.query('source', "INSERT INTO things VALUES (2, 'two', '7')");
    await pair.query('source', "UPDATE things SET qty = ' 11' WHERE id = 1");
    await pair.waitFor(rows, (r) => r.length === 2 && JSON.stringify(r).includes('11'));
    expect(await rows()).toEqual([
      { id: 1, name: 'one', qty: 11 },
      { id: 2, name: 'two', qty: 7 },
    ]);
    await pair.query('source', "INSERT INTO things VALUES (3, 'three', 'seven')");
    const failure = await failureOf(handle);
    expect(failure.code).toBe('SYNC_APPLY_FAILED');
    expect(failure.message).toContain(
      'Source column public.things.qty changed type (integer -> text), and target column things.qty (integer) rejects a value',
    );
    expect(failure.message).toContain('invalid input syntax for type integer: "seven"');
    expect(await rows()).toHaveLength(2);
    expect(typeWarnings(warnings)).toHaveLength(1);
    expect(typeWarnings(warnings)[0]).toContain('Source column public.things.qty changed type from integer to text');
    // verify names the column whose source values the target type rejects, and compares the rest.
    const report = await verify();
    expect(report.equal).toBe(false);
    const table = report.tables[0];
    expect(table?.uncastable).toEqual([
      { column: 'qty', type: 'integer', error: expect.stringContaining('invalid input syntax for type integer: "seven"') as unknown },
    ]);
    expect(table?.counts).toEqual({ missing: 1, extra: 0, different: 0 });
    expect(table?.missing).toEqual([{ key: { id: '3' } }]);
    expect(renderVerifySummary(report)).toContain(
      '  not compared, DIFFERENT: source values of qty do not fit its target type integer: invalid input syntax for type integer: "seven"',
    );
  });

  it('add-column: goes on the same way; a value out of the target type range stops with the column named', async () => {
    const { pair, start, rows, warnings } = await setup('add-column', WITH_QTY);
    const handle = await start();
    await pair.waitFor(rows, (r) => r.length === 1);
    await pair.query('source', 'ALTER TABLE things ALTER COLUMN qty TYPE bigint');
    await pair.query('source', "INSERT INTO things VALUES (2, 'two', 5)");
    await pair.waitFor(rows, (r) => r.length === 2);
    expect((await rows())[1]).toEqual({ id: 2, name: 'two', qty: 5 });
    await pair.query('source', "INSERT INTO things VALUES (3, 'three', 3000000000)");
    const failure = await failureOf(handle);
    expect(failure.code).toBe('SYNC_APPLY_FAILED');
    expect(failure.message).toContain('Source column public.things.qty changed type (integer -> bigint)');
    expect(failure.message).toContain('out of range for type integer');
    expect(await rows()).toHaveLength(2);
    expect(typeWarnings(warnings)).toHaveLength(1);
  });
});
