/**
 * TLS towards upstream instances (`monolith.tls`, `services.<name>.tls`): a CA to trust
 * instead of Node's store, a client certificate for mutual TLS, an SNI/verification name.
 * Like `listen.tls`, the files are taken relative to the config file and are read and
 * checked when the config loads, so a bad file is refused with its key named. They are read
 * again when a service's instances are built (start and each reload); the fingerprint of
 * their contents tells a reload whether the instances' pools must be rebuilt.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import type { Issue } from '../../common/config/schema.js';
import { StranglerError } from '../../common/errors.js';
import type { UpstreamTlsConfig } from './schema.js';
import { readCaFile, readKeyPair } from './tls.js';

/** What an instance's pool connects with (node:tls options), and a digest of settings and file contents. */
export interface UpstreamTlsMaterial {
  readonly ca: Buffer | undefined;
  readonly cert: Buffer | undefined;
  readonly key: Buffer | undefined;
  readonly serverName: string | undefined;
  readonly rejectUnauthorized: boolean;
  readonly minVersion: UpstreamTlsConfig['minVersion'];
  /** sha256 of the settings and the files' bytes: equal fingerprints, same connections. */
  readonly fingerprint: string;
}

/** The same settings with relative file paths resolved against `baseDir` (the config file's folder). */
export function resolveUpstreamTlsPaths(tls: UpstreamTlsConfig, baseDir: string): UpstreamTlsConfig {
  const at = (path: string | undefined): string | undefined =>
    path === undefined ? undefined : isAbsolute(path) ? path : resolve(baseDir, path);
  return Object.freeze({ ...tls, caFile: at(tls.caFile), certFile: at(tls.certFile), keyFile: at(tls.keyFile) });
}

/**
 * Reads and checks the files of `tls` (absolute paths); problems go to `issues` under
 * `at` (`services.catalog.tls`) and the file's key. Returns the material only when all is well.
 */
export function readUpstreamTls(tls: UpstreamTlsConfig, at: string, issues: Issue[]): UpstreamTlsMaterial | undefined {
  const before = issues.length;
  const ca = tls.caFile === undefined ? undefined : readCaFile(tls.caFile, `${at}.caFile`, issues);
  const pair = tls.certFile === undefined || tls.keyFile === undefined ? undefined : readKeyPair(tls.certFile, tls.keyFile, at, issues);
  if (issues.length > before) return undefined;
  const digest = createHash('sha256').update(JSON.stringify(tls));
  for (const content of [ca, pair?.cert, pair?.key]) digest.update(content ?? '-');
  return Object.freeze({
    ca,
    cert: pair?.cert,
    key: pair?.key,
    serverName: tls.serverName,
    rejectUnauthorized: tls.rejectUnauthorized,
    minVersion: tls.minVersion,
    fingerprint: digest.digest('hex'),
  });
}

/** `readUpstreamTls`, throwing one CONFIG_INVALID error naming every bad key. */
export function loadUpstreamTls(tls: UpstreamTlsConfig, at: string): UpstreamTlsMaterial {
  const issues: Issue[] = [];
  const material = readUpstreamTls(tls, at, issues);
  if (material === undefined) {
    const lines = issues.map((issue) => `  - ${issue.path}: ${issue.message}`);
    throw new StranglerError('CONFIG_INVALID', `${at} is not valid:\n${lines.join('\n')}\nFix the keys above and reload.`, {
      details: { issues },
    });
  }
  return material;
}
