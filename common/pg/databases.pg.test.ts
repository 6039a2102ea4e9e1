import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createDatabase, dropDatabase, withDatabase } from './databases.js';

describe('databases', () => {
  const adminUrl = inject('pgAdminUrl');

  it('creates a database, and drops it with its sessions and replication slots', async () => {
    const name = `dbtest_${Date.now().toString(36)}`;
    const url = await createDatabase(adminUrl, name);
    expect(new URL(url).pathname).toBe(`/${name}`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    client.on('error', () => undefined);
    await client.query("SELECT pg_create_logical_replication_slot($1, 'pgoutput')", [`${name}_slot`]);
    await dropDatabase(adminUrl, name);
    await client.end().catch(() => undefined);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const left = await admin.query(
        'SELECT 1 FROM pg_database WHERE datname = $1 UNION ALL SELECT 1 FROM pg_replication_slots WHERE slot_name = $2',
        [name, `${name}_slot`],
      );
      expect(left.rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  });

  it('refuses names that are not plain identifiers', async () => {
    await expect(createDatabase(adminUrl, 'x; DROP DATABASE postgres')).rejects.toMatchObject({ code: 'PG_BAD_DATABASE_NAME' });
    expect(withDatabase('postgres://u:p@h:1/a?sslmode=disable', 'b')).toBe('postgres://u:p@h:1/b?sslmode=disable');
  });
});
