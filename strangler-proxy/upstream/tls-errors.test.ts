import { describe, expect, it } from 'vitest';
import { tlsFailure } from './tls-errors.js';

describe('tlsFailure', () => {
  it('names the certificate problem; none of them reached the instance', () => {
    expect(tlsFailure('SELF_SIGNED_CERT_IN_CHAIN')).toEqual({
      status: 502,
      notSent: true,
      clientGone: false,
      reason: 'upstream certificate not trusted (SELF_SIGNED_CERT_IN_CHAIN)',
    });
    expect(tlsFailure('UNABLE_TO_VERIFY_LEAF_SIGNATURE')?.reason).toBe(
      'upstream certificate not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
    );
    expect(tlsFailure('CERT_HAS_EXPIRED')?.reason).toBe('upstream certificate expired');
    expect(tlsFailure('ERR_TLS_CERT_ALTNAME_INVALID')?.reason).toBe('upstream certificate does not match the host name');
    expect(tlsFailure('CERT_REVOKED')?.reason).toBe('upstream certificate invalid (CERT_REVOKED)');
  });

  it('tells handshake alerts apart, and leaves other codes alone', () => {
    expect(tlsFailure('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED')?.reason).toBe('upstream requires a client certificate');
    expect(tlsFailure('ERR_SSL_WRONG_VERSION_NUMBER')).toMatchObject({
      status: 502,
      notSent: true,
      reason: 'TLS handshake failed (ERR_SSL_WRONG_VERSION_NUMBER)',
    });
    expect(tlsFailure('ECONNRESET')).toBeUndefined();
    expect(tlsFailure('UND_ERR_SOCKET')).toBeUndefined();
    // Asked again: the same answer (from the cache).
    expect(tlsFailure('SELF_SIGNED_CERT_IN_CHAIN')).toBe(tlsFailure('SELF_SIGNED_CERT_IN_CHAIN'));
  });
});
