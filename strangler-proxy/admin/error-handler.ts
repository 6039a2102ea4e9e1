/**
 * Maps what the admin endpoints throw to HTTP answers. Invalid input is the caller's to
 * fix (400 naming the key, 404, 413, 415); anything else is a 500 whose message is logged
 * (never the request's headers, which carry the token).
 */
import type { NextFunction, Request, Response } from 'express';
import { isStranglerError, messageOf } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { sendError } from './respond.js';

const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  CONFIG_INVALID: 400,
  CONFIG_UNKNOWN_SERVICE: 400,
  CONFIG_PARSE: 400,
  PROXY_UNKNOWN_ROUTE: 404,
  PROXY_ADMIN_NOT_FOUND: 404,
  PROXY_ADMIN_NOT_JSON: 415,
};

interface Issue {
  path: string;
  message: string;
}

function issuesOf(details: Readonly<Record<string, unknown>>): Issue[] {
  const issues = details['issues'];
  if (!Array.isArray(issues)) return [];
  return issues.flatMap((issue: unknown) =>
    typeof issue === 'object' && issue !== null && 'path' in issue && 'message' in issue
      ? [{ path: String(issue.path), message: String(issue.message) }]
      : [],
  );
}

/** body-parser marks its errors with `type` and `status`. */
function bodyParserError(error: unknown): { type: string; status: number } | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error) || !('status' in error)) return undefined;
  return typeof error.type === 'string' && typeof error.status === 'number' ? { type: error.type, status: error.status } : undefined;
}

export function adminErrorHandler(logger: Logger): (error: unknown, req: Request, res: Response, next: NextFunction) => void {
  return (error, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (isStranglerError(error)) {
      const status = STATUS_BY_CODE[error.code];
      if (status !== undefined) {
        const issues = issuesOf(error.details);
        const extra = issues.length > 0 ? { key: issues[0]?.path, issues } : {};
        sendError(res, status, error.code, error.message, extra);
        return;
      }
    }
    const parser = bodyParserError(error);
    if (parser?.type === 'entity.parse.failed') {
      sendError(res, 400, 'PROXY_ADMIN_BAD_JSON', `The body is not valid JSON: ${messageOf(error)}.`);
      return;
    }
    if (parser?.type === 'entity.too.large') {
      sendError(res, 413, 'PROXY_ADMIN_TOO_LARGE', 'The body is larger than 1 MB; send a smaller route table.');
      return;
    }
    if (parser && parser.status >= 400 && parser.status < 500) {
      sendError(res, parser.status, 'PROXY_ADMIN_BAD_REQUEST', messageOf(error));
      return;
    }
    const code = isStranglerError(error) ? error.code : 'PROXY_ADMIN_INTERNAL';
    logger.error('admin request failed', { method: req.method, path: req.path, code, error: messageOf(error) });
    sendError(res, 500, code, `The admin API failed: ${messageOf(error)}`);
  };
}
