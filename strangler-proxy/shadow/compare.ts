/**
 * Pure comparison of the primary's and the shadow's answers: status, the listed headers,
 * and the body (byte for byte, or as JSON compared structurally — key order ignored,
 * selected paths skipped). Produces the reasons and a few short diff lines.
 */
import type { ShadowMismatchReason } from '../control.js';
import { formatLocation, pathMatches, type JsonPath, type Location } from './json-path.js';
import { isSecretHeader } from './redact.js';

export type BodyMode = 'exact' | 'json' | 'none';

export interface CompareSettings {
  status: boolean;
  /** Lower-case header names to compare. */
  headers: readonly string[];
  body: BodyMode;
  ignore: readonly JsonPath[];
}

export type HeaderValue = string | string[] | undefined;

export interface CapturedResponse {
  status: number;
  headers: Readonly<Record<string, HeaderValue>>;
  /** The whole body, or undefined when it passed `maxBodyBytes` (then it is not compared). */
  body: Buffer | undefined;
}

export interface Comparison {
  reasons: ShadowMismatchReason[];
  diff: string[];
  /** Status and headers matched but a body was too large to compare. */
  tooLarge: boolean;
}

/** Diff lines kept per comparison. */
export const MAX_DIFF_LINES = 5;
const MAX_VALUE_CHARS = 60;

function short(text: string): string {
  return text.length <= MAX_VALUE_CHARS ? text : `${text.slice(0, MAX_VALUE_CHARS - 1)}…`;
}

function showValue(value: unknown): string {
  if (value === undefined) return '(absent)';
  return short(JSON.stringify(value));
}

function headerText(value: HeaderValue): string | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.join(', ') : value).trim();
}

export function compareHeaders(
  names: readonly string[],
  primary: CapturedResponse['headers'],
  shadow: CapturedResponse['headers'],
): string[] {
  const diff: string[] = [];
  for (const name of names) {
    const a = headerText(primary[name]);
    const b = headerText(shadow[name]);
    if (a === b) continue;
    if (isSecretHeader(name)) diff.push(`header ${name}: values differ (redacted)`);
    else
      diff.push(
        `header ${name}: primary ${a === undefined ? '(absent)' : JSON.stringify(short(a))}, shadow ${b === undefined ? '(absent)' : JSON.stringify(short(b))}`,
      );
  }
  return diff;
}

/** Byte comparison: where the bodies first differ, with a little context. */
export function compareExact(primary: Buffer, shadow: Buffer): string[] {
  if (primary.equals(shadow)) return [];
  const length = Math.min(primary.length, shadow.length);
  let at = 0;
  while (at < length && primary[at] === shadow[at]) at++;
  const from = Math.max(0, at - 10);
  const snippet = (body: Buffer): string => JSON.stringify(short(body.subarray(from, at + 30).toString('utf8')));
  return [
    `body differs at byte ${at} (lengths ${primary.length} and ${shadow.length}): primary ${snippet(primary)}, shadow ${snippet(shadow)}`,
  ];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function parseJson(body: Buffer): { ok: true; value: Json } | { ok: false } {
  try {
    const parsed: Json = JSON.parse(body.toString('utf8')) as Json;
    return { ok: true, value: parsed };
  } catch {
    return { ok: false };
  }
}

interface Walk {
  ignore: readonly JsonPath[];
  found: string[];
  total: number;
}

function note(walk: Walk, line: string): void {
  walk.total++;
  if (walk.found.length < MAX_DIFF_LINES) walk.found.push(line);
}

function ignored(walk: Walk, location: Location): boolean {
  for (const path of walk.ignore) if (pathMatches(path, location)) return true;
  return false;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walkJson(walk: Walk, a: Json | undefined, b: Json | undefined, location: Location): void {
  if (location.length > 0 && ignored(walk, location)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    const length = Math.max(a.length, b.length);
    for (let index = 0; index < length; index++) walkJson(walk, a[index], b[index], [...location, index]);
    return;
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of [...keys].sort()) {
      const inA = Object.hasOwn(a, key);
      const inB = Object.hasOwn(b, key);
      if (inA && inB) walkJson(walk, a[key], b[key], [...location, key]);
      else if (!ignored(walk, [...location, key])) {
        note(
          walk,
          `${formatLocation([...location, key])}: ${inA ? 'only in primary' : 'only in shadow'} (${showValue(inA ? a[key] : b[key])})`,
        );
      }
    }
    return;
  }
  if (a === b) return;
  note(walk, `${formatLocation(location)}: primary ${showValue(a)}, shadow ${showValue(b)}`);
}

/**
 * Structural JSON comparison; `ignore` paths are skipped. Bodies that are not both JSON are
 * compared byte for byte.
 */
export function compareJson(primary: Buffer, shadow: Buffer, ignore: readonly JsonPath[]): string[] {
  if (primary.length === 0 && shadow.length === 0) return [];
  const a = parseJson(primary);
  const b = parseJson(shadow);
  if (!a.ok || !b.ok) {
    const exact = compareExact(primary, shadow);
    if (exact.length === 0) return [];
    const which = !a.ok && !b.ok ? 'neither body is' : !a.ok ? 'the primary body is not' : 'the shadow body is not';
    return [`body: ${which} JSON`, ...exact];
  }
  const walk: Walk = { ignore, found: [], total: 0 };
  walkJson(walk, a.value, b.value, []);
  if (walk.total > walk.found.length) walk.found.push(`… and ${walk.total - walk.found.length} more differences`);
  return walk.found;
}

export function compareResponses(settings: CompareSettings, primary: CapturedResponse, shadow: CapturedResponse): Comparison {
  const reasons: ShadowMismatchReason[] = [];
  const diff: string[] = [];
  if (settings.status && primary.status !== shadow.status) {
    reasons.push('status');
    diff.push(`status: primary ${primary.status}, shadow ${shadow.status}`);
  }
  const headerDiff = compareHeaders(settings.headers, primary.headers, shadow.headers);
  if (headerDiff.length > 0) {
    reasons.push('headers');
    diff.push(...headerDiff);
  }
  let tooLarge = false;
  if (settings.body !== 'none') {
    if (primary.body === undefined || shadow.body === undefined) tooLarge = true;
    else {
      const bodyDiff =
        settings.body === 'json' ? compareJson(primary.body, shadow.body, settings.ignore) : compareExact(primary.body, shadow.body);
      if (bodyDiff.length > 0) {
        reasons.push('body');
        diff.push(...bodyDiff);
      }
    }
  }
  return { reasons, diff: diff.slice(0, MAX_DIFF_LINES + 1), tooLarge: tooLarge && reasons.length === 0 };
}
