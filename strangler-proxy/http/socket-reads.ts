/**
 * Reads of an accepted socket into a buffer of our own, as `net.connect({ onread })` does for
 * sockets we open: without it every read of a client connection is a fresh 64 KB allocation,
 * shrunk to what was read and wrapped as a new ArrayBuffer that each scavenge then sweeps
 * (bench/proxy/README.md: half of a scavenge's pause at 2,500 requests a second).
 *
 * net has no public way to do this for a socket it accepted. The socket's handle has the
 * method `onread` uses (`useUserBuffer`), and net reads the buffer and callback from two
 * symbol-keyed fields of the socket; the symbols are found on a probe socket made with
 * `onread`. On a Node.js where either is missing, `readInto` says no and the socket reads
 * as before.
 *
 * Once set, it stays for the socket's life: every read lands in `buffer` and goes to
 * `callback(length)`, never to the socket's Readable side, until the callback itself pushes
 * bytes there (a connection handed on to code that reads 'data' events).
 */
import { Socket, type SocketConstructorOpts } from 'node:net';

type Callback = (length: number) => boolean;

interface Fields {
  buffer: symbol;
  callback: symbol;
}

function probe(): Fields | undefined {
  const buffer = Buffer.alloc(1);
  const callback: Callback = () => true;
  // `onread` is read by net's Socket constructor but missing from its declared options.
  const socket = new Socket({ onread: { buffer, callback } } as SocketConstructorOpts);
  let found: Partial<Fields> = {};
  const fields = socket as unknown as Record<symbol, unknown>;
  for (const symbol of Object.getOwnPropertySymbols(socket)) {
    if (fields[symbol] === buffer) found = { ...found, buffer: symbol };
    else if (fields[symbol] === callback) found = { ...found, callback: symbol };
  }
  socket.destroy();
  return found.buffer !== undefined && found.callback !== undefined ? { buffer: found.buffer, callback: found.callback } : undefined;
}

const FIELDS = probe();

interface UserBufferHandle {
  useUserBuffer?: (buffer: Uint8Array) => unknown;
}

/**
 * From now on `socket`'s reads land in `buffer` and go to `callback` (its byte count; true
 * to go on reading). False, with nothing changed, when this Node.js cannot do it or the
 * socket already reads into a buffer of its own.
 */
export function readInto(socket: Socket, buffer: Buffer, callback: Callback): boolean {
  const handle = (socket as unknown as { _handle?: UserBufferHandle | null })._handle;
  if (FIELDS === undefined || typeof handle?.useUserBuffer !== 'function') return false;
  const fields = socket as unknown as Record<symbol, unknown>;
  if (fields[FIELDS.buffer]) return false;
  handle.useUserBuffer(buffer);
  fields[FIELDS.buffer] = buffer;
  fields[FIELDS.callback] = callback;
  return true;
}
