/**
 * TLS towards upstreams (`services.<name>.tls`, `monolith.tls`), on real sockets: real
 * https:// upstream processes with certificates from a private CA made by openssl at test
 * time. The proxy trusts them with `caFile` (and not without: 502), presents a client
 * certificate to an upstream that requires one (mutual TLS), sends a `serverName`, checks
 * them through the active health checker, rebuilds the pools when a reload changes the
 * settings or the files, refuses bad settings at load with the key named, and warns when
 * certificate checks are turned off.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/logger.js';
import { startProxy, type RunningProxy } from '../../strangler-proxy/index.js';
import type { ServiceProcess } from '../helpers/processes.js';
import { refusal, sleep, startUpstream, tempDir } from './helpers.js';

const dir = tempDir();

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore', cwd: dir });
}

/** A private test CA (`name`.crt, `name`.key in `dir`). */
function makeCa(name: string): void {
  openssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'].concat([
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
    ]),
  );
}

/** A certificate signed by the CA `ca`, with the extensions in `ext` (one per line). */
function makeSigned(name: string, ca: string, commonName: string, ext: string[]): void {
  writeFileSync(join(dir, `${name}.ext`), ext.join('\n') + '\n');
  openssl(
    ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${commonName}`].concat([
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    ]),
  );
  openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '2'].concat([
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    ]),
  );
}

/**
 * An https:// upstream: answers JSON with its name, the request, the SNI name it was sent
 * and the client certificate's CN; counts health probes. With CLIENT_CA it requires a
 * client certificate signed by that CA.
 */
const HTTPS_UPSTREAM = String.raw`
import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';
const clientCa = process.env.CLIENT_CA;
let probes = 0;
const options = { cert: readFileSync(process.env.CERT), key: readFileSync(process.env.KEY) };
if (clientCa) Object.assign(options, { ca: readFileSync(clientCa), requestCert: true, rejectUnauthorized: true });
const server = createServer(options, (req, res) => {
  if (req.url === '/health') { probes++; res.end('ok'); return; }
  if (req.url === '/__probes') { res.end(JSON.stringify({ probes })); return; }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const peer = req.socket.getPeerCertificate();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({
      name: process.env.NAME, method: req.method, url: req.url, body: Buffer.concat(chunks).toString(),
      sni: req.socket.servername || null, client: (peer && peer.subject && peer.subject.CN) || null,
    }));
  });
});
server.listen(0, '127.0.0.1', () => console.log('listening on https://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
`;

interface HttpsUpstream {
  child: ChildProcess;
  url: string;
}

function startHttpsUpstream(name: string, env: Record<string, string>): Promise<HttpsUpstream> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', HTTPS_UPSTREAM], {
    env: { ...process.env, NAME: name, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready:\n${output}`)), 15_000);
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      const found = /listening on (https:\/\/\S+)/.exec(output)?.[1];
      if (found === undefined) return;
      clearTimeout(timer);
      resolve({ child, url: found });
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('exit', (code) => reject(new Error(`${name} exited (${String(code)}):\n${output}`)));
  });
}

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

let monolith: ServiceProcess;
let secure: HttpsUpstream;
let mutual: HttpsUpstream;
const running: RunningProxy[] = [];

/** A config file in `dir`: the http monolith, plus `services`, each routed from /api/<name>/** (no fallback, no retry). */
function writeConfig(file: string, services: Record<string, Record<string, unknown>>, extra: Record<string, unknown> = {}): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    JSON.stringify({
      listen: { host: '127.0.0.1', port: 0 },
      accessLog: false,
      monolith: { instances: [monolith.baseUrl] },
      services,
      routes: Object.keys(services).map((name) => ({
        id: name,
        match: { path: `/api/${name}/**` },
        service: name,
        rewrite: { stripPrefix: `/api/${name}` },
        fallback: false,
        retries: { attempts: 0 },
      })),
      ...extra,
    }),
  );
  return path;
}

async function started(configPath: string, lines?: string[]): Promise<RunningProxy> {
  const logger = lines === undefined ? undefined : createLogger({ level: 'warn', write: (line) => lines.push(line) });
  const proxy = await startProxy({ configPath, ...(logger === undefined ? {} : { logger }) });
  running.push(proxy);
  return proxy;
}

