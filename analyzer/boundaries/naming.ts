/**
 * Candidate ids a person recognises: the dominant folder of the candidate's files (the
 * deepest one holding at least half of them, else the one holding most if a third; layer
 * folders such as services/ or dto/ skipped), else the dominant first segment of its HTTP routes (after /api and versions),
 * else the most common word of its file names. Ids are kebab-case and unique: the larger
 * candidate keeps a contested name, the other gets a second word, then a number.
 */
import type { HttpRoute } from '../model.js';
import { kebab, meaningfulFolders, stemOf } from './paths.js';

const LAYER_FOLDERS = new Set([
  'services',
  'service',
  'controllers',
  'controller',
  'repositories',
  'repository',
  'models',
  'model',
  'entities',
  'entity',
  'dto',
  'dtos',
  'routes',
  'router',
  'routers',
  'handlers',
  'resolvers',
  'usecases',
  'use-cases',
  'domain',
  'application',
  'infrastructure',
  'interfaces',
  'types',
  'schemas',
  'validators',
  'mappers',
  'helpers',
  'utils',
  'components',
  'impl',
]);
const ROLE_WORDS = new Set([
  'service',
  'services',
  'repository',
  'repositories',
  'routes',
  'route',
  'router',
  'controller',
  'types',
  'type',
  'model',
  'models',
  'dto',
  'module',
  'index',
  'utils',
  'util',
  'helper',
  'helpers',
  'handler',
  'resolver',
  'mapper',
  'validation',
  'validator',
  'entity',
  'schema',
  'interface',
  'interfaces',
  'constants',
  'config',
  'spec',
  'test',
  'impl',
  'input',
  'inputs',
  'args',
  'guard',
  'strategy',
]);
const ROUTE_NOISE = /^(api|v\d+|rest|graphql|public|internal|admin-api)$/i;
export const RESERVED_IDS = new Set(['shared']);

function dominant(values: string[]): { value: string; count: number } | undefined {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  const ranked = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  const first = ranked[0];
  return first ? { value: first[0], count: first[1] } : undefined;
}

/** The top-level folder holding the most files, when it holds a third of them and strictly more than any other. */
function plurality(counts: ReadonlyMap<string, number>, files: number): [string, number] | undefined {
  const ranked = [...counts].filter(([prefix]) => !prefix.includes('/')).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  const [first, second] = ranked;
  if (!first || first[1] * 3 < files || (second && second[1] === first[1])) return undefined;
  return first;
}

function folderName(modules: readonly string[]): string | undefined {
  const prefixes: string[] = [];
  for (const module of modules) {
    const folders = meaningfulFolders(module);
    for (let depth = 1; depth <= folders.length; depth++) prefixes.push(folders.slice(0, depth).join('/'));
  }
  const counts = new Map<string, number>();
  for (const prefix of prefixes) counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
  const half = modules.length / 2;
  // The deepest folder holding half of the files; else the folder holding most of them, if a third.
  const deepest =
    [...counts]
      .filter(([, count]) => count >= half)
      .sort(([a, x], [b, y]) => b.split('/').length - a.split('/').length || y - x || (a < b ? -1 : 1))[0] ??
    plurality(counts, modules.length);
  if (!deepest) return undefined;
  const segments = deepest[0].split('/');
  while (segments.length > 1 && LAYER_FOLDERS.has((segments[segments.length - 1] ?? '').toLowerCase())) segments.pop();
  const name = kebab(segments[segments.length - 1] ?? '');
  return name.length > 0 && !LAYER_FOLDERS.has(name) ? name : undefined;
}

function routeName(routes: readonly HttpRoute[]): string | undefined {
  const firsts = routes.flatMap((route) => {
    const segment = route.path.split('/').find((part) => part.length > 0 && !part.startsWith(':') && !ROUTE_NOISE.test(part));
    return segment ? [kebab(segment)] : [];
  });
  const best = dominant(firsts.filter(Boolean));
  return best && best.count * 2 >= firsts.length ? best.value : undefined;
}

function words(modules: readonly string[]): string[] {
  return modules.flatMap((module) =>
    kebab(stemOf(module))
      .split('-')
      .filter((word) => word.length > 2 && !ROLE_WORDS.has(word) && !/^\d+$/.test(word)),
  );
}

export interface NamedGroup {
  key: number;
  modules: readonly string[];
  routes: readonly HttpRoute[];
}

/** Candidate id per group key. Groups are named largest first, so the biggest keeps a contested name. */
export function nameCandidates(groups: readonly NamedGroup[]): Map<number, string> {
  const taken = new Set(RESERVED_IDS);
  const names = new Map<number, string>();
  const order = [...groups].sort((a, b) => b.modules.length - a.modules.length || ((a.modules[0] ?? '') < (b.modules[0] ?? '') ? -1 : 1));
  for (const group of order) {
    const vocabulary = words(group.modules);
    const base = folderName(group.modules) ?? routeName(group.routes) ?? dominant(vocabulary)?.value ?? 'candidate';
    let id = base;
    if (taken.has(id)) {
      const second = dominant(vocabulary.filter((word) => word !== base && !base.split('-').includes(word)))?.value;
      if (second && !taken.has(`${base}-${second}`)) id = `${base}-${second}`;
    }
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    names.set(group.key, id);
  }
  return names;
}
