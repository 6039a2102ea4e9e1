/**
 * Realistic, contract-valid analysis.json values of any size, for the report's tests and
 * benchmark: candidates with folders of controllers, services, repositories and models,
 * most imports inside a candidate, some into a shared kernel, a few across candidates
 * (mostly towards two or three neighbours), routes, tables with a few written by two
 * candidates, cycles, an extraction plan and warnings. Deterministic for a given seed.
 */
import type { AnalysisCandidate, AnalysisEdge, AnalysisModule, AnalysisV1 } from '../../common/contracts/analysis-v1.js';
import { seededRandom } from '../../common/seeded-random.js';

export interface SyntheticOptions {
  files: number;
  candidates: number;
  /** Average imports per file. */
  edgesPerFile?: number;
  seed?: number;
  /** Extra module names to plant in the first candidate (for escaping tests). */
  extraModules?: string[];
  /** Name of the first candidate (for escaping tests). */
  firstName?: string;
}

const NAMES = [
  'catalog',
  'orders',
  'billing',
  'users',
  'inventory',
  'shipping',
  'notifications',
  'search',
  'reviews',
  'payments',
  'auth',
  'cart',
  'pricing',
  'promotions',
  'analytics',
  'media',
  'reporting',
  'accounts',
  'support',
  'warehouse',
  'returns',
  'loyalty',
  'recommendations',
  'invoicing',
  'tax',
  'subscriptions',
  'vendors',
  'content',
  'audit',
  'messaging',
];
const KINDS = ['controller', 'service', 'repository', 'model', 'dto', 'mapper', 'validator', 'events', 'handler', 'policy'];
const SUBS = ['api', 'domain', 'infra', 'jobs', 'util'];
const SHARED = [
  'db/pool',
  'db/transaction',
  'lib/logger',
  'lib/config',
  'lib/errors',
  'lib/http',
  'lib/dates',
  'lib/money',
  'lib/ids',
  'lib/cache',
];

const candidateName = (index: number): string => {
  const base = NAMES[index % NAMES.length] ?? 'part';
  return index < NAMES.length ? base : `${base}-${Math.floor(index / NAMES.length) + 1}`;
};