async function call(
  url: string,
  init: { method?: 'GET' | 'POST'; body?: string } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await request(url, { method: init.method ?? 'GET', body: init.body ?? null });
  return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  makeCa('ca');
  makeCa('stranger-ca');
  makeSigned('upstream', 'ca', 'strangler-upstream', [
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:upstream.test',
    'extendedKeyUsage=serverAuth',
  ]);
  makeSigned('client', 'ca', 'strangler-proxy-client', ['extendedKeyUsage=clientAuth']);
  makeSigned('stranger', 'stranger-ca', 'stranger-client', ['extendedKeyUsage=clientAuth']);
  const files = { CERT: join(dir, 'upstream.crt'), KEY: join(dir, 'upstream.key') };
  [monolith, secure, mutual] = await Promise.all([
    startUpstream('monolith'),
    startHttpsUpstream('secure', files),
    startHttpsUpstream('mutual', { ...files, CLIENT_CA: join(dir, 'ca.crt') }),
  ]);
});

afterAll(async () => {
  await Promise.all(running.map((proxy) => proxy.close()));
  await Promise.all([monolith?.stop(), secure && stopped(secure.child), mutual && stopped(mutual.child)]);
});

describe('TLS towards upstreams', () => {
  it('reaches an https upstream whose certificate comes from caFile (relative to the config file), also for health checks', async () => {
    const proxy = await started(
      writeConfig('trusted.json', {
        secure: { instances: [secure.url], tls: { caFile: 'ca.crt' }, healthCheck: { path: '/health', interval: 100 } },
      }),
    );
    const answer = await call(`${proxy.url}/api/secure/items/7?x=1`, { method: 'POST', body: 'payload over tls' });
    expect(answer).toEqual({
      status: 200,
      json: { name: 'secure', method: 'POST', url: '/items/7?x=1', body: 'payload over tls', sni: null, client: null },
    });
    // The active checker probes over the instance's pool, so over the same TLS settings.
    const agent = new Agent({ connect: { ca: readFileSync(join(dir, 'ca.crt')) } });
    try {
      await sleep(400);
      const probes = await request(`${secure.url}/__probes`, { dispatcher: agent });
      expect(((await probes.body.json()) as { probes: number }).probes).toBeGreaterThanOrEqual(2);
    } finally {
      await agent.close();
    }
    expect(proxy.control.instances().find((instance) => instance.service === 'secure')).toMatchObject({ healthy: true, failures: 0 });
  });

  it('answers 502 naming the upstream and its instance when the certificate is not trusted (no caFile)', async () => {
    const proxy = await started(writeConfig('untrusted.json', { secure: { instances: [secure.url] } }));
    const answer = await call(`${proxy.url}/api/secure/items/7`);
    expect(answer.status).toBe(502);
    expect(answer.json).toMatchObject({ error: 'bad gateway', route: 'secure', upstream: 'secure', instance: secure.url });
  });

  it('says the certificate is the reason for a 502: not trusted, or not for the server name', async () => {
    const proxy = await started(
      writeConfig('reasons.json', {
        untrusted: { instances: [secure.url] },
        misnamed: { instances: [secure.url], tls: { caFile: 'ca.crt', serverName: 'other.test' } },
      }),
    );
    const untrusted = await call(`${proxy.url}/api/untrusted/items/7`);
    expect(untrusted.json.reason).toMatch(/^upstream certificate not trusted \([A-Z_]+\)$/);
    const misnamed = await call(`${proxy.url}/api/misnamed/items/7`);
    expect(misnamed.json.reason).toBe('upstream certificate does not match the host name');
  });

  it('sends serverName as SNI and checks the certificate against it', async () => {
    const proxy = await started(
      writeConfig('server-name.json', {
        named: { instances: [secure.url], tls: { caFile: 'ca.crt', serverName: 'upstream.test', minVersion: 'TLSv1.3' } },
        wrong: { instances: [secure.url], tls: { caFile: 'ca.crt', serverName: 'other.test' } },
      }),
    );
    expect(await call(`${proxy.url}/api/named/a`)).toMatchObject({ status: 200, json: { name: 'secure', sni: 'upstream.test' } });
    const wrong = await call(`${proxy.url}/api/wrong/a`);
    expect(wrong).toMatchObject({ status: 502, json: { upstream: 'wrong', instance: secure.url } });
  });

  it('presents certFile/keyFile to an upstream that requires a client certificate, and gets 502 without', async () => {
    const proxy = await started(
      writeConfig('mutual.json', {
        withcert: { instances: [mutual.url], tls: { caFile: 'ca.crt', certFile: 'client.crt', keyFile: 'client.key' } },
        nocert: { instances: [mutual.url], tls: { caFile: 'ca.crt' } },
      }),
    );
    expect(await call(`${proxy.url}/api/withcert/orders`, { method: 'POST', body: 'mtls body' })).toEqual({
      status: 200,
      json: { name: 'mutual', method: 'POST', url: '/orders', body: 'mtls body', sni: null, client: 'strangler-proxy-client' },
    });
    const refused = await call(`${proxy.url}/api/nocert/orders`);
    expect(refused).toMatchObject({ status: 502, json: { error: 'bad gateway', upstream: 'nocert', instance: mutual.url } });
  });

  it('builds new pools on a reload that changes tls or its files; other instances keep theirs', async () => {
    const config = writeConfig('reload.json', { svc: { instances: [mutual.url], tls: { caFile: 'ca.crt' } } });
    const proxy = await started(config);
    expect((await call(`${proxy.url}/api/svc/x`)).status).toBe(502);
    expect((await call(`${proxy.url}/monolith-before`)).status).toBe(200);
    const requests = (service: string): number | undefined =>
      proxy.control.instances().find((instance) => instance.service === service)?.requests;
    expect(requests('monolith')).toBe(1);

    copyFileSync(join(dir, 'client.crt'), join(dir, 'rotating.crt'));
    copyFileSync(join(dir, 'client.key'), join(dir, 'rotating.key'));
    writeConfig('reload.json', {
      svc: { instances: [mutual.url], tls: { caFile: 'ca.crt', certFile: 'rotating.crt', keyFile: 'rotating.key' } },
    });
    await proxy.control.reload();
    expect(requests('svc')).toBe(0); // a new instance, with a new pool
    expect(requests('monolith')).toBe(1); // kept, with its pool and counters
    expect(await call(`${proxy.url}/api/svc/x`)).toMatchObject({ status: 200, json: { client: 'strangler-proxy-client' } });

    // Same config, new file contents (a certificate from a CA the upstream does not trust): new pools again.
    copyFileSync(join(dir, 'stranger.crt'), join(dir, 'rotating.crt'));
    copyFileSync(join(dir, 'stranger.key'), join(dir, 'rotating.key'));
    await proxy.control.reload();
    expect(requests('svc')).toBe(0);
    expect((await call(`${proxy.url}/api/svc/x`)).status).toBe(502);
  });

  it('allows rejectUnauthorized: false but warns at start', async () => {
    const lines: string[] = [];
    const proxy = await started(
      writeConfig('insecure.json', { lax: { instances: [secure.url], tls: { rejectUnauthorized: false } } }),
      lines,
    );
    expect(await call(`${proxy.url}/api/lax/a`)).toMatchObject({ status: 200, json: { name: 'secure' } });
    const warnings = lines.map((line) => JSON.parse(line) as { level: string; msg: string; key?: string });
    expect(warnings).toEqual([expect.objectContaining({ level: 'warn', key: 'services.lax.tls.rejectUnauthorized' })]);
    expect(lines[0]).toMatch(/services\.lax\.tls\.rejectUnauthorized is false: the certificates of these instances are not checked/);
  });

  it('refuses bad upstream TLS settings at load, naming the key', async () => {
    writeFileSync(join(dir, 'garbage.pem'), 'not a certificate\n');
    const https = [secure.url];
    expect(await refusal(writeConfig('bad-missing.json', { s: { instances: https, tls: { caFile: 'nope.crt' } } }))).toMatch(
      /services\.s\.tls\.caFile: cannot read .*nope\.crt \(ENOENT/,
    );
    expect(
      await refusal(
        writeConfig('bad-pem.json', {
          s: { instances: https, tls: { caFile: 'garbage.pem', certFile: 'garbage.pem', keyFile: 'client.crt' } },
        }),
      ),
    ).toMatch(
      /services\.s\.tls\.caFile: .*garbage\.pem holds no PEM certificate[\s\S]*services\.s\.tls\.certFile: .*garbage\.pem is not a PEM certificate[\s\S]*services\.s\.tls\.keyFile: .*client\.crt is not an unencrypted PEM private key/,
    );
    expect(
      await refusal(writeConfig('bad-pair.json', { s: { instances: https, tls: { certFile: 'client.crt', keyFile: 'stranger.key' } } })),
    ).toMatch(/services\.s\.tls\.keyFile: .*stranger\.key is not the private key of the certificate in .*client\.crt/);
    expect(await refusal(writeConfig('bad-half.json', { s: { instances: https, tls: { certFile: 'client.crt' } } }))).toMatch(
      /services\.s\.tls\.keyFile: is required with certFile/,
    );
    expect(await refusal(writeConfig('bad-http.json', { s: { instances: ['http://127.0.0.1:1'], tls: { caFile: 'ca.crt' } } }))).toMatch(
      /services\.s\.tls: applies to https:\/\/ instances only, and every instance here is http:\/\//,
    );
    expect(await refusal(writeConfig('bad-monolith.json', {}, { monolith: { instances: https, tls: { caFile: 'garbage.pem' } } }))).toMatch(
      /monolith\.tls\.caFile: .*garbage\.pem holds no PEM certificate/,
    );
  });
});
