/**
 * A small subset of JSONPath (RFC 9535) for `shadow.compare.ignoreJsonPaths`: the root `$`,
 * member names (`.name`, `['name']`, `["name"]`), array indexes (`[0]`), wildcards (`.*`,
 * `[*]`) and descendants (`..name`, RFC 9535 §2.5.2). A path names the places in a JSON
 * document whose values the comparison skips.
 */
export type PathStep =
  { kind: 'name'; name: string } | { kind: 'index'; index: number } | { kind: 'any' } | { kind: 'descendant'; name: string | undefined };

export interface JsonPath {
  readonly source: string;
  readonly steps: readonly PathStep[];
}

/** One location in a document: member names and array indexes from the root. */
export type Location = ReadonlyArray<string | number>;

const NAME = /^[A-Za-z_$][\w$-]*/;

/** Parses `source`; returns an error message instead when it is not in the supported subset. */
export function parseJsonPath(source: string): JsonPath | string {
  if (!source.startsWith('$')) return 'must start with $ (e.g. $.generatedAt)';
  const steps: PathStep[] = [];
  let at = 1;
  while (at < source.length) {
    const rest = source.slice(at);
    if (rest.startsWith('..')) {
      const name = NAME.exec(rest.slice(2));
      if (rest[2] === '*') {
        steps.push({ kind: 'descendant', name: undefined });
        at += 3;
      } else if (name) {
        steps.push({ kind: 'descendant', name: name[0] });
        at += 2 + name[0].length;
      } else return `expected a member name after .. at character ${at + 2}`;
    } else if (rest.startsWith('.')) {
      const name = NAME.exec(rest.slice(1));
      if (rest[1] === '*') {
        steps.push({ kind: 'any' });
        at += 2;
      } else if (name) {
        steps.push({ kind: 'name', name: name[0] });
        at += 1 + name[0].length;
      } else return `expected a member name after . at character ${at + 1}`;
    } else if (rest.startsWith('[')) {
      const close = rest.indexOf(']');
      if (close === -1) return `unclosed [ at character ${at}`;
      const inner = rest.slice(1, close).trim();
      if (inner === '*') steps.push({ kind: 'any' });
      else if (/^\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^'[^']*'$/.test(inner) || /^"[^"]*"$/.test(inner)) steps.push({ kind: 'name', name: inner.slice(1, -1) });
      else return `unsupported selector [${inner}] (use [0], [*] or ['name'])`;
      at += close + 1;
    } else return `unexpected ${JSON.stringify(rest[0])} at character ${at} (use .name, [0], [*] or ..name)`;
  }
  return { source, steps };
}

function stepMatches(step: PathStep, part: string | number): boolean {
  if (step.kind === 'any') return true;
  if (step.kind === 'index') return part === step.index;
  return step.kind === 'name' && part === step.name;
}

function matchFrom(steps: readonly PathStep[], s: number, location: Location, l: number): boolean {
  if (s === steps.length) return l === location.length;
  const step = steps[s];
  if (step === undefined) return false;
  if (step.kind === 'descendant') {
    // `..name`: the member `name` at any depth below the current place.
    for (let at = l; at < location.length; at++) {
      const part = location[at];
      if ((step.name === undefined || part === step.name) && matchFrom(steps, s + 1, location, at + 1)) return true;
    }
    return false;
  }
  const part = location[l];
  return part !== undefined && stepMatches(step, part) && matchFrom(steps, s + 1, location, l + 1);
}

/** Does `path` select exactly this location? */
export function pathMatches(path: JsonPath, location: Location): boolean {
  return matchFrom(path.steps, 0, location, 0);
}

/** `$.items[2].name` for a location (names that are not identifiers are quoted). */
export function formatLocation(location: Location): string {
  let out = '$';
  for (const part of location) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}
