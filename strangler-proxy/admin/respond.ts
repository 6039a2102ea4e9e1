/** JSON answers of the admin API: one error shape, `{ error: { code, message, … } }`. */
import type { Response } from 'express';

export function sendError(res: Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error: { code, message, ...extra } });
}
