/**
 * Prisma models and their tables, read from `*.prisma` files: `model Order { … @@map("orders")
 * @@schema("sales") }`. The table is the model name unless `@@map` renames it; the client
 * accessor is the model name with a lower-case first letter (`prisma.orderItem`).
 * See https://www.prisma.io/docs/orm/reference/prisma-schema-reference#map-1
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { messageOf } from '../../../common/errors.js';
import type { Warning } from '../../model.js';
import { tableName } from './table-names.js';

export interface PrismaModel {
  model: string;
  table: string;
}

/** Drops `//` comments outside strings. */
function stripComments(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      let inString = false;
      for (let index = 0; index < line.length; index++) {
        const char = line[index];
        if (char === '"' && line[index - 1] !== '\\') inString = !inString;
        else if (!inString && char === '/' && line[index + 1] === '/') return line.slice(0, index);
      }
      return line;
    })
    .join('\n');
}

/** Index of the `}` that closes the block opened at `open`, skipping strings. */
function blockEnd(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let index = open; index < text.length; index++) {
    const char = text[index];
    if (char === '"' && text[index - 1] !== '\\') inString = !inString;
    else if (inString) continue;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return index;
  }
  return text.length;
}

const attributeArgument = (body: string, attribute: string): string | undefined => {
  const match = new RegExp(`@@${attribute}\\s*\\(\\s*(?:name\\s*:\\s*)?"([^"]*)"`).exec(body);
  return match?.[1];
};

export function parsePrismaSchema(text: string): PrismaModel[] {
  const source = stripComments(text);
  const models: PrismaModel[] = [];
  const header = /(?:^|\n)\s*model\s+([A-Za-z_]\w*)\s*\{/g;
  for (let match = header.exec(source); match; match = header.exec(source)) {
    const model = match[1] ?? '';
    const open = match.index + match[0].length - 1;
    const end = blockEnd(source, open);
    const body = source.slice(open + 1, end);
    const mapped = attributeArgument(body, 'map') ?? model;
    const schema = attributeArgument(body, 'schema');
    const table = tableName(schema === undefined ? [mapped] : [schema, mapped]);
    if (table !== undefined) models.push({ model, table });
    header.lastIndex = end;
  }
  return models;
}

const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', 'coverage', 'out']);
const MAX_DIRS = 20000;

/** Every `*.prisma` file under root (node_modules, build output and dot folders skipped). */
export function findPrismaFiles(root: string, warnings: Warning[]): string[] {
  const found: string[] = [];
  const pending = [''];
  let visited = 0;
  while (pending.length > 0 && visited < MAX_DIRS) {
    const dir = pending.pop() ?? '';
    visited++;
    let entries;
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch (error) {
      if (dir === '') warnings.push({ code: 'UNREADABLE', message: `cannot list ${root} to look for Prisma schemas: ${messageOf(error)}` });
      continue;
    }
    for (const entry of entries) {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory() && !entry.name.startsWith('.') && !SKIP_DIRS.has(entry.name)) pending.push(path);
      else if (entry.isFile() && entry.name.endsWith('.prisma')) found.push(path);
    }
  }
  return found.sort();
}

/**
 * In a monorepo the analyzed app often uses a schema that lives above it
 * (`<repo>/prisma/schema.prisma` while analyzing `<repo>/apps/api`): the `prisma/` folders
 * and `schema.prisma` files of the ancestors, up to the git work tree's top (or 4 levels).
 * Only read, like every configuration file.
 */
export function findAncestorPrismaFiles(root: string): string[] {
  const found: string[] = [];
  let dir = resolve(root);
  for (let level = 0; level < 4; level++) {
    const parent = dirname(dir);
    if (parent === dir || existsSync(join(dir, '.git'))) break;
    dir = parent;
    const candidates = [join(dir, 'schema.prisma')];
    try {
      for (const name of readdirSync(join(dir, 'prisma'))) if (name.endsWith('.prisma')) candidates.push(join(dir, 'prisma', name));
    } catch {
      // no prisma/ folder at this level
    }
    found.push(...candidates.filter((file) => existsSync(file)).sort());
    if (found.length > 0) break;
  }
  return found;
}

/** Models of every Prisma schema under root (or, when there is none, just above it), keyed by client accessor (`orderItem`). */
export function readPrismaModels(root: string, warnings: Warning[]): Map<string, PrismaModel> {
  const models = new Map<string, PrismaModel>();
  const inside = findPrismaFiles(root, warnings).map((path) => ({ path, file: join(root, path) }));
  const files = inside.length > 0 ? inside : findAncestorPrismaFiles(root).map((file) => ({ path: relative(root, file), file }));
  for (const { path, file } of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      warnings.push({ code: 'UNREADABLE', path, message: `cannot read Prisma schema ${path}: ${messageOf(error)}` });
      continue;
    }
    for (const model of parsePrismaSchema(text)) models.set(model.model.charAt(0).toLowerCase() + model.model.slice(1), model);
  }
  return models;
}
