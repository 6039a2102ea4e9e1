/** The source workloads of bench/sync: bulk rows, one big transaction, many small ones, a steady rate. */
import pg from 'pg';

export const TABLE_DDL = `CREATE TABLE bench_rows (
  id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2) NOT NULL, at timestamptz NOT NULL, payload jsonb)`;

/** Target tables get one more column: when the row was applied there (commit-to-apply lag). */
export const TARGET_DDL = `CREATE TABLE bench_rows (
  id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2) NOT NULL, at timestamptz NOT NULL, payload jsonb,
  applied_at timestamptz NOT NULL DEFAULT clock_timestamp())`;

const ROW_SQL = (from: string, to: string): string =>
  `SELECT i, 'name-' || i, (i % 100000) / 100.0, clock_timestamp(), jsonb_build_object('i', i, 'tag', md5(i::text)) FROM generate_series(${from}, ${to}) i`;

/** Rows [from, to] in one transaction. */
export async function insertRange(client: pg.Client, from: number, to: number): Promise<void> {
  await client.query(`INSERT INTO bench_rows ${ROW_SQL(String(from), String(to))}`);
}

/** Rows [from, to], one transaction each (a DO block may COMMIT between statements). */
export async function insertEachCommitted(client: pg.Client, from: number, to: number): Promise<void> {
  await client.query(`DO $$ BEGIN
    FOR i IN ${from}..${to} LOOP
      INSERT INTO bench_rows VALUES (i, 'name-' || i, (i % 100000) / 100.0, clock_timestamp(), jsonb_build_object('i', i, 'tag', md5(i::text)));
      COMMIT;
    END LOOP;
  END $$`);
}

export interface SteadyResult {
  transactions: number;
  seconds: number;
  lastId: number;
}

/**
 * `rate` single-row transactions per second for `seconds`, ids from `firstId`, spread over
 * `connections` sessions; each session keeps to its share of the schedule.
 */
export async function steadyWriter(url: string, firstId: number, rate: number, seconds: number, connections = 4): Promise<SteadyResult> {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  const started = performance.now();
  let next = firstId;
  let sent = 0;
  const total = Math.round(rate * seconds);
  await Promise.all(
    clients.map(async (client) => {
      while (sent < total) {
        const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
        if (sent >= due) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          continue;
        }
        const id = next++;
        sent++;
        await client.query(
          "INSERT INTO bench_rows VALUES ($1::bigint, 'name-' || $1::bigint, ($1::bigint % 100000) / 100.0, clock_timestamp(), jsonb_build_object('i', $1::bigint))",
          [id],
        );
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(clients.map((client) => client.end()));
  return { transactions: sent, seconds: elapsed, lastId: next - 1 };
}

/** Waits until the target has row `id` (the last row of a phase); returns the seconds waited. */
export async function waitForRow(client: pg.Client, id: number, timeoutMs: number, since = performance.now()): Promise<number> {
  for (;;) {
    const result = await client.query('SELECT 1 FROM bench_rows WHERE id = $1', [id]);
    if (result.rowCount === 1) return (performance.now() - since) / 1000;
    if (performance.now() - since > timeoutMs) throw new Error(`row ${id} did not arrive within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface LagFigures {
  rows: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Commit-to-apply lag of the rows [from, to] in a target: applied_at - at, in ms. */
export async function lagOf(client: pg.Client, from: number, to: number): Promise<LagFigures> {
  const result = await client.query<{ rows: string; p50: number | null; p99: number | null; max: number | null }>(
    `SELECT count(*)::text AS rows,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM applied_at - at) * 1000) AS p50,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM applied_at - at) * 1000) AS p99,
       max(extract(epoch FROM applied_at - at) * 1000)::float8 AS max
     FROM bench_rows WHERE id BETWEEN $1 AND $2`,
    [from, to],
  );
  const row = result.rows[0];
  return { rows: Number(row?.rows ?? 0), p50Ms: row?.p50 ?? NaN, p99Ms: row?.p99 ?? NaN, maxMs: row?.max ?? NaN };
}
