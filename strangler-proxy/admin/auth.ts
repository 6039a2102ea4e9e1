/**
 * Bearer-token access to the admin API (RFC 6750 §2.1: `Authorization: Bearer <token>`;
 * §3: a 401 carries `WWW-Authenticate: Bearer`, with `error="invalid_token"` when a token
 * was sent but is wrong). Tokens are compared in constant time: both sides are hashed to
 * fixed-length digests first, so neither the content nor the length leaks through timing.
 * The token is never logged and never echoed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { sendError } from './respond.js';

const REALM = 'Bearer realm="strangler-admin"';
// RFC 7235 §2.1: the auth-scheme is case-insensitive. The token is taken as any run of
// visible characters (looser than b64token) so that any token a user puts in the variable works.
const BEARER = /^bearer[ \t]+(\S+)[ \t]*$/i;

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** True when `given` equals `expected`, in time that depends on neither. */
export function tokensMatch(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** Loopback: `localhost`, 127.0.0.0/8, ::1 (and ::ffff:127.x). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./i.test(bare);
  return false;
}

/**
 * Middleware that lets a request through only with the right token. With no token set,
 * every request is refused with a message that says which variable to set.
 */
export function requireToken(token: string | undefined, tokenEnv: string): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    if (token === undefined) {
      res.setHeader('WWW-Authenticate', REALM);
      sendError(
        res,
        401,
        'PROXY_ADMIN_LOCKED',
        `The admin API has no token: set the environment variable ${tokenEnv} and restart the proxy.`,
      );
      return;
    }
    const header = req.headers.authorization;
    const match = header === undefined ? null : BEARER.exec(header);
    if (!match?.[1]) {
      res.setHeader('WWW-Authenticate', REALM);
      sendError(res, 401, 'PROXY_ADMIN_UNAUTHORIZED', `Send "Authorization: Bearer <token>" with the token from ${tokenEnv}.`);
      return;
    }
    if (!tokensMatch(match[1], token)) {
      res.setHeader('WWW-Authenticate', `${REALM}, error="invalid_token"`);
      sendError(res, 401, 'PROXY_ADMIN_BAD_TOKEN', `The token is wrong: use the value of ${tokenEnv} the proxy was started with.`);
      return;
    }
    next();
  };
}
