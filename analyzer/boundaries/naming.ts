/**
 * Candidate ids a person recognises: the dominant folder of the candidate's files (the
 * deepest one holding at least half of them, else the top folder holding most if a third),
 * going up past layer folders (services/, dto/, use-cases/) and use-case folders
 * (get-topic/); else the dominant first segment of its HTTP routes (after /api and
 * versions); else the most common word of its file names. Ids are kebab-case and unique:
 * the larger candidate keeps a contested name, the other gets its dominant sub-folder, the
 * folder above (plugins/matomo/client: matomo-client), or a second word, then a number.
 */
import type { HttpRoute } from '../model.js';
import { LAYER_FOLDERS, ROLE_WORDS, ROUTE_NOISE, USE_CASE_VERB } from './vocabulary.js';
import { kebab, meaningfulFolders, stemOf } from './paths.js';

export const RESERVED_IDS = new Set(['shared']);

function ranked(values: readonly string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
}

const isNameable = (segment: string): boolean => !LAYER_FOLDERS.has(segment.toLowerCase()) && kebab(segment).length > 0;

/** The folder that holds the candidate: the deepest with half the files, else a strict plurality of a third. */
function dominantFolder(modules: readonly string[]): string[] | undefined {
  const prefixes = modules.flatMap((module) => {
    const folders = meaningfulFolders(module);
    return folders.map((_, depth) => folders.slice(0, depth + 1).join('/'));
  });
  const counts = ranked(prefixes);
  const deepest = counts
    .filter(([, count]) => count * 2 >= modules.length)
    .sort(([a], [b]) => b.split('/').length - a.split('/').length)[0];
  if (deepest) return deepest[0].split('/');
  const top = counts.filter(([prefix]) => !prefix.includes('/'));
  const [first, second] = top;
  if (!first || first[1] * 3 < modules.length || (second && second[1] === first[1])) return undefined;
  return [first[0]];
}

/** The name segment of a folder path: the deepest one that names a capability, not a layer or a use case. */
function nameSegment(segments: readonly string[]): number | undefined {
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i] ?? '';
    if (isNameable(segment) && (!USE_CASE_VERB.test(kebab(segment)) || i === 0)) return i;
  }
  return undefined;
}

/**
 * The capability folder name and, for uniqueness, the names of the sub-folders below it that
 * hold most files, and of the folders above it, nearest first (`plugins/matomo/client`:
 * `client`, then `matomo`).
 */
function folderNames(modules: readonly string[]): { name: string; deeper: string[]; above: string[] } | undefined {
  const folder = dominantFolder(modules);
  if (!folder) return undefined;
  const at = nameSegment(folder);
  if (at === undefined) return undefined;
  const prefix = folder.slice(0, at + 1).join('/');
  const below = modules.flatMap((module) => {
    const folders = meaningfulFolders(module);
    if (folders.slice(0, at + 1).join('/') !== prefix) return [];
    const next = folders.slice(at + 1).find(isNameable);
    return next ? [kebab(next)] : [];
  });
  const above = folder
    .slice(0, at)
    .filter(isNameable)
    .map((segment) => kebab(segment))
    .reverse();
  return { name: kebab(folder[at] ?? ''), deeper: ranked(below).map(([name]) => name), above };
}

function routeName(routes: readonly HttpRoute[]): string | undefined {
  const firsts = routes.flatMap((route) => {
    const segment = route.path.split('/').find((part) => part.length > 0 && !part.startsWith(':') && !ROUTE_NOISE.test(part));
    return segment && kebab(segment) ? [kebab(segment)] : [];
  });
  const best = ranked(firsts)[0];
  return best && best[1] * 2 >= firsts.length ? best[0] : undefined;
}

function fileWords(modules: readonly string[], roles = false): string[] {
  return modules.flatMap((module) =>
    kebab(stemOf(module))
      .split('-')
      .filter((word) => word.length > 2 && ROLE_WORDS.has(word) === roles && !/^\d+$/.test(word)),
  );
}

/** Words that say something the base name does not (not `topic` next to `topics`). */
function extraWords(words: readonly string[], base: string): string[] {
  const parts = base.split('-');
  return ranked(words.filter((word) => !parts.some((part) => part.startsWith(word) || word.startsWith(part)))).map(([word]) => word);
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
    const words = fileWords(group.modules);
    const folder = folderNames(group.modules);
    // Last, a role its files share (a group of route schema.ts files is `schema`), before `candidate`.
    const base =
      folder?.name ?? routeName(group.routes) ?? ranked(words)[0]?.[0] ?? ranked(fileWords(group.modules, true))[0]?.[0] ?? 'candidate';
    // A contested name takes a folder first (below it, then above it: matomo-client, not client-2),
    // then a word of the file names, then a number.
    const options = [
      base,
      ...(folder?.deeper ?? []).filter((name) => name !== base).map((name) => `${base}-${name}`),
      ...(folder?.above ?? []).filter((name) => name !== base).map((name) => `${name}-${base}`),
      ...extraWords(words, base).map((word) => `${base}-${word}`),
    ];
    let id = options.find((option) => !taken.has(option)) ?? base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    names.set(group.key, id);
  }
  return names;
}
