import { describe, expect, it } from 'vitest';
import { isSecretHeader, redactPath } from './redact.js';

describe('redaction', () => {
  it('keeps the query but masks credential-looking values', () => {
    expect(redactPath('/api/items?page=2&sort=name')).toBe('/api/items?page=2&sort=name');
    expect(redactPath('/api/items?access_token=abc&page=2&api-key=k&sig=s&flag')).toBe(
      '/api/items?access_token=REDACTED&page=2&api-key=REDACTED&sig=REDACTED&flag',
    );
    expect(redactPath('/x?Session%5Fid=1')).toBe('/x?Session%5Fid=REDACTED');
    expect(redactPath('/plain')).toBe('/plain');
  });

  it('knows the credential headers', () => {
    expect(isSecretHeader('Authorization')).toBe(true);
    expect(isSecretHeader('cookie')).toBe(true);
    expect(isSecretHeader('set-cookie')).toBe(true);
    expect(isSecretHeader('etag')).toBe(false);
  });
});
