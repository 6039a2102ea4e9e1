/**
 * A database of one's own for a test file, on the run's PostgreSQL server (see
 * global-postgres.ts). Dropped by `drop()`; names are random so runs never collide.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase, dropDatabase } from '../../common/pg/databases.js';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** The server's admin URL (superuser), for tests that need to act on the server. */
  readonly adminUrl: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `${prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_${randomBytes(5).toString('hex')}`;
  const url = await createDatabase(adminUrl, name);
  return { name, url, adminUrl, drop: () => dropDatabase(adminUrl, name) };
}
