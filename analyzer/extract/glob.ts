/**
 * A small glob matcher for the `include`/`exclude` options, on root-relative `/` paths:
 * `**` (any number of folders, also none), `*` (anything within one segment), `?` (one
 * character), `{a,b}` alternatives (nested too). A glob without `/` matches a file or folder
 * name at any depth (`*.gen.ts`, `legacy`), and a glob that matches a folder matches
 * everything inside it (`src/gen` and `src/gen/**` are the same).
 */

/** `a{b,c{d,e}}f` -> `abf`, `acdf`, `acef`. */
export function expandBraces(glob: string): string[] {
  const open = glob.indexOf('{');
  if (open === -1) return [glob];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < glob.length; i++) {
    const char = glob[i];
    if (char === '{') depth++;
    else if (char === ',' && depth === 1) commas.push(i);
    else if (char === '}' && --depth === 0) {
      const bounds = [open, ...commas, i];
      const head = glob.slice(0, open);
      const tail = glob.slice(i + 1);
      const out: string[] = [];
      for (let k = 0; k + 1 < bounds.length; k++) {
        const option = glob.slice((bounds[k] ?? 0) + 1, bounds[k + 1]);
        out.push(...expandBraces(head + option + tail));
      }
      return out;
    }
  }
  // An unclosed brace is a literal character.
  return expandBraces(glob.slice(open + 1)).map((rest) => glob.slice(0, open + 1) + rest);
}

const escapeChar = (char: string): string => (/[.+^$()|[\]\\{}]/.test(char) ? `\\${char}` : char);

function segmentSource(segment: string): string {
  let out = '';
  for (const char of segment) {
    if (char === '*') out += '[^/]*';
    else if (char === '?') out += '[^/]';
    else out += escapeChar(char);
  }
  return out;
}

/** One brace-free glob to a regular expression source (without anchors). */
function globSource(glob: string): string {
  const segments = glob.split('/').filter((segment, index, all) => segment !== '' || index === all.length - 1);
  let out = '';
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    if (segment !== '**') out += segmentSource(segment) + (last ? '' : '/');
    // A trailing `**` is "this folder and everything in it".
    else if (last) out = index === 0 ? '.*' : `${out.slice(0, -1)}(?:/.*)?`;
    else out += '(?:[^/]+/)*';
  }
  return out;
}

function normalize(glob: string): string {
  return glob.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '').replace(/\/+$/, '');
}

export type PathMatcher = (path: string) => boolean;

export interface GlobOptions {
  /**
   * Match whole paths only: no "name at any depth" for globs without `/`, no "everything
   * inside a matched folder" (workspace package globs need this).
   */
  exact?: boolean;
}

export function globMatcher(globs: readonly string[], options: GlobOptions = {}): PathMatcher {
  const exact = options.exact ?? false;
  const sources: string[] = [];
  for (const glob of globs) {
    for (const expanded of expandBraces(normalize(glob))) {
      if (expanded === '') continue;
      const anywhere = !exact && !expanded.includes('/');
      sources.push(`${anywhere ? '(?:[^/]+/)*' : ''}${globSource(expanded)}`);
    }
  }
  if (sources.length === 0) return () => false;
  const pattern = new RegExp(`^(?:${sources.join('|')})${exact ? '' : '(?:/.*)?'}$`);
  return (path) => pattern.test(path);
}
