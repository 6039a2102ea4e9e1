/** Joining and normalising route paths: `//` collapsed, no trailing `/`, `:params` kept. */

/** Joins path pieces with `/`; the result starts with `/` and has no trailing `/` (except the root). */
export function joinPaths(...parts: string[]): string {
  const joined = parts
    .filter((part) => part !== '')
    .join('/')
    .replace(/\/{2,}/g, '/');
  const withLead = joined.startsWith('/') ? joined : `/${joined}`;
  return withLead.length > 1 && withLead.endsWith('/') ? withLead.slice(0, -1) : withLead;
}

/** A regex route after a prefix: `prefix/regex:/…/` (kept verbatim, marked by the `regex:` segment). */
export function joinRegex(prefix: string, literal: string): string {
  const base = joinPaths(prefix);
  return `${base === '/' ? '' : base}/regex:${literal}`;
}
