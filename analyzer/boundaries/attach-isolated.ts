/**
 * Files with no edge to any candidate (they only use the shared kernel, or nothing) go
 * where their folder says: with the majority of the files in the same folder (or the
 * nearest parent folder below the area), which may be the shared kernel (a NestJS module
 * file whose service is kernel); files of an area nothing covers form a candidate of
 * their own when there are enough of them (else they join the kernel, like files at a
 * source root).
 */
import { groupsOf, normalizeCommunities, type Communities } from './modularity.js';
import { areaOf, folderOf, isAtRoot } from './paths.js';

/** The community label the kernel votes with in the folder counts. */
const KERNEL = -1;

export function attachIsolated(
  isolated: readonly string[],
  input: Communities,
  kernel: ReadonlySet<string>,
  minFiles = 1,
): { communities: Communities; toKernel: string[] } {
  const communities = new Map(input);
  const byFolder = new Map<string, Map<number, number>>();
  for (const [module, community] of [...input, ...[...kernel].map((path): [string, number] => [path, KERNEL])]) {
    const folder = folderOf(module);
    const counts = byFolder.get(folder) ?? new Map<number, number>();
    counts.set(community, (counts.get(community) ?? 0) + 1);
    byFolder.set(folder, counts);
  }
  const toKernel: string[] = [];
  const byArea = new Map<string, string[]>();
  for (const module of [...isolated].sort()) {
    if (isAtRoot(module)) {
      toKernel.push(module);
      continue;
    }
    const area = areaOf(module);
    let folder = folderOf(module);
    let placed = false;
    while (!placed && folder.length >= area.length) {
      const counts = [...(byFolder.get(folder) ?? [])].sort(([a, x], [b, y]) => y - x || a - b);
      const best = counts[0];
      if (best) {
        if (best[0] === KERNEL) toKernel.push(module);
        else communities.set(module, best[0]);
        placed = true;
      }
      folder = folderOf(folder);
      if (folder === '' && area !== '') break;
    }
    if (!placed) byArea.set(area, [...(byArea.get(area) ?? []), module]);
  }
  let next = Math.max(-1, ...groupsOf(communities).keys()) + 1;
  for (const area of [...byArea.keys()].sort()) {
    const modules = byArea.get(area) ?? [];
    // A file or two tied to nothing but the kernel is no service: it is shared infrastructure.
    if (modules.length < minFiles) {
      toKernel.push(...modules);
      continue;
    }
    for (const module of modules) communities.set(module, next);
    next++;
  }
  return { communities: normalizeCommunities(communities), toKernel };
}
