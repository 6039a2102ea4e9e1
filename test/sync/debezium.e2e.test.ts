/**
 * `strangler sync debezium` as a process: a Debezium-format HTTP endpoint on a real socket in
 * front of a real PostgreSQL target. Events written as the connector writes them with
 * schemas.enable=false; a re-sent event is answered "duplicate" also after a restart; SIGINT
 * stops with exit 130.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { startDebeziumCli } from './sync-process.js';

const dir = mkdtempSync(join(tmpdir(), 'strangler-dbz-e2e-'));

let target: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  target = await createTestDatabase('dbz_e2e');
  client = new pg.Client({ connectionString: target.url });
  await client.connect();
  await client.query('CREATE TABLE catalog_item (id bigint PRIMARY KEY, title text NOT NULL, price numeric(10,2), tags text[])');
  writeFileSync(
    join(dir, 'sync.yaml'),
    `source: { urlEnv: MONOLITH_URL }
target: { urlEnv: CATALOG_URL }
slot: dbz_e2e
publication: dbz_e2e_unused
metrics: { enabled: false }
debezium: { listen: "127.0.0.1:0", quietPeriod: 5ms }
tables:
  - source: public.products
    target: catalog_item
    columns: { name: title }
`,
  );
});

afterAll(async () => {
  await client.end();
  await target.drop();
  rmSync(dir, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  url: string;
  exit: Promise<number | null>;
  output: () => string;
}

async function startCli(): Promise<Running> {
  const cli = startDebeziumCli(dir, { CATALOG_URL: target.url });
  const line = await cli.started;
  const url = /"url":"(http:\/\/[^"]+)"/.exec(line)?.[1];
  if (url === undefined) throw new Error(`the started line names no url: ${line}`);
  return { child: cli.child, url, exit: cli.exit, output: cli.output };
}

const event = (op: 'c' | 'u' | 'd', txId: number, lastCommit: number, lsn: number, before: object | null, after: object | null): string =>
  JSON.stringify({
    before,
    after,
    source: {
      version: '2.7.3.Final',
      connector: 'postgresql',
      name: 'shop',
      ts_ms: 1709296500000,
      snapshot: 'false',
      db: 'shop',
      sequence: `["${lastCommit}","${lsn}"]`,
      schema: 'public',
      table: 'products',
      txId,
      lsn,
      xmin: null,
    },
    op,
    ts_ms: 1709296500100,
    transaction: null,
  });

async function post(url: string, body: string): Promise<{ status: number; body: { status?: string } }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, body: (await response.json()) as { status?: string } };
}

const rows = async () => (await client.query('SELECT id::int, title, price::text, tags FROM catalog_item ORDER BY id')).rows as unknown[];

describe('strangler sync debezium (process)', () => {
  it('applies POSTed events, answers re-sends as duplicates across a restart, exits 130 on SIGINT', async () => {
    const first = [
      event('c', 900, 5000, 5010, null, { id: 1, name: 'Lamp', price: '19.90', tags: ['a', 'b c'] }),
      event('c', 900, 5000, 5020, null, { id: 2, name: 'Chair', price: '45.00', tags: [] }),
      event('u', 901, 5100, 5110, null, { id: 1, name: 'Lamp XL', price: '24.90', tags: ['a'] }),
    ];
    let running = await startCli();
    try {
      for (const body of first)
        expect(await post(running.url, body)).toEqual({ status: 200, body: expect.objectContaining({ status: 'applied' }) as unknown });
      expect(await post(running.url, first[1] ?? '')).toEqual({ status: 200, body: { status: 'duplicate' } });
      expect(await rows()).toEqual([
        { id: 1, title: 'Lamp XL', price: '24.90', tags: ['a'] },
        { id: 2, title: 'Chair', price: '45.00', tags: [] },
      ]);
      running.child.kill('SIGINT');
      expect(await running.exit).toBe(130);

      running = await startCli();
      for (const body of first) expect(await post(running.url, body)).toEqual({ status: 200, body: { status: 'duplicate' } });
      const remove = event('d', 902, 5200, 5210, { id: 2, name: null, price: null, tags: null }, null);
      expect((await post(running.url, remove)).body.status).toBe('applied');
      expect(await rows()).toEqual([{ id: 1, title: 'Lamp XL', price: '24.90', tags: ['a'] }]);
      const bad = await fetch(running.url, { method: 'POST', body: event('c', 903, 5300, 5310, null, null) });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: { code: 'SYNC_DEBEZIUM_INVALID', field: 'after' } });
    } finally {
      running.child.kill('SIGINT');
      await running.exit;
    }
  });
});
