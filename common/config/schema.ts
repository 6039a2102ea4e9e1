/**
 * A small schema language for the tools' config files: one definition gives the type, the
 * defaults, validation whose messages point at the bad key (`routes[2].target`), and the
 * text for the docs. Validate once at start-up; the result is deeply frozen.
 */
import { StranglerError } from '../errors.js';
import { closestName } from '../suggest.js';

export interface Issue {
  path: string;
  message: string;
}

export interface Schema<T> {
  readonly kind: string;
  readonly description: string;
  /** Present when a missing value takes a default. */
  readonly defaultValue?: T;
  readonly optional: boolean;
  check(value: unknown, path: string, issues: Issue[]): T | undefined;
}

type Infer<S> = S extends Schema<infer T> ? T : never;
type Shape = Record<string, Schema<unknown>>;
type ObjectOf<S extends Shape> = { [K in keyof S]: Infer<S[K]> };

interface Common<T> {
  description?: string;
  default?: T;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function make<T>(kind: string, common: Common<T>, check: Schema<T>['check']): Schema<T> {
  return {
    kind,
    description: common.description ?? '',
    ...(common.default === undefined ? {} : { defaultValue: common.default }),
    optional: false,
    check,
  };
}

export function string(options: Common<string> & { pattern?: RegExp; patternHint?: string; minLength?: number } = {}): Schema<string> {
  return make('string', options, (value, path, issues) => {
    if (typeof value !== 'string') {
      issues.push({ path, message: `expected a string, got ${describeValue(value)}` });
      return undefined;
    }
    if (options.minLength !== undefined && value.length < options.minLength) {
      issues.push({ path, message: options.minLength === 1 ? 'must not be empty' : `must be at least ${options.minLength} characters` });
    }
    if (options.pattern && !options.pattern.test(value)) {
      issues.push({ path, message: `${JSON.stringify(value)} is not ${options.patternHint ?? `matching ${String(options.pattern)}`}` });
    }
    return value;
  });
}

export function number(options: Common<number> & { min?: number; max?: number; integer?: boolean } = {}): Schema<number> {
  return make(options.integer ? 'integer' : 'number', options, (value, path, issues) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      issues.push({ path, message: `expected a number, got ${describeValue(value)}` });
      return undefined;
    }
    if (options.integer && !Number.isInteger(value)) issues.push({ path, message: `expected a whole number, got ${value}` });
    if (options.min !== undefined && value < options.min) issues.push({ path, message: `must be >= ${options.min}, got ${value}` });
    if (options.max !== undefined && value > options.max) issues.push({ path, message: `must be <= ${options.max}, got ${value}` });
    return value;
  });
}

export function boolean(options: Common<boolean> = {}): Schema<boolean> {
  return make('boolean', options, (value, path, issues) => {
    if (typeof value !== 'boolean') {
      issues.push({ path, message: `expected true or false, got ${describeValue(value)}` });
      return undefined;
    }
    return value;
  });
}

export function oneOf<const V extends string>(values: readonly V[], options: Common<V> = {}): Schema<V> {
  return make(`one of ${values.join(' | ')}`, options, (value, path, issues) => {
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      issues.push({ path, message: `expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(value)}` });
      return undefined;
    }
    return value as V;
  });
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration in milliseconds: a number (ms) or a string like `250ms`, `5s`, `2m`. */
export function duration(options: Common<number> & { min?: number; max?: number } = {}): Schema<number> {
  return make('duration', options, (value, path, issues) => {
    let ms: number | undefined;
    if (typeof value === 'number' && Number.isFinite(value)) ms = value;
    else if (typeof value === 'string') {
      const match = DURATION.exec(value.trim());
      if (match?.[1]) ms = Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] ?? 1);
    }
    if (ms === undefined) {
      issues.push({ path, message: `expected a duration such as 500ms, 5s or 2m, got ${describeValue(value)}` });
      return undefined;
    }
    if (options.min !== undefined && ms < options.min) issues.push({ path, message: `must be at least ${options.min} ms` });
    if (options.max !== undefined && ms > options.max) issues.push({ path, message: `must be at most ${options.max} ms` });
    return ms;
  });
}

