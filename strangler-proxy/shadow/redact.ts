/**
 * Keeps secrets out of shadow samples: header values of credentials are never shown, and
 * query parameters that look like credentials are masked.
 */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-auth-token']);
const SECRET_PARAM = /token|secret|passw|api[-_]?key|auth|session|signature|^sig$|credential/i;

export const REDACTED = 'REDACTED';

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** `/a?token=abc&page=2` → `/a?token=REDACTED&page=2` (the parameter order and the rest are kept). */
export function redactPath(pathAndQuery: string): string {
  const queryAt = pathAndQuery.indexOf('?');
  if (queryAt === -1) return pathAndQuery;
  const parts = pathAndQuery.slice(queryAt + 1).split('&');
  const masked = parts.map((part) => {
    const equals = part.indexOf('=');
    if (equals === -1) return part;
    let name = part.slice(0, equals);
    try {
      name = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // A malformed escape: test the raw name.
    }
    return SECRET_PARAM.test(name) ? `${part.slice(0, equals)}=${REDACTED}` : part;
  });
  return `${pathAndQuery.slice(0, queryAt)}?${masked.join('&')}`;
}
