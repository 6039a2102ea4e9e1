/**
 * Requests node:http's parser (llhttp) refuses never reach the route table or an upstream:
 * invalid header names or values, Content-Length together with Transfer-Encoding (RFC 9112
 * §6.3: a request smuggling vector, refused outright), duplicate Content-Length, a missing
 * Host (RFC 9112 §3.2), heads over `maxHeaderSize`. This answers them with a JSON 400 (408 for
 * a client too slow to send its request) and closes the connection.
 */
import type { Socket } from 'node:net';

const REASONS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: 'request headers too large',
  HPE_INVALID_HEADER_TOKEN: 'invalid header name or value',
  HPE_INVALID_TRANSFER_ENCODING: 'invalid Transfer-Encoding, or Transfer-Encoding together with Content-Length',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'Content-Length together with Transfer-Encoding',
  HPE_INVALID_CONTENT_LENGTH: 'invalid Content-Length',
  HPE_INVALID_CHUNK_SIZE: 'invalid chunk size',
  HPE_INVALID_METHOD: 'invalid method',
  HPE_INVALID_URL: 'invalid request target',
  HPE_INVALID_VERSION: 'invalid HTTP version',
  HPE_LF_EXPECTED: 'malformed line ending',
  HPE_CR_EXPECTED: 'malformed line ending',
};

export function clientErrorResponse(code: string | undefined): string {
  const timeout = code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'HPE_HEADERS_TIMEOUT';
  const status = timeout ? 408 : 400;
  const body = JSON.stringify({
    error: timeout ? 'request timeout' : 'bad request',
    status,
    reason: (code !== undefined ? REASONS[code] : undefined) ?? (timeout ? 'request not received in time' : 'malformed request'),
  });
  return (
    `HTTP/1.1 ${status} ${timeout ? 'Request Timeout' : 'Bad Request'}\r\n` +
    'content-type: application/json\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    'connection: close\r\n\r\n' +
    body
  );
}

export function onClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(clientErrorResponse(error.code));
}
