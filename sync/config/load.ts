/**
 * Loading the sync config: the file (YAML or JSON) through common/config/load.ts, validated
 * once with the schema and frozen; the connection URLs come from the environment variables
 * the file names, never from the file, and are never logged.
 */
import { loadConfigFile, parseConfigText } from '../../common/config/load.js';
import { validate } from '../../common/config/schema.js';
import { StranglerError } from '../../common/errors.js';
import { syncConfigSchema, type SyncConfig } from './schema.js';

export async function loadSyncConfig(path: string): Promise<Readonly<SyncConfig>> {
  return validate(syncConfigSchema, await loadConfigFile(path), path);
}

export function parseSyncConfig(text: string, source = 'sync.yaml'): Readonly<SyncConfig> {
  return validate(syncConfigSchema, parseConfigText(text, source), source);
}

export interface SyncUrls {
  readonly sourceUrl: string;
  readonly targetUrl: string;
}

/** The source and target URLs from the variables the config names; CONFIG_ENV_MISSING names the unset one. */
export function resolveUrls(config: Readonly<SyncConfig>, env: NodeJS.ProcessEnv): SyncUrls {
  const read = (key: 'source' | 'target'): string => {
    const name = config[key].urlEnv;
    const value = env[name];
    if (value === undefined || value.trim() === '') {
      throw new StranglerError(
        'CONFIG_ENV_MISSING',
        `${key}.urlEnv names the environment variable ${name}, which is not set. Set ${name} to the ${key} database's URL (postgres://user:password@host:port/db).`,
      );
    }
    return value;
  };
  return { sourceUrl: read('source'), targetUrl: read('target') };
}

/** `schema.table` -> [schema, table], schema defaulting to public. */
export function splitTableName(name: string): { schema: string; table: string } {
  const dot = name.indexOf('.');
  return dot === -1 ? { schema: 'public', table: name } : { schema: name.slice(0, dot), table: name.slice(dot + 1) };
}