export function syntheticAnalysis(options: SyntheticOptions): AnalysisV1 {
  const rand = seededRandom(options.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const count = Math.max(1, options.candidates);
  const edgesPerFile = options.edgesPerFile ?? 4;
  const sharedCount = Math.min(SHARED.length * 8, Math.max(3, Math.round(options.files * 0.04)));
  const leftOut = Math.max(1, Math.round(options.files * 0.02));
  const candidateFiles = Math.max(count, options.files - sharedCount - leftOut);

  // Candidate sizes vary (a few big ones, many mid-size): weights from a skewed draw.
  const weights = Array.from({ length: count }, () => 0.4 + rand() * rand() * 2.5);
  const total = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.max(1, Math.floor((w / total) * candidateFiles)));

  const modules: AnalysisModule[] = [];
  const members: string[][] = [];
  const ids = Array.from({ length: count }, (_, i) => candidateName(i));
  ids.forEach((id, c) => {
    const list: string[] = [];
    for (let i = 0; i < (sizes[c] ?? 1); i++) {
      const kind = KINDS[i % KINDS.length] ?? 'service';
      const path =
        i === 0
          ? `src/${id}/${id}.routes.ts`
          : `src/${id}/${pick(SUBS)}/${id}-${Math.floor(i / KINDS.length) || ''}${Math.floor(i / KINDS.length) ? '-' : ''}${kind}.ts`.replace(
              '--',
              '-',
            );
      if (list.includes(path)) continue;
      list.push(path);
    }
    if (c === 0) list.push(...(options.extraModules ?? []));
    for (const path of list) modules.push({ path, loc: Math.round(20 + rand() * rand() * 600), candidate: id });
    members.push(list);
  });
  const sharedKernel: string[] = [];
  for (let i = 0; i < sharedCount; i++) {
    const path = `src/${SHARED[i % SHARED.length] ?? 'lib/x'}${i >= SHARED.length ? `-${Math.floor(i / SHARED.length)}` : ''}.ts`;
    sharedKernel.push(path);
    modules.push({ path, loc: Math.round(15 + rand() * 200), candidate: 'shared' });
  }
  for (let i = 0; i < leftOut; i++)
    modules.push({ path: `test/${pick(ids)}-${i}.test.ts`, loc: Math.round(30 + rand() * 150), candidate: null });

  // Each candidate leans on two or three neighbours; that is where its cross edges go.
  const neighbours = ids.map((_, c) => [1, 2, 3].map((step) => (c + step * 3 + Math.floor(rand() * 2)) % count).filter((n) => n !== c));
  const edges: AnalysisEdge[] = [];
  const seen = new Set<string>();
  const addEdge = (from: string, to: string): void => {
    if (from === to || seen.has(`${from}\u0000${to}`)) return;
    seen.add(`${from}\u0000${to}`);
    edges.push({ from, to, weight: 1 + Math.floor(rand() * rand() * 8), typeOnly: rand() < 0.12, dynamic: rand() < 0.02 });
  };
  members.forEach((list, c) => {
    for (const from of list) {
      const n = Math.max(1, Math.round(edgesPerFile * (0.5 + rand())));
      for (let k = 0; k < n; k++) {
        const roll = rand();
        if (roll < 0.74) addEdge(from, pick(list));
        else if (roll < 0.9) addEdge(from, pick(sharedKernel));
        else if (roll < 0.985) addEdge(from, pick(members[pick(neighbours[c] ?? [c])] ?? list));
        else addEdge(from, pick(members[Math.floor(rand() * count)] ?? list));
      }
    }
  });
  for (const from of sharedKernel) if (rand() < 0.6) addEdge(from, pick(sharedKernel));
  for (const module of modules) if (module.candidate === null) addEdge(module.path, pick(members[Math.floor(rand() * count)] ?? []));

  const owner = new Map(modules.map((m) => [m.path, m.candidate]));
  const candidates: AnalysisCandidate[] = ids.map((id, c) => {
    const list = members[c] ?? [];
    let internal = 0;
    let touching = 0;
    const deps = new Map<string, number>();
    for (const edge of edges) {
      const a = owner.get(edge.from);
      const b = owner.get(edge.to);
      if (a !== id && b !== id) continue;
      touching += 1;
      if (a === id && b === id) internal += 1;
      if (a === id && b && b !== id && b !== 'shared') deps.set(b, (deps.get(b) ?? 0) + 1);
    }
    const routeCount = 2 + Math.floor(rand() * 6);
    const routes = Array.from({ length: routeCount }, (_, i) => ({
      method: (['GET', 'GET', 'POST', 'PUT', 'DELETE'] as const)[i % 5] ?? 'GET',
      path: `/api/${id}${i % 5 === 0 ? '' : i % 2 ? '/:id' : `/:id/${pick(['items', 'status', 'history', 'export'])}`}`,
      module: list[0] ?? '',
    }));
    return {
      id,
      name: c === 0 && options.firstName ? options.firstName : id,
      modules: list,
      routes,
      tables: [
        { name: `${id.replace(/-/g, '_')}`, reads: 3 + Math.floor(rand() * 9), writes: 1 + Math.floor(rand() * 4) },
        { name: `${id.replace(/-/g, '_')}_events`, reads: 1, writes: 2 },
        ...(c % 3 === 0 ? [{ name: 'audit_log', reads: 0, writes: 1 }] : []),
        ...(neighbours[c] ?? [])
          .slice(0, 1)
          .map((n) => ({ name: `${ids[n]?.replace(/-/g, '_') ?? 'x'}`, reads: 2, writes: c % 4 === 0 ? 1 : 0 })),
      ],
      dependsOn: [...deps].sort((a, b) => b[1] - a[1]).map(([candidate, n]) => ({ candidate, edges: n })),
      metrics: {
        files: list.length,
        loc: 0, // summed below
        cohesion: touching === 0 ? 1 : Math.round((internal / touching) * 100) / 100,
      },
    };
  });
  const loc = new Map(modules.map((m) => [m.path, m.loc]));
  for (const candidate of candidates) candidate.metrics.loc = candidate.modules.reduce((sum, path) => sum + (loc.get(path) ?? 0), 0);

  const writers = new Map<string, string[]>();
  const readers = new Map<string, string[]>();
  for (const candidate of candidates)
    for (const table of candidate.tables) {
      if (table.writes > 0) writers.set(table.name, [...(writers.get(table.name) ?? []), candidate.id]);
      if (table.reads > 0) readers.set(table.name, [...(readers.get(table.name) ?? []), candidate.id]);
    }
  const sharedTables = [...writers]
    .filter(([, list]) => list.length > 1)
    .map(([table, list]) => ({ table, writers: list, readers: (readers.get(table) ?? []).filter((id) => !list.includes(id)) }));

  const depends = new Map(candidates.map((c) => [c.id, new Set(c.dependsOn.map((d) => d.candidate))]));
  const cycles: string[][] = [];
  for (const a of ids) for (const b of depends.get(a) ?? []) if (a < b && depends.get(b)?.has(a)) cycles.push([a, b, a]);

  const order = [...candidates].sort((a, b) => a.dependsOn.length - b.dependsOn.length || b.metrics.cohesion - a.metrics.cohesion);
  const extractionPlan = order.map((c, i) => ({
    candidate: c.id,
    reason:
      i === 0
        ? `fewest outgoing dependencies (${c.dependsOn.length}) and cohesion ${c.metrics.cohesion.toFixed(2)}: the cheapest first step`
        : `depends on ${c.dependsOn.length} candidates; ${c.tables.filter((t) => sharedTables.some((s) => s.table === t.name)).length} shared tables to sync`,
  }));
  const routes = candidates.flatMap((c) => c.routes.map((r) => ({ ...r, candidate: c.id })));
  const files = modules.length;
  return {
    schemaVersion: 1,
    tool: { name: 'strangler', version: '0.1.0' },
    root: 'synthetic-monolith',
    stats: {
      files,
      edges: edges.length,
      durationMs: Math.round(files * 0.9),
      unresolvedImports: 3,
      routes: routes.length,
      tables: writers.size,
      commits: 1200,
    },
    modules,
    edges,
    candidates,
    sharedKernel,
    metrics: { modularity: 0.58, sm: 0.21, icp: 0.17, ifn: 3.4, ned: 0.82 },
    extractionOrder: extractionPlan.map((s) => s.candidate),
    warnings: [
      { code: 'PARSE_ERROR', path: 'src/legacy/broken.ts', message: 'Unexpected token; the file was skipped' },
      { code: 'UNRESOLVED_IMPORT', path: members[0]?.[0] ?? '', message: 'Cannot resolve "./missing"' },
      { code: 'UNRESOLVED_IMPORT', path: members[1]?.[0] ?? '', message: 'Cannot resolve "@acme/legacy"' },
    ],
    extractionPlan,
    sharedTables,
    cycles,
    routes,
    unresolved: [
      { from: members[0]?.[0] ?? '', specifier: './missing' },
      { from: members[1]?.[0] ?? '', specifier: '@acme/legacy' },
    ],
  };
}
