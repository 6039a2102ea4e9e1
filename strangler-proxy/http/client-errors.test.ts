import { describe, expect, it } from 'vitest';
import { clientErrorResponse } from './client-errors.js';
import { classifyFailure } from './upstream-errors.js';

describe('client errors', () => {
  it('answers parser errors with a 400 JSON body and closes', () => {
    const text = clientErrorResponse('HPE_UNEXPECTED_CONTENT_LENGTH');
    expect(text.startsWith('HTTP/1.1 400 Bad Request\r\n')).toBe(true);
    expect(text).toContain('connection: close');
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { reason: string };
    expect(body.reason).toBe('Content-Length together with Transfer-Encoding');
    expect(clientErrorResponse('HPE_HEADER_OVERFLOW')).toContain('request headers too large');
    expect(clientErrorResponse('ERR_HTTP_REQUEST_TIMEOUT').startsWith('HTTP/1.1 408')).toBe(true);
  });
});

describe('upstream failures', () => {
  it.each([
    ['ECONNREFUSED', 502, true],
    ['UND_ERR_CONNECT_TIMEOUT', 504, true],
    ['UND_ERR_HEADERS_TIMEOUT', 504, false],
    ['ECONNRESET', 502, false],
    ['SOMETHING_ELSE', 502, false],
  ])('%s → %s (never sent: %s)', (code, status, notSent) => {
    const failure = classifyFailure(Object.assign(new Error('x'), { code }));
    expect(failure.status).toBe(status);
    expect(failure.notSent).toBe(notSent);
  });
});
