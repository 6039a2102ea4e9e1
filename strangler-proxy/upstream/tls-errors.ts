/**
 * What a failed TLS connection to an https:// instance tells the client: the certificate
 * checks node:tls makes (OpenSSL's X509 verify results, by the names Node gives them, and
 * its own host name check) and handshake alerts (`ERR_SSL_*`). None of them lets a request
 * reach the instance, so all are `notSent` (a fallback may replay even a POST). Meant as
 * the last step of `classifyFailure` in `http/upstream-errors.ts`, for codes its table lacks.
 */
import type { FailureClass } from '../http/upstream-errors.js';

const NOT_TRUSTED = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
]);

/** The other X509 verify results Node reports by name (`node:tls`, `X509_V_ERR_*` without the prefix). */
const INVALID = new Set([
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
]);

function reasonOf(code: string): string | undefined {
  if (NOT_TRUSTED.has(code)) return `upstream certificate not trusted (${code})`;
  if (code === 'CERT_HAS_EXPIRED') return 'upstream certificate expired';
  if (code === 'CERT_NOT_YET_VALID') return 'upstream certificate not yet valid';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') return 'upstream certificate does not match the host name';
  if (INVALID.has(code)) return `upstream certificate invalid (${code})`;
  if (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED') return 'upstream requires a client certificate';
  if (code.startsWith('ERR_SSL_')) return `TLS handshake failed (${code})`;
  return undefined;
}

const known = new Map<string, FailureClass | undefined>();

/** The failure class of a TLS error `code`, or undefined when it is not one. */
export function tlsFailure(code: string): FailureClass | undefined {
  if (known.has(code)) return known.get(code);
  const reason = reasonOf(code);
  const failure: FailureClass | undefined = reason === undefined ? undefined : { status: 502, notSent: true, clientGone: false, reason };
  // ERR_SSL_* codes are many but finite (one per OpenSSL reason): the cache stays small.
  if (known.size < 1000) known.set(code, failure);
  return failure;
}