export function array<T>(item: Schema<T>, options: Common<T[]> & { minItems?: number } = {}): Schema<T[]> {
  return make(`list of ${item.kind}`, options, (value, path, issues) => {
    if (!Array.isArray(value)) {
      issues.push({ path, message: `expected a list, got ${describeValue(value)}` });
      return undefined;
    }
    if (options.minItems !== undefined && value.length < options.minItems) {
      issues.push({ path, message: `needs at least ${options.minItems} item(s)` });
    }
    return value.map((element, index) => item.check(element, `${path}[${index}]`, issues) as T);
  });
}

export function record<T>(item: Schema<T>, options: Common<Record<string, T>> = {}): Schema<Record<string, T>> {
  return make(`map of ${item.kind}`, options, (value, path, issues) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.push({ path, message: `expected an object, got ${describeValue(value)}` });
      return undefined;
    }
    const out: Record<string, T> = {};
    for (const [key, element] of Object.entries(value)) out[key] = item.check(element, join(path, key), issues) as T;
    return out;
  });
}

function join(path: string, key: string): string {
  const safe = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return path === '' ? safe : /^[A-Za-z_$]/.test(safe) ? `${path}.${safe}` : `${path}[${safe}]`;
}

export function object<S extends Shape>(shape: S, options: Common<ObjectOf<S>> = {}): Schema<ObjectOf<S>> & { readonly shape: S } {
  const schema = make<ObjectOf<S>>('object', options, (value, path, issues) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.push({ path: path || '(top level)', message: `expected an object, got ${describeValue(value)}` });
      return undefined;
    }
    const input = value as Record<string, unknown>;
    const known = Object.keys(shape);
    for (const key of Object.keys(input)) {
      if (known.includes(key)) continue;
      const best = closestName(key, known);
      const hint = best ? `; did you mean "${best}"?` : `; known keys: ${known.join(', ')}`;
      issues.push({ path: join(path, key), message: `unknown key${hint}` });
    }
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(shape)) {
      const raw = input[key];
      if (raw === undefined) {
        if (field.defaultValue !== undefined) out[key] = structuredClone(field.defaultValue);
        else if (!field.optional)
          issues.push({
            path: join(path, key),
            message: `is required (${field.kind}${field.description ? ': ' + field.description : ''})`,
          });
        continue;
      }
      const checked = field.check(raw, join(path, key), issues);
      if (checked !== undefined) out[key] = checked;
    }
    return out as ObjectOf<S>;
  });
  return { ...schema, shape };
}

/** A field that may be absent (no default). Its type includes `undefined`. */
export function optional<T>(schema: Schema<T>): Schema<T | undefined> {
  return { ...schema, optional: true };
}

/** A custom check on top of a schema, e.g. cross-field rules. Return messages for problems. */
export function refine<T>(schema: Schema<T>, rule: (value: T, path: string) => Issue[]): Schema<T> {
  return {
    ...schema,
    check(value, path, issues) {
      const before = issues.length;
      const checked = schema.check(value, path, issues);
      if (checked !== undefined && issues.length === before) issues.push(...rule(checked, path));
      return checked;
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/**
 * Validates `value` against `schema`; throws one CONFIG_INVALID error listing every problem
 * with the key it concerns, or returns the frozen, defaulted config.
 */
export function validate<T>(schema: Schema<T>, value: unknown, source = 'config'): Readonly<T> {
  const issues: Issue[] = [];
  const result = schema.check(value, '', issues);
  if (issues.length > 0 || result === undefined) {
    const lines = issues.map((issue) => `  - ${issue.path || '(top level)'}: ${issue.message}`);
    throw new StranglerError('CONFIG_INVALID', `${source} is not valid:\n${lines.join('\n')}\nFix the keys above and start again.`, {
      details: { issues },
    });
  }
  return deepFreeze(result);
}

export interface FieldDoc {
  path: string;
  kind: string;
  required: boolean;
  default?: unknown;
  description: string;
}

/** Flattens an object schema into rows for generated docs and `--help`. */
export function describeSchema(schema: Schema<unknown> & { shape?: Shape }, path = ''): FieldDoc[] {
  const rows: FieldDoc[] = [];
  for (const [key, field] of Object.entries(schema.shape ?? {})) {
    const fieldPath = join(path, key);
    rows.push({
      path: fieldPath,
      kind: field.kind,
      required: !field.optional && field.defaultValue === undefined,
      ...(field.defaultValue === undefined ? {} : { default: field.defaultValue }),
      description: field.description,
    });
    rows.push(...describeSchema(field as Schema<unknown> & { shape?: Shape }, fieldPath));
  }
  return rows;
}
