/**
 * The undici `connect` setting of one instance's pool. Plain http:// instances, and
 * https:// ones without a `tls` section, get undici's own connector (Node's CA store, SNI
 * from the instance's host). With `tls`, the pool's TLS sockets use its CA (instead of the
 * store), client certificate, minimum version and verification switch; a `serverName`
 * is forced onto every connection, because undici would otherwise send the request's Host
 * (the client's with `preserveHost`) as SNI and check the certificate against that.
 */
import { buildConnector } from 'undici';
import type { UpstreamTlsMaterial } from '../config/upstream-tls.js';

export function poolConnect(
  url: string,
  connectTimeout: number,
  tls: UpstreamTlsMaterial | undefined,
): buildConnector.BuildOptions | buildConnector.connector {
  if (tls === undefined || !url.startsWith('https://')) return { timeout: connectTimeout };
  const options: buildConnector.BuildOptions = {
    timeout: connectTimeout,
    rejectUnauthorized: tls.rejectUnauthorized,
    minVersion: tls.minVersion,
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.cert === undefined || tls.key === undefined ? {} : { cert: tls.cert, key: tls.key }),
  };
  const serverName = tls.serverName;
  if (serverName === undefined) return options;
  const connect = buildConnector(options);
  return (target, callback) => connect({ ...target, servername: serverName }, callback);
}
