import { describe, expect, it } from 'vitest';
import { BarrelOrigins } from './barrel-origins.js';
import type { ExportSummary } from './file-summary.js';
import { buildImportGraph } from './import-graph.js';
import { parseSourceFile, summarizeFile } from './parse-file.js';
import type { Resolution } from './resolver.js';
import { TypeExports } from './type-exports.js';

function project(files: Record<string, string>) {
  const summaries = new Map<string, ExportSummary>();
  const refs = new Map<string, ReturnType<typeof summarizeFile>['refs']>();
  for (const [path, text] of Object.entries(files)) {
    const summary = summarizeFile(parseSourceFile(path, text, 'ts', false));
    summaries.set(path, summary.exports);
    refs.set(path, summary.refs);
  }
  const resolve = (_from: string, specifier: string): Resolution => {
    const path = `${specifier.slice(2)}.ts`;
    return summaries.has(path) ? { kind: 'file', path } : { kind: 'unresolved' };
  };
  const typeExports = new TypeExports(summaries, resolve);
  const barrels = new BarrelOrigins(summaries, resolve, typeExports);
  return { summaries, barrels, graph: buildImportGraph(refs, resolve, typeExports, { barrels }) };
}

const FILES = {
  'user.ts': 'export function presentUser() {}\nexport type UserView = { id: string };',
  'team.ts': 'export default function presentTeam() {}',
  'star.ts': 'export const presentStar = () => 1;',
  // Outline's style: import, then export again.
  'presenters.ts':
    "import presentTeam from './team';\nimport { presentUser } from './user';\nexport { presentTeam, presentUser };\nexport type { UserView } from './user';",
  'more.ts': "export * from './presenters';\nexport * as stars from './star';",
  'mixed.ts': "export * from './user';\nexport const local = 1;",
  'cycle-a.ts': "export * from './cycle-b';",
  'cycle-b.ts': "export * from './cycle-a';",
  'route.ts': "import { presentUser, presentTeam } from './presenters';\nimport { stars } from './more';\nimport { local } from './mixed';",
  'types-only.ts': "import type { UserView } from './presenters';",
  'everything.ts': "import * as all from './presenters';",
};

describe('BarrelOrigins', () => {
  const { summaries, barrels, graph } = project(FILES);

  it('tells a barrel (imports and exports only, nothing of its own) from a file with code', () => {
    expect(summaries.get('presenters.ts')?.barrel).toBe(true);
    expect(summaries.get('more.ts')?.barrel).toBe(true);
    expect(summaries.get('mixed.ts')?.barrel).toBe(false);
    expect(summaries.get('user.ts')?.barrel).toBe(false);
    expect(summaries.get('route.ts')?.barrel).toBe(false);
  });

  it('follows forwards, imports exported again, export * and export * as through barrels to the declaring file', () => {
    expect(barrels.origin('presenters.ts', 'presentUser')).toBe('user.ts');
    expect(barrels.origin('presenters.ts', 'presentTeam')).toBe('team.ts');
    expect(barrels.origin('presenters.ts', 'UserView')).toBe('user.ts');
    expect(barrels.origin('more.ts', 'presentTeam')).toBe('team.ts');
    expect(barrels.origin('more.ts', 'stars')).toBe('star.ts');
    expect(barrels.origin('mixed.ts', 'presentUser')).toBe('mixed.ts');
    expect(barrels.origin('presenters.ts', 'nothing')).toBeUndefined();
    expect(barrels.origin('cycle-a.ts', 'x')).toBeUndefined();
  });

  it('keeps the import edges as written, and gives the coupling edges to the declaring files', () => {
    const show = (edges: typeof graph.edges) =>
      edges
        .filter((edge) => !edge.from.startsWith('presenters') && !edge.from.startsWith('more') && !edge.from.startsWith('mixed'))
        .map((edge) => `${edge.from} -> ${edge.to} w${edge.weight}${edge.typeOnly ? ' type' : ''}`);
    expect(show(graph.edges)).toEqual([
      'cycle-a.ts -> cycle-b.ts w1',
      'cycle-b.ts -> cycle-a.ts w1',
      'everything.ts -> presenters.ts w1',
      'route.ts -> mixed.ts w1',
      'route.ts -> more.ts w1',
      'route.ts -> presenters.ts w2',
      'types-only.ts -> presenters.ts w1 type',
    ]);
    expect(show(graph.couplingEdges)).toEqual([
      'cycle-a.ts -> cycle-b.ts w1',
      'cycle-b.ts -> cycle-a.ts w1',
      // A namespace import takes the whole barrel: it stays.
      'everything.ts -> presenters.ts w1',
      'route.ts -> mixed.ts w1',
      'route.ts -> star.ts w1',
      'route.ts -> team.ts w1',
      'route.ts -> user.ts w1',
      'types-only.ts -> user.ts w1 type',
    ]);
  });
});

describe('BarrelOrigins through CommonJS', () => {
  const { summaries, barrels, graph } = project({
    'users.ts': 'module.exports = { findUser() {}, saveUser() {} };',
    'orders.ts': 'exports.placeOrder = function () {};',
    'money.ts': 'exports.cents = (n) => n * 100;',
    'audit.ts': 'module.exports = function audit() {};',
    // An Express app's services/index.js: requires, and one object of them.
    'services.ts': [
      "'use strict';",
      "const users = require('./users');",
      "const { placeOrder } = require('./orders');",
      'module.exports = {',
      '  users,',
      '  placeOrder,',
      "  audit: require('./audit'),",
      "  cents: require('./money').cents,",
      "  ...require('./users'),",
      '};',
    ].join('\n'),
    'again.ts': "module.exports = require('./services');",
    'not-a-barrel.ts': "const users = require('./users');\nmodule.exports = { users, version: 2 };",
    'route.ts': [
      "const { placeOrder, cents, findUser } = require('./services');",
      "const audit = require('./again').audit;",
      "const all = require('./services');",
    ].join('\n'),
  });

  it('reads module.exports objects, exports.x and module.exports = require() as forwards, and a file of them as a barrel', () => {
    expect(summaries.get('services.ts')?.barrel).toBe(true);
    expect(summaries.get('again.ts')?.barrel).toBe(true);
    expect(summaries.get('not-a-barrel.ts')?.barrel).toBe(false);
    expect(summaries.get('users.ts')?.barrel).toBe(false);
    expect(barrels.origin('services.ts', 'users')).toBe('users.ts');
    expect(barrels.origin('services.ts', 'placeOrder')).toBe('orders.ts');
    expect(barrels.origin('services.ts', 'audit')).toBe('audit.ts');
    expect(barrels.origin('services.ts', 'cents')).toBe('money.ts');
    expect(barrels.origin('services.ts', 'findUser')).toBe('users.ts');
    expect(barrels.origin('again.ts', 'placeOrder')).toBe('orders.ts');
  });

  it('takes the names a require() destructures or reads, and ties them to the declaring files', () => {
    const from = (edges: typeof graph.edges) =>
      edges.filter((edge) => edge.from === 'route.ts').map((edge) => `${edge.to} w${edge.weight}`);
    expect(from(graph.edges)).toEqual(['again.ts w1', 'services.ts w4']);
    // The whole barrel, required without a name, stays.
    expect(from(graph.couplingEdges)).toEqual(['audit.ts w1', 'money.ts w1', 'orders.ts w1', 'services.ts w1', 'users.ts w1']);
  });
});
