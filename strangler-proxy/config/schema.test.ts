import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeSchema } from '../../common/config/schema.js';
import { isStranglerError } from '../../common/errors.js';
import { loadProxyConfig, parseProxyConfig, withRoute, withRoutes } from './load.js';
import { proxyConfigSchema } from './schema.js';

const minimal = { monolith: { instances: ['http://127.0.0.1:3000'] } };

function problems(value: unknown): string {
  try {
    parseProxyConfig(value, 'strangler.yaml');
  } catch (error) {
    if (isStranglerError(error, 'CONFIG_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected the config to be refused');
}

describe('proxy config', () => {
  it('fills the defaults and freezes the result', () => {
    const config = parseProxyConfig(minimal);
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 8080, server: 'builtin' });
    expect(config.routes).toEqual([]);
    expect(config.monolith.balancer).toBe('round-robin');
    expect(config.monolith.breaker.failureThreshold).toBe(5);
    expect(config.timeouts.clientHeaders).toBe(10_000);
    expect(config.maxHeaderSize).toBe(16_384);
    expect(Object.isFrozen(config.monolith.instances)).toBe(true);
  });

  it('names the bad key', () => {
    expect(problems({})).toMatch(/monolith: is required/);
    expect(problems({ monolith: { instances: ['ftp://x'] } })).toMatch(/monolith\.instances\[0\]: "ftp:\/\/x" is not an http\(s\) origin/);
    expect(problems({ ...minimal, listen: { port: 70000 } })).toMatch(/listen\.port: must be <= 65535/);
    expect(problems({ ...minimal, listen: { server: 'nginx' } })).toMatch(/listen\.server: expected one of "builtin", "node"/);
    expect(parseProxyConfig({ ...minimal, listen: { server: 'node' } }).listen.server).toBe('node');
    expect(problems({ ...minimal, services: { s: { instances: ['http://a:1'], balancer: 'random' } } })).toMatch(
      /services\.s\.balancer: expected one of "round-robin"/,
    );
    expect(problems({ ...minimal, routes: [{ id: 'r', match: { path: 'api' }, service: 's' }] })).toMatch(/routes\[0\]\.match\.path/);
    expect(problems({ ...minimal, routes: [{ id: 'r', match: { path: '/a' }, service: 's', wieght: 5 }] })).toMatch(
      /routes\[0\]\.wieght: unknown key; did you mean "weight"\?/,
    );
    expect(problems({ ...minimal, routes: [{ id: 'r', match: { path: '/a' }, service: 'nope' }] })).toMatch(
      /routes\[0\]\.service: unknown service "nope"/,
    );
    expect(
      problems({
        ...minimal,
        routes: [{ id: 'r', match: { path: '/a/**/b' }, service: 's' }],
        services: { s: { instances: ['http://a:1'] } },
      }),
    ).toMatch(/routes\[0\]\.match\.path: `\*\*` is only allowed as the last segment/);
    expect(
      problems({
        ...minimal,
        services: { s: { instances: ['http://a:1'] } },
        routes: [{ id: 'r', match: { path: '/a' }, service: 's', sticky: { by: 'cookie' } }],
      }),
    ).toMatch(/routes\[0\]\.sticky\.name: is required when sticky\.by is "cookie"/);
    expect(
      problems({
        ...minimal,
        services: { s: { instances: ['http://a:1'] } },
        routes: [
          { id: 'r', match: { path: '/a' }, service: 's' },
          { id: 'r', match: { path: '/b' }, service: 's' },
        ],
      }),
    ).toMatch(/routes\[1\]\.id: duplicate route id "r"/);
    expect(problems({ ...minimal, timeouts: { clientHeaders: '2m', clientRequest: '1m' } })).toMatch(
      /timeouts\.clientHeaders: must not be longer than timeouts\.clientRequest/,
    );
    expect(problems({ ...minimal, services: { monolith: { instances: ['http://a:1'] } } })).toMatch(
      /services\.monolith: the name "monolith" is reserved/,
    );
  });

  it('checks upstream tls settings that need no file: https instances, a whole client certificate, the name, the version', () => {
    const secure = (tls: unknown, instances = ['https://a:1']): unknown => ({ ...minimal, services: { s: { instances, tls } } });
    expect(problems(secure({ caFile: 'ca.crt' }, ['http://a:1', 'http://b:2']))).toMatch(
      /services\.s\.tls: applies to https:\/\/ instances only, and every instance here is http:\/\/; make the instances https:\/\/ or remove tls/,
    );
    expect(problems({ monolith: { instances: ['http://a:1'], tls: {} } })).toMatch(/monolith\.tls: applies to https:\/\/ instances only/);
    expect(problems(secure({ keyFile: 'client.key' }))).toMatch(/services\.s\.tls\.certFile: is required with keyFile/);
    expect(problems(secure({ certFile: 'client.crt' }))).toMatch(/services\.s\.tls\.keyFile: is required with certFile/);
    expect(problems(secure({ serverName: 'bad name' }))).toMatch(/services\.s\.tls\.serverName: .*is not a host name/);
    expect(problems(secure({ minVersion: 'TLSv1.1' }))).toMatch(/services\.s\.tls\.minVersion: expected one of "TLSv1\.2", "TLSv1\.3"/);
    expect(problems(secure({ rejectUnauthorised: false }))).toMatch(
      /services\.s\.tls\.rejectUnauthorised: unknown key; did you mean "rejectUnauthorized"\?/,
    );
    // Nothing to read: accepted, with the defaults (certificates checked, TLS 1.2 or later).
    const config = parseProxyConfig(secure({ serverName: 'catalog.internal' }));
    expect(config.services.s?.tls).toEqual({ serverName: 'catalog.internal', rejectUnauthorized: true, minVersion: 'TLSv1.2' });
  });

  it('replaces routes and single route settings, validating against the services', () => {
    const config = parseProxyConfig({
      ...minimal,
      services: { s: { instances: ['http://a:1'] } },
      routes: [{ id: 'r', match: { path: '/a' }, service: 's' }],
    });
    expect(withRoute(config, 'r', { weight: 30 }).routes[0]?.weight).toBe(30);
    expect(() => withRoute(config, 'r', { weight: 300 })).toThrow(/weight: must be <= 100/);
    expect(() => withRoute(config, 'x', { enabled: false })).toThrow(expect.objectContaining({ code: 'PROXY_UNKNOWN_ROUTE' }));
    expect(() => withRoutes(config, [{ id: 'q', match: { path: '/q' }, service: 'zzz' }])).toThrow(
      /routes\[0\]\.service: unknown service "zzz"/,
    );
    expect(withRoutes(config, [{ id: 'q', match: { path: '/q' }, service: 's' }]).routes.map((route) => route.id)).toEqual(['q']);
  });

  it('loads the documented example', async () => {
    const config = await loadProxyConfig(join(import.meta.dirname, '..', 'example.yaml'));
    expect(config.routes.map((route) => route.id)).toEqual(['catalog-read', 'catalog-beta-testers']);
    expect(config.services.catalog?.healthCheck?.interval).toBe(2000);
    expect(config.admin?.listen.host).toBe('127.0.0.1');
  });

  it('documents every key', () => {
    const rows = describeSchema(proxyConfigSchema);
    expect(rows.map((row) => row.path)).toEqual(
      expect.arrayContaining(['listen.port', 'monolith.instances', 'routes', 'timeouts.shutdownGrace', 'retryBudget.ratio']),
    );
  });
});
