/**
 * TLS on the data plane (`listen.tls`). The certificate, key and optional client CA are
 * files whose paths are taken relative to the config file. They are read and checked when
 * the config loads — node:tls `createSecureContext` parses each one and refuses a key that
 * does not belong to the certificate — so a bad file stops the start (or the reload) with
 * the key named, instead of failing every handshake later.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { Issue } from '../../common/config/schema.js';
import { StranglerError, messageOf } from '../../common/errors.js';
import type { TlsConfig } from './schema.js';

/** The files' contents, ready for `https.createServer` / `server.setSecureContext`. */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca: Buffer | undefined;
  minVersion: TlsConfig['minVersion'];
}

/** The same settings with relative paths resolved against `baseDir` (the config file's folder). */
export function resolveTlsPaths(tls: TlsConfig, baseDir: string): TlsConfig {
  const at = (path: string): string => (isAbsolute(path) ? path : resolve(baseDir, path));
  return {
    certFile: at(tls.certFile),
    keyFile: at(tls.keyFile),
    caFile: tls.caFile === undefined ? undefined : at(tls.caFile),
    minVersion: tls.minVersion,
  };
}

function readPem(path: string, key: string, issues: Issue[]): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    issues.push({
      path: key,
      message: `cannot read ${path} (${messageOf(error)}); fix the path (relative to the config file) or its permissions`,
    });
    return undefined;
  }
}

/** Runs one node:tls/crypto parse; a failure becomes an issue on `key`. */
function parses(attempt: () => unknown, key: string, problem: string, issues: Issue[]): boolean {
  try {
    attempt();
    return true;
  } catch (error) {
    issues.push({ path: key, message: `${problem} (${messageOf(error)})` });
    return false;
  }
}

/**
 * Reads a PEM certificate chain and its private key (absolute paths), checking that each
 * parses and that the key belongs to the certificate; problems go to `issues` under
 * `${at}.certFile` / `${at}.keyFile`. Returns both only when all is well.
 */
export function readKeyPair(certFile: string, keyFile: string, at: string, issues: Issue[]): { cert: Buffer; key: Buffer } | undefined {
  const before = issues.length;
  const cert = readPem(certFile, `${at}.certFile`, issues);
  const key = readPem(keyFile, `${at}.keyFile`, issues);
  const certOk =
    cert !== undefined && parses(() => createSecureContext({ cert }), `${at}.certFile`, `${certFile} is not a PEM certificate`, issues);
  const keyOk =
    key !== undefined &&
    parses(
      () => createSecureContext({ key }),
      `${at}.keyFile`,
      `${keyFile} is not an unencrypted PEM private key (remove a passphrase with \`openssl pkey -in <key> -out <new key>\`)`,
      issues,
    );
  if (certOk && keyOk && cert !== undefined && key !== undefined) {
    parses(
      () => createSecureContext({ cert, key }),
      `${at}.keyFile`,
      `${keyFile} is not the private key of the certificate in ${certFile}; give the key that was made with it`,
      issues,
    );
  }
  return issues.length > before || cert === undefined || key === undefined ? undefined : { cert, key };
}

/** Reads a PEM CA bundle (absolute path) and checks that it holds a certificate; problems go to `issues` under `key`. */
export function readCaFile(caFile: string, key: string, issues: Issue[]): Buffer | undefined {
  const ca = readPem(caFile, key, issues);
  if (ca === undefined) return undefined;
  // createSecureContext skips what is not a certificate in a CA bundle: parse the first one ourselves.
  return parses(() => new X509Certificate(ca), key, `${caFile} holds no PEM certificate`, issues) ? ca : undefined;
}

/**
 * Reads and checks the files of `tls` (absolute paths); every problem is pushed to `issues`
 * under its key (`listen.tls.keyFile`). Returns the material only when all is well.
 */
export function readTlsFiles(tls: TlsConfig, issues: Issue[], at = 'listen.tls'): TlsMaterial | undefined {
  const before = issues.length;
  const pair = readKeyPair(tls.certFile, tls.keyFile, at, issues);
  const ca = tls.caFile === undefined ? undefined : readCaFile(tls.caFile, `${at}.caFile`, issues);
  if (issues.length > before || pair === undefined) return undefined;
  return { ...pair, ca, minVersion: tls.minVersion };
}

/** `readTlsFiles`, throwing one CONFIG_INVALID error (source, then every bad key) when a file is not right. */
export function loadTlsMaterial(tls: TlsConfig, source: string): TlsMaterial {
  const issues: Issue[] = [];
  const material = readTlsFiles(tls, issues);
  if (material === undefined) {
    const lines = issues.map((issue) => `  - ${issue.path}: ${issue.message}`);
    throw new StranglerError('CONFIG_INVALID', `${source} is not valid:\n${lines.join('\n')}\nFix the keys above and start again.`, {
      details: { issues },
    });
  }
  return material;
}

/** What node:tls takes for a server context. */
export function secureContextOptions(material: TlsMaterial): SecureContextOptions {
  return {
    cert: material.cert,
    key: material.key,
    minVersion: material.minVersion,
    ...(material.ca === undefined ? {} : { ca: material.ca }),
  };
}
