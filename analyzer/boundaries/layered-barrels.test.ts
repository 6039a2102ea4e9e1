/**
 * A layered codebase (models/, policies/, presenters/, routes/ side by side, as outline's
 * server/ is) whose routes import presenters and policies through index barrels. Taken
 * literally, every route imports both barrels and every barrel every file of its layer, so the
 * layers hold together; seen through the barrels, each route imports the presenter and the
 * policy of its own feature, and the candidates are the features (model, policy, presenter,
 * route of stars, shares, pins). Real files through the real extractor.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectProject } from '../collect-project.js';
import type { ExtractedProject } from '../model.js';
import { proposeBoundaries } from './propose-boundaries.js';

const FEATURES = ['star', 'share', 'pin'];
const pascal = (name: string): string => name[0]?.toUpperCase() + name.slice(1);

function files(): Record<string, string> {
  const out: Record<string, string> = {
    'server/db.ts': 'export const db = { query: (sql: string) => [sql] };',
    'server/presenters/index.ts':
      FEATURES.map((f) => `import present${pascal(f)} from './${f}';`).join('\n') +
      `\nexport { ${FEATURES.map((f) => `present${pascal(f)}`).join(', ')} };\n`,
    'server/policies/index.ts': FEATURES.map((f) => `export * from './${f}';`).join('\n') + '\n',
    'server/app.ts':
      FEATURES.map((f) => `import ${f}s from './routes/${f}s';`).join('\n') +
      `\nexport const routes = [${FEATURES.map((f) => `${f}s`).join(', ')}];\n`,
  };
  for (const f of FEATURES) {
    const P = pascal(f);
    out[`server/models/${P}.ts`] =
      `import { db } from '../db';\nexport class ${P} { static all() { return db.query('SELECT * FROM ${f}s'); } static find(id: string) { return db.query(id); } }\n`;
    out[`server/presenters/${f}.ts`] =
      `import { ${P} } from '../models/${P}';\nexport default function present${P}(row: ${P}) { return { row, kind: ${P}.name }; }\n`;
    out[`server/policies/${f}.ts`] =
      `import { ${P} } from '../models/${P}';\nexport function can${P}(user: string, row: ${P}) { return user !== '' && row instanceof ${P}; }\n`;
    out[`server/routes/${f}s.ts`] =
      `import { ${P} } from '../models/${P}';\nimport { present${P} } from '../presenters';\nimport { can${P} } from '../policies';\n` +
      `export default function list(user: string) { return ${P}.all().map((row) => can${P}(user, row as unknown as ${P}) && present${P}(row as unknown as ${P})); }\n` +
      `export function one(user: string, id: string) { const row = ${P}.find(id) as unknown as ${P}; return can${P}(user, row) ? present${P}(row) : null; }\n`;
  }
  return out;
}

let root: string;
let project: ExtractedProject;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'strangler-layered-'));
  for (const [path, text] of Object.entries(files())) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  project = await collectProject(root, { git: false });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The candidate (by id) of each feature's four files, or the kernel. */
function placement(of: ExtractedProject): Map<string, Set<string>> {
  const boundaries = proposeBoundaries(of, { minCandidateFiles: 3 });
  const where = new Map<string, string>();
  for (const candidate of boundaries.candidates) for (const module of candidate.modules) where.set(module, candidate.id);
  return new Map(
    FEATURES.map((f) => {
      const P = pascal(f);
      const mine = [`server/models/${P}.ts`, `server/presenters/${f}.ts`, `server/policies/${f}.ts`, `server/routes/${f}s.ts`];
      return [f, new Set(mine.map((module) => where.get(module) ?? 'kernel'))];
    }),
  );
}

describe('a layered codebase with index barrels', () => {
  it('keeps the import edges as written (routes -> the barrels)', () => {
    const edges = project.edges.map((edge) => `${edge.from} -> ${edge.to}`);
    expect(edges).toContain('server/routes/stars.ts -> server/presenters/index.ts');
    expect(edges).toContain('server/routes/stars.ts -> server/policies/index.ts');
    const coupling = (project.couplingEdges ?? []).map((edge) => `${edge.from} -> ${edge.to}`);
    expect(coupling).toContain('server/routes/stars.ts -> server/presenters/star.ts');
    expect(coupling).toContain('server/routes/stars.ts -> server/policies/star.ts');
    expect(coupling).not.toContain('server/routes/stars.ts -> server/presenters/index.ts');
  });

  it('proposes one candidate per feature, each holding its model, policy, presenter and route', () => {
    const placed = placement(project);
    for (const [feature, candidates] of placed) {
      expect(candidates.size, `${feature}: ${[...candidates].join(', ')}`).toBe(1);
      expect([...candidates][0]).not.toBe('kernel');
    }
    expect(new Set([...placed.values()].map((set) => [...set][0])).size).toBe(FEATURES.length);
  });

  it('taken literally, the barrels hold each layer together instead', () => {
    const { couplingEdges: _seenThrough, ...literally } = project;
    const literal = placement(literally);
    expect([...literal.values()].some((candidates) => candidates.size > 1)).toBe(true);
  });
});
