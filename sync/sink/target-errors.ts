/** How the sink tells "the target is not reachable right now" (retry) from "this change cannot be applied" (stop). */
import { messageOf, StranglerError } from '../../common/errors.js';

export function isStranglerError(error: unknown): error is StranglerError {
  return error instanceof StranglerError;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

/** The SQLSTATE (or Node's code) an error of the pg driver carries, if any. */
export function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/** Errors that mean "the target is not reachable right now" (retry) rather than "this change cannot be applied". */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof StranglerError) return error.code === 'SYNC_TARGET_UNREACHABLE';
  if (CONNECTION_CODES.has(sqlState(error) ?? '')) return true;
  const message = messageOf(error);
  return /Connection terminated|connection timeout|not queryable|Client was closed|ECONNREFUSED|ECONNRESET|socket hang up/i.test(message);
}

export function targetError(error: unknown): StranglerError {
  if (error instanceof StranglerError) return error;
  if (isConnectionError(error)) {
    return new StranglerError(
      'SYNC_TARGET_UNREACHABLE',
      `The target database is not reachable: ${messageOf(error)}. The sync retries; check the target and target.urlEnv.`,
      {
        cause: error,
      },
    );
  }
  return new StranglerError(
    'SYNC_APPLY_FAILED',
    `Applying to the target failed: ${messageOf(error)}. Nothing of this batch was committed.`,
    { cause: error },
  );
}
