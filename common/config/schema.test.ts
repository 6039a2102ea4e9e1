import { describe, expect, it } from 'vitest';
import { isStranglerError } from '../errors.js';
import { array, boolean, describeSchema, duration, number, object, oneOf, optional, record, refine, string, validate } from './schema.js';

const routeSchema = object({
  path: string({ description: 'path pattern', pattern: /^\//, patternHint: 'a path starting with /' }),
  target: string({ description: 'service name', minLength: 1 }),
  weight: number({ min: 0, max: 100, default: 0, description: 'percent diverted' }),
  enabled: boolean({ default: false }),
  timeout: duration({ default: 5000 }),
  balancer: oneOf(['round-robin', 'least-conn'] as const, { default: 'round-robin' }),
  headers: optional(record(string())),
});
const configSchema = object({ routes: array(routeSchema, { minItems: 1 }) });

function issuesOf(value: unknown): Array<{ path: string; message: string }> {
  try {
    validate(configSchema, value, 'strangler.yaml');
  } catch (error) {
    if (isStranglerError(error, 'CONFIG_INVALID')) return error.details.issues as Array<{ path: string; message: string }>;
    throw error;
  }
  return [];
}

describe('config schema', () => {
  it('fills defaults, converts durations and freezes the result', () => {
    const config = validate(configSchema, { routes: [{ path: '/api', target: 'catalog', timeout: '2s' }] });
    expect(config.routes[0]).toEqual({
      path: '/api',
      target: 'catalog',
      weight: 0,
      enabled: false,
      timeout: 2000,
      balancer: 'round-robin',
    });
    expect(Object.isFrozen(config.routes[0])).toBe(true);
    expect(() => {
      (config.routes as unknown[]).push({});
    }).toThrow();
  });

  it('names every bad key with its full path', () => {
    const issues = issuesOf({
      routes: [
        { path: '/ok', target: 'a' },
        { path: 'nope', target: '', weight: 150, timout: '1s', balancer: 'random' },
      ],
    });
    expect(issues).toEqual([
      { path: 'routes[1].timout', message: 'unknown key; did you mean "timeout"?' },
      { path: 'routes[1].path', message: '"nope" is not a path starting with /' },
      { path: 'routes[1].target', message: 'must not be empty' },
      { path: 'routes[1].weight', message: 'must be <= 100, got 150' },
      { path: 'routes[1].balancer', message: 'expected one of "round-robin", "least-conn", got string "random"' },
    ]);
  });

  it('reports missing required keys and wrong types', () => {
    expect(issuesOf({ routes: [{ target: 3 }] })).toEqual([
      { path: 'routes[0].path', message: 'is required (string: path pattern)' },
      { path: 'routes[0].target', message: 'expected a string, got number 3' },
    ]);
    expect(issuesOf({ routes: [] })).toEqual([{ path: 'routes', message: 'needs at least 1 item(s)' }]);
    expect(issuesOf('text')).toEqual([{ path: '(top level)', message: 'expected an object, got string "text"' }]);
  });

  it('puts the issues in the error message so a person can fix them', () => {
    expect(() => validate(configSchema, { routes: [{ path: '/x', target: 'a', weight: -1 }] }, 'proxy.yaml')).toThrow(
      /proxy\.yaml is not valid:\n {2}- routes\[0\]\.weight: must be >= 0, got -1\nFix the keys above/,
    );
  });

  it('runs refinements only on values that passed their own checks', () => {
    const range = refine(object({ min: number(), max: number() }), (value, path) =>
      value.min > value.max ? [{ path: `${path}.min`, message: 'must not exceed max' }] : [],
    );
    expect(() => validate(range, { min: 5, max: 1 })).toThrow(/min: must not exceed max/);
    expect(validate(range, { min: 1, max: 5 })).toEqual({ min: 1, max: 5 });
  });

  it('quotes keys that are not identifiers and accepts durations in every unit', () => {
    const schema = object({ headers: record(duration()) });
    expect(validate(schema, { headers: { 'x-a': '1m', b: '250ms', c: 10 } }).headers).toEqual({ 'x-a': 60_000, b: 250, c: 10 });
    expect(() => validate(schema, { headers: { 'a b': 'soon' } })).toThrow(/headers\["a b"\]: expected a duration/);
  });

  it('describes itself for the docs', () => {
    const rows = describeSchema(routeSchema);
    expect(rows.find((row) => row.path === 'weight')).toEqual({
      path: 'weight',
      kind: 'number',
      required: false,
      default: 0,
      description: 'percent diverted',
    });
    expect(rows.find((row) => row.path === 'path')?.required).toBe(true);
  });
});
