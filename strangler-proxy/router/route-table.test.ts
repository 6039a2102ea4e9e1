import { describe, expect, it } from 'vitest';
import { validate } from '../../common/config/schema.js';
import { routesSchema } from '../config/schema.js';
import { readCookie } from './cookies.js';
import { compileRoutes, decide, type RequestFacts } from './route-table.js';

const table = (routes: unknown[]) => compileRoutes(validate(routesSchema, routes, 'routes'));
const facts = (path: string, extra: Partial<RequestFacts> = {}): RequestFacts => ({
  method: 'GET',
  path,
  headers: {},
  clientAddress: '10.0.0.1',
  ...extra,
});

describe('route table', () => {
  const routes = table([
    { id: 'beta', match: { path: '/api/catalog/**', headers: { 'X-Beta': '1' } }, service: 'catalog' },
    { id: 'cookie', match: { path: '/api/catalog/**', cookies: { canary: '*' } }, service: 'catalog' },
    { id: 'writes', match: { path: '/api/catalog/products/:id', methods: ['PUT', 'DELETE'] }, service: 'catalog' },
    { id: 'reads', match: { path: '/api/catalog/**', methods: ['GET'] }, service: 'catalog' },
  ]);

  it('takes the first route that matches path, method, headers and cookies', () => {
    expect(routes.match(facts('/api/catalog/products', { headers: { 'x-beta': '1' } }))?.id).toBe('beta');
    expect(routes.match(facts('/api/catalog/products', { headers: { 'x-beta': '2' } }))?.id).toBe('reads');
    expect(routes.match(facts('/api/catalog/x', { headers: { cookie: 'a=1; canary=yes' } }))?.id).toBe('cookie');
    expect(routes.match(facts('/api/catalog/products/4', { method: 'PUT' }))?.id).toBe('writes');
    expect(routes.match(facts('/api/catalog/products/4', { method: 'POST' }))).toBeUndefined();
    expect(routes.match(facts('/api/catalog/products/4', { method: 'HEAD' }))?.id).toBe('reads');
    expect(routes.match(facts('/api/catalogue'))).toBeUndefined();
    expect(routes.match(facts('/'))).toBeUndefined();
  });

  it('diverts by weight: 0 and disabled never, 100 always, in between by share', () => {
    const [none, all, off, half] = table([
      { id: 'none', match: { path: '/**' }, service: 's', weight: 0 },
      { id: 'all', match: { path: '/**' }, service: 's', weight: 100 },
      { id: 'off', match: { path: '/**' }, service: 's', enabled: false },
      { id: 'half', match: { path: '/**' }, service: 's', weight: 30 },
    ]).routes;
    if (!none || !all || !off || !half) throw new Error('routes missing');
    expect(decide(none, facts('/'))).toBe(false);
    expect(decide(all, facts('/'))).toBe(true);
    expect(decide(off, facts('/'))).toBe(false);
    let seed = 0;
    const random = (): number => (seed = (seed * 16807 + 1) % 2147483647) / 2147483647;
    let diverted = 0;
    for (let i = 0; i < 10_000; i++) if (decide(half, facts('/'), random)) diverted++;
    expect(diverted / 10_000).toBeGreaterThan(0.28);
    expect(diverted / 10_000).toBeLessThan(0.32);
  });

  it('keeps a user on one side with a sticky cookie, header or client address', () => {
    const [byCookie, byHeader, byClient] = table([
      { id: 'c', match: { path: '/**' }, service: 's', weight: 50, sticky: { by: 'cookie', name: 'uid' } },
      { id: 'h', match: { path: '/**' }, service: 's', weight: 50, sticky: { by: 'header', name: 'X-User' } },
      { id: 'a', match: { path: '/**' }, service: 's', weight: 50, sticky: { by: 'client' } },
    ]).routes;
    if (!byCookie || !byHeader || !byClient) throw new Error('routes missing');
    let diverted = 0;
    for (let user = 0; user < 2000; user++) {
      const cookie = facts('/', { headers: { cookie: `uid=user-${user}` } });
      const first = decide(byCookie, cookie);
      for (let again = 0; again < 5; again++) expect(decide(byCookie, cookie)).toBe(first);
      const header = facts('/', { headers: { 'x-user': `user-${user}` } });
      expect(decide(byHeader, header)).toBe(decide(byHeader, header));
      const client = facts('/', { clientAddress: `10.0.${user >> 8}.${user & 255}` });
      expect(decide(byClient, client)).toBe(decide(byClient, client));
      if (first) diverted++;
    }
    expect(diverted).toBeGreaterThan(850);
    expect(diverted).toBeLessThan(1150);
  });

  it('rewrites: strips a prefix by segment and adds one, keeping the query', () => {
    const [route] = table([
      { id: 'r', match: { path: '/api/**' }, service: 's', rewrite: { stripPrefix: '/api', addPrefix: '/v2' } },
    ]).routes;
    expect(route?.rewrite('/api/products?q=1')).toBe('/v2/products?q=1');
    expect(route?.rewrite('/api')).toBe('/v2/');
    expect(route?.rewrite('/api?x=1')).toBe('/v2/?x=1');
    expect(route?.rewrite('/apiary')).toBe('/v2/apiary');
  });

  it('keeps counters of a route id across recompiles', () => {
    const counters = new Map();
    const first = compileRoutes(validate(routesSchema, [{ id: 'r', match: { path: '/' }, service: 's' }]), counters);
    const firstRoute = first.routes[0];
    if (firstRoute) firstRoute.counters.matched = 5;
    const second = compileRoutes(validate(routesSchema, [{ id: 'r', match: { path: '/x' }, service: 's' }]), counters);
    expect(second.routes[0]?.counters.matched).toBe(5);
  });
});

describe('readCookie', () => {
  it.each([
    ['a=1; b=2', 'b', '2'],
    ['a=1;b=2', 'b', '2'],
    ['ab=1; b="quoted"', 'b', 'quoted'],
    ['ab=1', 'b', undefined],
    ['', 'b', undefined],
  ])('%s → %s=%s', (header, name, value) => {
    expect(readCookie(header, name)).toBe(value);
  });
});
