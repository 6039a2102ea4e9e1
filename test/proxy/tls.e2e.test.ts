/**
 * TLS on the data plane (`listen.tls`), on real sockets with certificates made by openssl
 * at test time: HTTPS through the proxy to real upstream processes (which see
 * X-Forwarded-Proto / Forwarded proto=https), WebSocket over wss, certificate rotation on
 * reload, client certificates with `caFile`, bad files refused at load with the key named,
 * and the CLI with --workers 2 in front of an https:// upstream.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startProxy, type RunningProxy } from '../../strangler-proxy/index.js';
import type { ServiceProcess } from '../helpers/processes.js';
import { runScript } from '../helpers/processes.js';
import { refusal, ROOT, startUpstream, tempDir, upstreamCount } from './helpers.js';

const dir = tempDir();
let monolith: ServiceProcess;
let catalog: ServiceProcess;
let proxy: RunningProxy;

/** A self-signed EC certificate for 127.0.0.1/localhost (`name`.crt, `name`.key in `dir`). */
function makeCertificate(name: string, commonName: string): { cert: Buffer; key: Buffer } {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      join(dir, `${name}.key`),
      '-out',
      join(dir, `${name}.crt`),
    ],
    { stdio: 'ignore' },
  );
  return { cert: readFileSync(join(dir, `${name}.crt`)), key: readFileSync(join(dir, `${name}.key`)) };
}

function writeConfig(file: string, tls: Record<string, unknown>): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    JSON.stringify({
      listen: { host: '127.0.0.1', port: 0, tls },
      accessLog: false,
      monolith: { instances: [monolith.baseUrl] },
      services: { catalog: { instances: [catalog.baseUrl] } },
      routes: [{ id: 'catalog', match: { path: '/api/catalog/**' }, service: 'catalog', rewrite: { stripPrefix: '/api/catalog' } }],
    }),
  );
  return path;
}

/** The certificate a fresh TLS connection to the proxy is shown (trusting `ca`). */
function peerCertificate(url: string, ca: Buffer): Promise<PeerCertificate> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ca }, () => {
      resolve(socket.getPeerCertificate());
      socket.end();
    });
    socket.on('error', reject);
  });
}

/** A process (node with tsx) and the first match of `ready` in its output. */
async function spawnUntil(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; found: string; output: () => string }> {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const child = spawn(process.execPath, ['--import', tsx, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} not ready:\n${output}`)), 30_000);
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve({ child, found: match[1], output: () => output });
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited (${String(code)}):\n${output}`)));
  });
}

