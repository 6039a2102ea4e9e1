/**
 * One error class for the whole toolkit. `code` is stable (tests, scripts and users match
 * on it); `message` says what is wrong and what to do next.
 */
export class StranglerError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StranglerError';
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }
}

export function isStranglerError(value: unknown, code?: string): value is StranglerError {
  return value instanceof StranglerError && (code === undefined || value.code === code);
}

/** The message of anything thrown, without assuming it is an Error. */
export function messageOf(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
