/**
 * From each file's import references to the graph: references aggregated per (from, to)
 * into weighted edges flagged type-only and dynamic, the imports that do not resolve, and
 * the external packages with how many files use each, and the files that import a browser
 * UI framework.
 */
import type { ImportEdge, UnresolvedImport } from '../model.js';
import type { SourceRef } from './file-summary.js';
import type { Resolution } from './resolver.js';
import type { BarrelOrigins } from './barrel-origins.js';
import type { TypeExports } from './type-exports.js';
import { comparePaths } from './walk-tree.js';

export interface ImportGraph {
  edges: ImportEdge[];
  /** The edges with imports through barrels counted towards the files that declare the names (ExtractedProject.couplingEdges). */
  couplingEdges: ImportEdge[];
  unresolved: UnresolvedImport[];
  externals: Record<string, number>;
  /** Files that import a browser UI framework, with the package (ExtractedProject.uiImports). */
  uiImports: Record<string, string>;
}

/**
 * Packages whose import makes a file browser UI code: components, hooks, client entry points.
 * Server-side rendering uses them too (React email templates); the boundaries stage tells
 * the two apart by who imports the file (left-out.ts).
 */
const UI_FRAMEWORKS: ReadonlySet<string> = new Set([
  'react',
  'react-dom',
  'react-native',
  'preact',
  'vue',
  'svelte',
  'solid-js',
  '@angular/core',
  'lit',
  '@builder.io/qwik',
]);

/** A framework's server-side renderer (`react-dom/server`, `vue/server-renderer`): no UI evidence. */
const SERVER_ENTRY = /\/server(?:-renderer)?(?:[./]|$)/;

interface Pending {
  keys: Set<string>;
  typeOnly: boolean;
  dynamic: boolean;
}

function collect(byTarget: Map<string, Pending>, to: string, ref: SourceRef, names: readonly string[], typeOnly: boolean): void {
  const edge = byTarget.get(to) ?? { keys: new Set<string>(), typeOnly: true, dynamic: true };
  for (const name of names) edge.keys.add(weightKey(ref, name));
  edge.typeOnly &&= typeOnly;
  edge.dynamic &&= ref.kind === 'dynamic-import';
  byTarget.set(to, edge);
}

function flush(from: string, byTarget: ReadonlyMap<string, Pending>, into: ImportEdge[]): void {
  for (const to of [...byTarget.keys()].sort(comparePaths)) {
    const edge = byTarget.get(to);
    if (edge) into.push({ from, to, weight: Math.max(1, edge.keys.size), typeOnly: edge.typeOnly, dynamic: edge.dynamic });
  }
}

/** What one reference adds to an edge's weight: each named symbol once; a namespace, side-effect, require or dynamic import once each. */
const weightKey = (ref: SourceRef, name: string): string => (name === '*' ? `*${ref.kind}` : name);

export function buildImportGraph(
  refsByFile: ReadonlyMap<string, readonly SourceRef[]>,
  resolve: (from: string, specifier: string) => Resolution,
  typeExports: TypeExports,
  seen: { barrels?: BarrelOrigins; markup?: ReadonlyMap<string, string> } = {},
): ImportGraph {
  const { barrels, markup } = seen;
  const edges: ImportEdge[] = [];
  const couplingEdges: ImportEdge[] = [];
  const unresolved: UnresolvedImport[] = [];
  const externalUsers = new Map<string, number>();
  const uiImports: Record<string, string> = {};

  for (const from of [...refsByFile.keys()].sort(comparePaths)) {
    const byTarget = new Map<string, Pending>();
    const byOrigin = new Map<string, Pending>();
    const packages = new Set<string>();
    const ui = new Set<string>();
    const missing = new Set<string>();
    for (const ref of refsByFile.get(from) ?? []) {
      const target = resolve(from, ref.specifier);
      if (target.kind === 'external') {
        packages.add(target.pkg);
        if (UI_FRAMEWORKS.has(target.pkg) && !SERVER_ENTRY.test(ref.specifier)) ui.add(target.pkg);
      } else if (target.kind === 'unresolved') missing.add(ref.specifier);
      if (target.kind !== 'file' || target.path === from) continue;
      const to = target.path;
      const isType = (name: string): boolean => ref.typeNames?.has(name) === true || typeExports.isTypeOnly(to, name);
      const typeOnly = ref.typeOnly || (!ref.names.includes('*') && ref.names.every(isType));
      collect(byTarget, to, ref, ref.names, typeOnly);
      // Through a barrel, each named import counts towards the file that declares it.
      if (barrels?.isBarrel(to) && !ref.names.includes('*')) {
        for (const name of ref.names) {
          const origin = barrels.origin(to, name) ?? to;
          if (origin !== from) collect(byOrigin, origin, ref, [name], ref.typeOnly || isType(name));
        }
      } else collect(byOrigin, to, ref, ref.names, typeOnly);
    }
    flush(from, byTarget, edges);
    flush(from, byOrigin, couplingEdges);
    for (const pkg of packages) externalUsers.set(pkg, (externalUsers.get(pkg) ?? 0) + 1);
    const evidence = [...ui].sort(comparePaths)[0] ?? markup?.get(from);
    if (evidence !== undefined) uiImports[from] = evidence;
    for (const specifier of missing) unresolved.push({ from, specifier });
  }

  const externals: Record<string, number> = {};
  for (const pkg of [...externalUsers.keys()].sort(comparePaths)) externals[pkg] = externalUsers.get(pkg) ?? 0;
  return { edges, couplingEdges, unresolved, externals, uiImports };
}
