/**
 * Generates a realistic TypeScript backend of N files (deterministic): capability folders
 * with routes, services, repositories (SQL in template literals), types and `import type`,
 * a shared lib/db used everywhere, tsconfig path aliases, a few dynamic imports, require()
 * and plain JS files. Cached under bench/.work/gen-<N>.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { seededRandom } from '../../common/seeded-random.js';

const VERSION = 2;

const ROLES = ['routes', 'service', 'repository', 'types', 'dto', 'mapper', 'validation', 'events'] as const;

export function generateCodebase(dir: string, files: number): string {
  const manifest = join(dir, 'manifest.json');
  if (existsSync(manifest)) {
    const old = JSON.parse(readFileSync(manifest, 'utf8')) as { files?: number; version?: number };
    if (old.files === files && old.version === VERSION) return dir;
  }
  rmSync(dir, { recursive: true, force: true });
  const random = seededRandom(files);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write(
    'tsconfig.json',
    JSON.stringify(
      { compilerOptions: { baseUrl: '.', paths: { '@lib/*': ['src/lib/*'], '@modules/*': ['src/modules/*'] }, allowJs: true } },
      null,
      2,
    ),
  );
  write(
    'package.json',
    JSON.stringify({ name: 'generated-backend', private: true, dependencies: { express: '^5.0.0', pg: '^8.0.0' } }, null, 2),
  );
  const lib = Array.from({ length: 20 }, (_, i) => `src/lib/util-${i}.ts`);
  for (const path of lib)
    write(path, `export function helper(x: number): number {\n  return x + 1;\n}\nexport interface Shared { id: number }\n`);
  const perModule = 60;
  const modules = Math.max(1, Math.round((files - lib.length) / perModule));
  const all: string[] = [];
  for (let m = 0; m < modules; m++) {
    for (let f = 0; f < perModule && all.length + lib.length < files; f++) {
      const role = ROLES[f % ROLES.length] ?? 'service';
      const ext = f % 29 === 28 ? 'js' : 'ts';
      all.push(`src/modules/m${m}/${role}-${f}.${ext}`);
    }
  }
  all.forEach((path, index) => {
    const module = Number(/m(\d+)/.exec(path)?.[1] ?? 0);
    const siblings = all.filter((other, j) => j !== index && other.startsWith(`src/modules/m${module}/`) && other.endsWith('.ts'));
    const lines: string[] = [];
    const isJs = path.endsWith('.js');
    const imports = 5 + Math.floor(random() * 10);
    for (let i = 0; i < imports; i++) {
      const roll = random();
      let target: string;
      if (roll < 0.15) target = `@lib/${pick(lib).slice('src/lib/'.length, -3)}`;
      else if (roll < 0.25) {
        const other = all[Math.floor(random() * all.length)] ?? path;
        target = `@modules/${other.slice('src/modules/'.length).replace(/\.(ts|js)$/, '')}`;
      } else {
        const sibling = siblings.length > 0 ? pick(siblings) : path;
        target = `./${sibling.split('/').pop()?.replace(/\.ts$/, '') ?? 'x'}`;
      }
      if (isJs) lines.push(`const dep${i} = require('${target}');`);
      else if (i % 7 === 3) lines.push(`import type { Shared as T${i} } from '${target.startsWith('@lib') ? target : '@lib/util-0'}';`);
      else lines.push(`import * as dep${i} from '${target}';`);
    }
    if (!isJs && index % 50 === 0) lines.push(`export const lazy = () => import('@lib/util-1');`);
    lines.push(isJs ? 'module.exports = { value: 1 };' : 'export const value = 1;');
    const body = 30 + Math.floor(random() * 100);
    for (let i = 0; i < body; i++) {
      if (i % 25 === 0)
        lines.push(`const sql${i} = \`SELECT o.id FROM orders_${module} o JOIN customers c ON c.id = o.customer_id WHERE o.id = $1\`;`);
      else lines.push(`// line ${i}: ${'work '.repeat(1 + (i % 6))}`);
    }
    write(path, lines.join('\n') + '\n');
  });
  writeFileSync(manifest, JSON.stringify({ files: all.length + lib.length, version: VERSION }));
  return dir;
}
