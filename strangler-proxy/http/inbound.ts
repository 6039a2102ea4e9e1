/**
 * What the request handler (forward.ts) needs of a client's request and of the response it
 * writes. node:http's IncomingMessage and ServerResponse fit; so do the proxy's own
 * FrontRequest and FrontResponse (front.ts), which carry only bodiless requests.
 */
import { IncomingMessage, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

export interface InboundRequest {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  /** Lower-case names; repeated fields combined the way node:http does. */
  readonly headers: IncomingHttpHeaders;
  /** The fields as sent, flat [name, value, …]. */
  readonly rawHeaders: string[];
  readonly socket: Socket;
  /** Some of the body has been read. */
  readonly readableDidRead: boolean;
  /** Known to carry no body (the front reads only such requests): its headers need not be looked at for one. */
  readonly bodiless?: boolean;
}

export interface InboundResponse {
  readonly headersSent: boolean;
  readonly destroyed: boolean;
  /** The whole response is out (false when the connection closed before). */
  readonly writableFinished: boolean;
  /** Bytes waiting in the client connection's buffer. */
  readonly writableLength: number;
  writeHead(status: number, headers: string[] | OutgoingHttpHeaders): unknown;
  /** False: the connection's buffer is full, wait for `drain`. */
  write(chunk: Buffer): boolean;
  end(body?: string): unknown;
  destroy(): unknown;
  once(event: 'close' | 'drain', listener: () => void): unknown;
}

export type InboundHandler = (req: InboundRequest, res: InboundResponse) => void;

/** The request's body stream: only node:http's requests carry one (front.ts hands requests with a body to node:http). */
export function bodyStream(req: InboundRequest): IncomingMessage {
  if (!(req instanceof IncomingMessage)) throw new Error('a request with a body reached the handler without its stream');
  return req;
}
