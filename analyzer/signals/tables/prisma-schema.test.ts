import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Warning } from '../../model.js';
import { findAncestorPrismaFiles, findPrismaFiles, parsePrismaSchema, readPrismaModels } from './prisma-schema.js';

const fixture = join(import.meta.dirname, '..', '__fixtures__', 'prisma-app');
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('Prisma schema', () => {
  it('maps models to tables through @@map and @@schema, ignoring comments and strings', () => {
    const warnings: Warning[] = [];
    const models = readPrismaModels(fixture, warnings);
    expect([...models.entries()].map(([accessor, model]) => `${accessor} ${model.model} ${model.table}`)).toEqual([
      'order Order orders',
      'orderItem OrderItem sales.order_items',
      'customer Customer Customer',
    ]);
    expect(warnings).toEqual([]);
  });

  it('parses a model whose body holds braces in strings', () => {
    expect(parsePrismaSchema('model A {\n  x String @default("}")\n  @@map("a_table")\n}\nmodel B {\n id Int\n}')).toEqual([
      { model: 'A', table: 'a_table' },
      { model: 'B', table: 'B' },
    ]);
  });

  it('finds schema files anywhere but in node_modules and dot folders', () => {
    const root = mkdtempSync(join(tmpdir(), 'strangler-prisma-'));
    made.push(root);
    for (const path of [
      'prisma/schema/a.prisma',
      'packages/db/schema.prisma',
      'node_modules/.prisma/client/schema.prisma',
      '.cache/x.prisma',
    ]) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), 'model X { id Int }');
    }
    expect(findPrismaFiles(root, [])).toEqual(['packages/db/schema.prisma', 'prisma/schema/a.prisma']);
  });
});

describe('Prisma schema above the analyzed folder', () => {
  it('reads the prisma/ folder of an ancestor when the app has no schema of its own, stopping at the git top', () => {
    const repo = mkdtempSync(join(tmpdir(), 'strangler-prisma-up-'));
    made.push(repo);
    mkdirSync(join(repo, '.git'));
    mkdirSync(join(repo, 'prisma'));
    mkdirSync(join(repo, 'apps', 'api', 'src'), { recursive: true });
    writeFileSync(join(repo, 'prisma', 'schema.prisma'), 'model Order {\n  id Int @id\n  @@map("orders")\n}\n');
    const warnings: Warning[] = [];
    const models = readPrismaModels(join(repo, 'apps', 'api'), warnings);
    expect([...models.values()]).toEqual([{ model: 'Order', table: 'orders' }]);
    expect(findAncestorPrismaFiles(join(repo, 'apps', 'api'))).toEqual([join(repo, 'prisma', 'schema.prisma')]);
    expect(findAncestorPrismaFiles(repo)).toEqual([]);
    expect(warnings).toEqual([]);
  });
});
