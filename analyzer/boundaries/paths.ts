/**
 * Where a module sits: its folder, and its "area" (the first folder below the generic
 * source roots such as src/, apps/api/src/app/), which names candidates, spreads fan-in,
 * and places files that have no edges.
 */

/** Folder names that hold a codebase rather than name a part of it. */
const GENERIC_SEGMENTS = new Set([
  'src',
  'source',
  'sources',
  'app',
  'apps',
  'packages',
  'libs',
  'server',
  'backend',
  'api',
  'main',
  'modules',
]);

export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** The folder segments of a path below the generic roots (empty for a file at a root). */
export function meaningfulFolders(path: string): string[] {
  const folders = folderOf(path).split('/').filter(Boolean);
  let start = 0;
  while (start < folders.length && GENERIC_SEGMENTS.has((folders[start] ?? '').toLowerCase())) start++;
  return folders.slice(start);
}

/** The area of a module: its first meaningful folder with the path up to it, or its folder when it sits at a root. */
export function areaOf(path: string): string {
  const folders = folderOf(path).split('/').filter(Boolean);
  let start = 0;
  while (start < folders.length && GENERIC_SEGMENTS.has((folders[start] ?? '').toLowerCase())) start++;
  return folders.slice(0, Math.min(folders.length, start + 1)).join('/');
}

/** True when the module sits directly in a generic root folder (src/app.ts, main.ts). */
export function isAtRoot(path: string): boolean {
  return meaningfulFolders(path).length === 0;
}

/** `OrderItems.repository` -> `order-items-repository`; empty when nothing is left. */
export function kebab(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The file name without folder and extensions (`order.service.ts` -> `order.service`). */
export function stemOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name.replace(/\.(d\.)?[cm]?[jt]sx?$/, '');
}
