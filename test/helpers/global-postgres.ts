/**
 * Vitest global setup: one PostgreSQL server for the whole run. It is the server named by
 * TEST_DATABASE_URL when that is set (CI sets it to the system PostgreSQL 15), otherwise
 * an embedded PostgreSQL started here and always stopped. Each test file then makes a
 * database of its own on it (see postgres.ts).
 */
import type { TestProject } from 'vitest/node';
import { obtainPostgres } from '../../common/pg/databases.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgEmbedded: boolean;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const handle = await obtainPostgres({ envNames: ['TEST_DATABASE_URL'] });
  project.provide('pgAdminUrl', handle.url);
  project.provide('pgEmbedded', handle.embedded);
  return () => handle.stop();
}
