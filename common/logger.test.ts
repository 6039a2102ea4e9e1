import { describe, expect, it } from 'vitest';
import { createLogger, redact } from './logger.js';

describe('logger', () => {
  it('writes one JSON object per line with level, time and fields', () => {
    const lines: string[] = [];
    const logger = createLogger({
      write: (line) => lines.push(line),
      now: () => new Date('2026-01-02T03:04:05.000Z'),
      fields: { tool: 'sync' },
    });
    logger.info('slot created', { slot: 'strangler_1' });
    logger.debug('hidden below the threshold');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      { time: '2026-01-02T03:04:05.000Z', level: 'info', msg: 'slot created', tool: 'sync', slot: 'strangler_1' },
    ]);
  });

  it('never writes secrets: values of secret-looking keys and passwords inside URLs', () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (line) => lines.push(line), format: 'pretty' }).child({ adminToken: 's3cr3t' });
    logger.warn('connecting to postgres://app:hunter2@db.internal:5432/shop', {
      headers: { Authorization: 'Bearer abc', accept: 'json' },
      password: 'x',
    });
    const text = lines.join('\n');
    expect(text).not.toMatch(/hunter2|s3cr3t|Bearer abc/);
    expect(text).toContain('postgres://app:***@db.internal:5432/shop');
    expect(text).toContain('"accept":"json"');
    expect(text.startsWith('warn: ')).toBe(true);
  });

  it('redacts nested structures and errors but leaves other values alone', () => {
    expect(redact({ list: [{ token: 't' }], n: 1, err: new Error('bad postgresql://u:p@h/db') })).toEqual({
      list: [{ token: '***' }],
      n: 1,
      err: { name: 'Error', message: 'bad postgresql://u:***@h/db' },
    });
  });
});