function stopped(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** An https:// upstream answering JSON with its name and the X-Forwarded-Proto it saw. */
const HTTPS_UPSTREAM = String.raw`
import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';
const server = createServer({ cert: readFileSync(process.env.CERT), key: readFileSync(process.env.KEY) }, (req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ name: 'secure-monolith', proto: req.headers['x-forwarded-proto'] }));
});
server.listen(0, '127.0.0.1', () => console.log('secure upstream on https://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
`;

let server: { cert: Buffer; key: Buffer };
let trusting: Agent;

beforeAll(async () => {
  server = makeCertificate('server', 'strangler-test');
  [monolith, catalog] = await Promise.all([startUpstream('monolith'), startUpstream('catalog')]);
  // Relative paths: taken from the config file's folder, not the working directory.
  proxy = await startProxy({ configPath: writeConfig('tls.json', { certFile: 'server.crt', keyFile: 'server.key' }) });
  trusting = new Agent({ connect: { ca: server.cert } });
});

afterAll(async () => {
  await trusting?.close();
  await proxy?.close();
  await Promise.all([monolith?.stop(), catalog?.stop()]);
});

describe('TLS on the data plane', () => {
  it('serves HTTPS with the configured certificate; upstreams see X-Forwarded-Proto https and Forwarded proto=https', async () => {
    expect(proxy.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    for (const [path, name] of [
      ['/orders/1', 'monolith'],
      ['/api/catalog/items/7', 'catalog'],
    ] as const) {
      // The agent trusts only the test certificate: the proxy must present it, for 127.0.0.1.
      const response = await request(`${proxy.url}${path}`, { dispatcher: trusting });
      expect(response.statusCode).toBe(200);
      const seen = (await response.body.json()) as { name: string; url: string; headers: Record<string, string> };
      expect(seen.name).toBe(name);
      expect(seen.headers['x-forwarded-proto']).toBe('https');
      expect(seen.headers['forwarded']).toMatch(/^for=127\.0\.0\.1;proto=https;host="127\.0\.0\.1:\d+"$/);
    }
    expect((await peerCertificate(proxy.url, server.cert)).subject.CN).toBe('strangler-test');
  });

  it('tunnels a WebSocket over wss to the routed service', async () => {
    const socket = new WebSocket(`${proxy.url.replace('https', 'wss')}/api/catalog/live?room=2`, { ca: server.cert });
    const messages: string[] = [];
    await new Promise<void>((resolve, reject) => {
      socket.on('message', (data: Buffer) => {
        messages.push(data.toString());
        if (messages.length === 1) socket.send('over tls');
        else socket.close();
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    expect(JSON.parse(messages[0] ?? 'null')).toEqual({ name: 'catalog', url: '/live?room=2' });
    expect(messages[1]).toBe('over tls');
  });

  it('takes a rotated certificate on reload, and keeps the old one when the new files are bad', async () => {
    const rotated = makeCertificate('rotated', 'strangler-rotated');
    copyFileSync(join(dir, 'rotated.crt'), join(dir, 'server.crt'));
    copyFileSync(join(dir, 'rotated.key'), join(dir, 'server.key'));
    await proxy.control.reload();
    expect((await peerCertificate(proxy.url, rotated.cert)).subject.CN).toBe('strangler-rotated');
    const rotatedAgent = new Agent({ connect: { ca: rotated.cert } });
    try {
      const response = await request(`${proxy.url}/after-rotation`, { dispatcher: rotatedAgent });
      expect(response.statusCode).toBe(200);
      await response.body.dump();
    } finally {
      await rotatedAgent.close();
    }

    // A key that belongs to another certificate: the reload is refused, naming the key; the rotated certificate stays.
    writeFileSync(join(dir, 'server.key'), server.key);
    await expect(proxy.control.reload()).rejects.toThrow(/listen\.tls\.keyFile: .*server\.key is not the private key of the certificate/);
    expect((await peerCertificate(proxy.url, rotated.cert)).subject.CN).toBe('strangler-rotated');
  });

  it('requires a client certificate signed by caFile when one is set', async () => {
    const client = makeCertificate('client', 'strangler-client');
    const mutual = await startProxy({
      configPath: writeConfig('mtls.json', {
        certFile: 'rotated.crt',
        keyFile: 'rotated.key',
        caFile: 'client.crt',
        minVersion: 'TLSv1.3',
      }),
    });
    const rotatedCa = readFileSync(join(dir, 'rotated.crt'));
    const withCert = new Agent({ connect: { ca: rotatedCa, cert: client.cert, key: client.key } });
    const withoutCert = new Agent({ connect: { ca: rotatedCa } });
    try {
      const response = await request(`${mutual.url}/with-cert`, { dispatcher: withCert });
      expect(response.statusCode).toBe(200);
      expect(((await response.body.json()) as { name: string }).name).toBe('monolith');
      // Without one, the handshake is refused and the request never reaches an upstream.
      const before = await upstreamCount(monolith);
      const refused = await request(`${mutual.url}/without-cert`, { dispatcher: withoutCert }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toMatchObject({ code: 'UND_ERR_SOCKET' });
      expect(await upstreamCount(monolith)).toBe(before);
    } finally {
      await Promise.all([withCert.close(), withoutCert.close()]);
      await mutual.close();
    }
  });

  it('refuses bad certificate settings at load, naming the key', async () => {
    makeCertificate('other', 'other');
    writeFileSync(join(dir, 'garbage.pem'), 'not a certificate\n');
    expect(await refusal(writeConfig('missing.json', { certFile: 'nope.crt', keyFile: 'other.key' }))).toMatch(
      /listen\.tls\.certFile: cannot read .*nope\.crt \(ENOENT/,
    );
    expect(await refusal(writeConfig('mismatch.json', { certFile: 'other.crt', keyFile: 'client.key' }))).toMatch(
      /listen\.tls\.keyFile: .*client\.key is not the private key of the certificate in .*other\.crt/,
    );
    expect(await refusal(writeConfig('not-pem.json', { certFile: 'garbage.pem', keyFile: 'other.crt', caFile: 'garbage.pem' }))).toMatch(
      /listen\.tls\.certFile: .*garbage\.pem is not a PEM certificate[\s\S]*listen\.tls\.keyFile: .*other\.crt is not an unencrypted PEM private key[\s\S]*listen\.tls\.caFile: .*garbage\.pem holds no PEM certificate/,
    );
    expect(await refusal(writeConfig('version.json', { certFile: 'other.crt', keyFile: 'other.key', minVersion: 'TLSv1.1' }))).toMatch(
      /listen\.tls\.minVersion: expected one of "TLSv1\.2", "TLSv1\.3"/,
    );

    // The CLI refuses to start (exit 2, the config error code) and says which key is wrong.
    await expect(runScript({ cwd: ROOT, entry: 'cli/main.ts', args: ['proxy', '--config', join(dir, 'mismatch.json')] })).rejects.toThrow(
      /exited with 2[\s\S]*listen\.tls\.keyFile: .*is not the private key of the certificate/,
    );
  });

  it('runs from the CLI with --workers 2 on https, in front of an https:// upstream trusted through NODE_EXTRA_CA_CERTS', async () => {
    makeCertificate('upstream', 'strangler-upstream');
    const edge = makeCertificate('edge', 'strangler-edge');
    const upstream = await spawnUntil(
      ['--input-type=module', '-e', HTTPS_UPSTREAM],
      { CERT: join(dir, 'upstream.crt'), KEY: join(dir, 'upstream.key') },
      /secure upstream on (https:\/\/\S+)/,
    );
    const config = join(dir, 'cluster.yaml');
    writeFileSync(
      config,
      [
        'listen: { host: 127.0.0.1, port: 0, tls: { certFile: edge.crt, keyFile: edge.key } }',
        `monolith: { instances: ["${upstream.found}"] }`,
        'accessLog: false',
        '',
      ].join('\n'),
    );
    const cli = await spawnUntil(
      ['cli/main.ts', 'proxy', '--config', config, '--workers', '2'],
      // The upstream's certificate is not from a public CA: Node (and undici's pools) trust it through this.
      { NODE_EXTRA_CA_CERTS: join(dir, 'upstream.crt') },
      /2 workers listening on (https:\/\/\S+)/,
    );
    const agent = new Agent({ connect: { ca: edge.cert } });
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const response = await request(`${cli.found}/account`, { dispatcher: agent, headers: { connection: 'close' } });
          return { status: response.statusCode, body: (await response.body.json()) as unknown };
        }),
      );
      expect(answers).toEqual(Array.from({ length: 20 }, () => ({ status: 200, body: { name: 'secure-monolith', proto: 'https' } })));
    } finally {
      await agent.close();
      expect(await stopped(cli.child)).toBe(0);
      await stopped(upstream.child);
    }
  });
});
