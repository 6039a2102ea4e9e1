/**
 * Listening with errors that say what to do: the proxy's data plane and its admin API both
 * bind through here and get back the URL they listen on (`https://` for a TLS server, IPv6
 * hosts in brackets).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as TlsServer } from 'node:tls';

export async function listenOn(
  server: Server,
  host: string,
  port: number,
  failure: (error: NodeJS.ErrnoException) => Error,
): Promise<{ url: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(failure(error));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const scheme = server instanceof TlsServer ? 'https' : 'http';
  return { url: `${scheme}://${shownHost}:${address.port}`, port: address.port };
}
