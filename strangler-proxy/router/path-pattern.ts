/**
 * Path patterns, matched per segment so `/api` never matches `/apiary`:
 * literal segments, `:name` (one segment, captured), `*` (one segment) and a trailing `/**`
 * (zero or more segments). Patterns compile once; matching walks the request's segments
 * without building strings.
 */
export type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'any' };

export interface PathPattern {
  readonly source: string;
  readonly segments: readonly Segment[];
  /** Ends in `/**`: any number of further segments (including none). */
  readonly rest: boolean;
}

export function compilePathPattern(source: string): PathPattern {
  const parts = splitPath(source);
  const rest = parts[parts.length - 1] === '**';
  if (rest) parts.pop();
  const segments = parts.map((part): Segment => {
    if (part === '*') return { kind: 'any' };
    if (part.startsWith(':') && part.length > 1) return { kind: 'param', name: part.slice(1) };
    return { kind: 'literal', value: part };
  });
  return { source, segments, rest };
}

/**
 * The segments of a path: `/a/b/` → ['a', 'b']. Empty segments in the middle are kept
 * (`/a//b` → ['a', '', 'b']) so they never silently match a pattern.
 */
export function splitPath(path: string): string[] {
  if (path === '' || path === '/') return [];
  const body = path.endsWith('/') ? path.slice(1, -1) : path.slice(1);
  return body.split('/');
}

/** Does the pattern match these segments? Params are written into `params` when given. */
export function matchSegments(pattern: PathPattern, segments: readonly string[], params?: Record<string, string>): boolean {
  const expected = pattern.segments;
  if (pattern.rest ? segments.length < expected.length : segments.length !== expected.length) return false;
  for (let index = 0; index < expected.length; index++) {
    const want = expected[index];
    const got = segments[index];
    if (want === undefined || got === undefined) return false;
    if (want.kind === 'literal') {
      if (want.value !== got) return false;
    } else {
      if (got === '') return false;
      if (want.kind === 'param' && params) params[want.name] = got;
    }
  }
  return true;
}

/** True when the path is `prefix` or continues it at a segment boundary. */
export function hasPathPrefix(path: string, prefix: string): boolean {
  return path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === 47); /* / */
}

/**
 * True when a path holds `.` or `..` segments, plain or percent-encoded (RFC 3986 §5.2.4
 * removes them; upstreams that do so could be reached at paths the route table never saw).
 */
export function hasDotSegment(path: string): boolean {
  // Most paths have neither a dot nor a percent sign: answer those without splitting.
  if (path.indexOf('.') === -1 && path.indexOf('%') === -1) return false;
  for (const segment of path.split('/')) {
    if (segment === '.' || segment === '..') return true;
    if (segment.length <= 6 && segment.includes('%')) {
      const lower = segment.toLowerCase();
      if (lower === '%2e' || lower === '%2e%2e' || lower === '.%2e' || lower === '%2e.') return true;
    }
  }
  return false;
}
