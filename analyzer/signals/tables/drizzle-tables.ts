/**
 * Drizzle ORM: tables declared as `export const users = pgTable('users', {…})` (also
 * `mysqlTable`, `sqliteTable`, `singlestoreTable`, and `app.table('users', …)` on
 * `const app = pgSchema('app')`), used as values: `db.insert(users)`, `db.update(users)`,
 * `db.delete(users)` write; `.from(users)`, `.innerJoin(users, …)` and the relational
 * `db.query.users.findMany()` read. A use counts only when its name is imported or declared
 * as a table in the same file, so `Array.from(items)` is never a table; `x.users` counts when
 * `x` is imported or undeclared and the project declares one Drizzle table named `users`.
 * See https://orm.drizzle.team/docs/sql-schema-declaration
 */
import ts from 'typescript';
import { declarationOf, importOriginOf, skipOuter } from '../ast/declarations.js';
import { staticString } from '../ast/literals.js';
import type { ModelDeclaration, ModelUse } from './orm-models.js';
import { tableName } from './table-names.js';

const TABLE_FACTORIES = new Set(['pgTable', 'mysqlTable', 'sqliteTable', 'singlestoreTable']);
const WRITE_METHODS = new Set(['insert', 'update', 'delete']);
const READ_METHODS = new Set(['from', 'innerJoin', 'leftJoin', 'rightJoin', 'fullJoin', 'crossJoin']);
const RELATIONAL_READS = new Set(['findMany', 'findFirst']);

/** `pgSchema('app')` behind a name: the schema. */
function schemaOf(node: ts.Expression): string | undefined {
  const expression = skipOuter(node);
  if (!ts.isIdentifier(expression)) return undefined;
  const declaration = declarationOf(expression.text, expression);
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
  const init = skipOuter(declaration.initializer);
  if (!ts.isCallExpression(init) || !ts.isIdentifier(init.expression) || !/^(?:pg|mysql)Schema$/.test(init.expression.text))
    return undefined;
  const first = init.arguments[0];
  return first ? staticString(first) : undefined;
}

/** The table a `const x = pgTable('name', …)` declares, if this call is one. */
export function drizzleTable(call: ts.CallExpression, file: string): ModelDeclaration | undefined {
  const holder = call.parent;
  if (!ts.isVariableDeclaration(holder) || holder.initializer !== call || !ts.isIdentifier(holder.name)) return undefined;
  const callee = skipOuter(call.expression);
  const first = call.arguments[0];
  const name = first ? staticString(first) : undefined;
  if (name === undefined || call.arguments.length < 2) return undefined;
  let schema: string | undefined;
  if (ts.isIdentifier(callee)) {
    if (!TABLE_FACTORIES.has(callee.text)) return undefined;
  } else if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'table') {
    schema = schemaOf(callee.expression);
    if (schema === undefined) return undefined;
  } else {
    return undefined;
  }
  const table = tableName(schema === undefined ? [name] : [schema, name]);
  return table === undefined ? undefined : { file, names: [holder.name.text], table, via: 'drizzle', isDefault: false };
}

/**
 * A table value: an imported name, `schema.users` on a namespace import (or on an object
 * imported by name or not declared, by the table's name), or a table declared in this file.
 */
function tableValue(node: ts.Expression | undefined, file: string, method: string): ModelUse | undefined {
  const expression = node ? skipOuter(node) : undefined;
  if (!expression) return undefined;
  if (ts.isPropertyAccessExpression(expression) && ts.isIdentifier(expression.expression)) {
    const declaration = declarationOf(expression.expression.text, expression.expression);
    const origin = declaration ? importOriginOf(declaration) : undefined;
    const name = expression.name.text;
    if (origin?.name === '*') return { file, name, origin: { specifier: origin.specifier, name }, method, via: 'drizzle' };
    // A schema object imported by name (NuxtHub's `import { schema } from 'hub:db'`) or auto-imported
    // (Nuxt's `tables.todos`): the table of that name, when the project declares exactly one.
    return origin !== undefined || declaration === undefined ? { file, name, method, via: 'drizzle' } : undefined;
  }
  if (!ts.isIdentifier(expression)) return undefined;
  const declaration = declarationOf(expression.text, expression);
  if (!declaration) return undefined;
  const origin = importOriginOf(declaration);
  if (origin) return { file, name: expression.text, origin, method, via: 'drizzle' };
  const init = ts.isVariableDeclaration(declaration) && declaration.initializer ? skipOuter(declaration.initializer) : undefined;
  return init && ts.isCallExpression(init) && drizzleTable(init, file)
    ? { file, name: expression.text, method, via: 'drizzle' }
    : undefined;
}

/** A Drizzle query step that names a table, if this call is one. */
export function drizzleUse(call: ts.CallExpression, file: string): ModelUse | undefined {
  const callee = skipOuter(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  if (WRITE_METHODS.has(method) && call.arguments.length === 1) return tableValue(call.arguments[0], file, 'insert');
  if (READ_METHODS.has(method)) return tableValue(call.arguments[0], file, 'find');
  // db.query.users.findMany(): the relational API names the table by its schema key.
  const owner = skipOuter(callee.expression);
  if (RELATIONAL_READS.has(method) && ts.isPropertyAccessExpression(owner)) {
    const query = skipOuter(owner.expression);
    if (ts.isPropertyAccessExpression(query) && query.name.text === 'query')
      return { file, name: owner.name.text, method: 'find', via: 'drizzle' };
  }
  return undefined;
}
