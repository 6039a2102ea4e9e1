import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return check();
}

describe('embedded PostgreSQL', () => {
  let server: EmbeddedPostgres;

  beforeAll(async () => {
    server = await startEmbeddedPostgres();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('runs with logical replication on 127.0.0.1 and a password', async () => {
    const [row] = await query<{ wal_level: string; addr: string; v: string }>(
      server.url,
      "SELECT current_setting('wal_level') AS wal_level, host(inet_server_addr()) AS addr, current_setting('server_version_num') AS v",
    );
    expect(row).toMatchObject({ wal_level: 'logical', addr: '127.0.0.1' });
    expect(Number(row?.v)).toBeGreaterThanOrEqual(150000);
    const noPassword = new URL(server.url);
    noPassword.password = '';
    await expect(query(noPassword.toString(), 'SELECT 1')).rejects.toThrow(/password/i);
  });

  it('creates a pgoutput slot', async () => {
    const [slot] = await query<{ slot_name: string }>(
      server.url,
      "SELECT slot_name FROM pg_create_logical_replication_slot('probe', 'pgoutput')",
    );
    expect(slot?.slot_name).toBe('probe');
    await query(server.url, "SELECT pg_drop_replication_slot('probe')");
  });

  it('keeps committed data across a restart and a crash', async () => {
    await query(server.url, 'CREATE TABLE kept (id int primary key)');
    await query(server.url, 'INSERT INTO kept VALUES (1), (2)');
    await server.restart();
    await query(server.url, 'INSERT INTO kept VALUES (3)');
    await server.crashAndRestart();
    expect(await query(server.url, 'SELECT id FROM kept ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });
});

describe('embedded PostgreSQL lifecycle', () => {
  it('removes its files on stop', async () => {
    const server = await startEmbeddedPostgres();
    expect(existsSync(server.directory)).toBe(true);
    await server.stop();
    expect(existsSync(server.directory)).toBe(false);
    await expect(query(server.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    await server.stop();
  });

  it('is stopped and removed by its watchdog when the owning process is killed with SIGKILL', async () => {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const child = spawn(process.execPath, ['--import', tsx, join(import.meta.dirname, '__fixtures__', 'hold-postgres.ts')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const info = await new Promise<{ url: string; directory: string }>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0] ?? '') as { url: string; directory: string });
      });
      child.on('exit', (code) => reject(new Error(`holder exited early with ${String(code)}`)));
    });
    expect(await query(info.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    child.kill('SIGKILL');
    expect(await waitFor(() => !existsSync(info.directory), 20_000)).toBe(true);
    await expect(query(info.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
  });
});
