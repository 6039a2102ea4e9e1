/**
 * knex query chains: `knex('orders')`, `db('orders as o')`, `knex.from('t')`,
 * `trx.insert(row).into('t')`, `.join('t', …)` and its kinds. The table the chain starts
 * from is written when the chain holds insert/update/del/delete/…, read otherwise; joined
 * tables are read. One access per chain and table.
 */
import ts from 'typescript';
import { declarationOf, importOriginOf, skipOuter } from '../ast/declarations.js';
import { staticString } from '../ast/literals.js';
import { tableNameFromText } from './table-names.js';

const KNEX_NAME = /^(?:knex|db|trx|database)$|knex$/i;
const TARGET_METHODS = new Set(['from', 'table', 'into']);
const JOIN_METHODS = new Set([
  'join',
  'innerJoin',
  'leftJoin',
  'leftOuterJoin',
  'rightJoin',
  'rightOuterJoin',
  'fullOuterJoin',
  'crossJoin',
  'outerJoin',
]);
const WRITE_METHODS = new Set(['insert', 'update', 'del', 'delete', 'truncate', 'upsert', 'increment', 'decrement', 'merge']);

export interface KnexAccess {
  table: string;
  write: boolean;
}

interface Link {
  name: string;
  args: readonly ts.Expression[];
}

/** A name that holds a knex instance: by name, by `knex(…)` initializer, or by a `Knex` type. */
function isKnexName(identifier: ts.Identifier): boolean {
  if (KNEX_NAME.test(identifier.text)) return true;
  const declaration = declarationOf(identifier.text, identifier);
  if (!declaration) return false;
  if (
    (ts.isVariableDeclaration(declaration) || ts.isParameter(declaration)) &&
    declaration.type &&
    /\bKnex\b/.test(declaration.type.getText())
  )
    return true;
  if (ts.isVariableDeclaration(declaration) && declaration.initializer) {
    const init = skipOuter(declaration.initializer);
    if (ts.isCallExpression(init)) {
      const callee = skipOuter(init.expression);
      if (ts.isIdentifier(callee)) {
        const origin = declarationOf(callee.text, callee);
        const imported = origin ? importOriginOf(origin) : undefined;
        return imported?.specifier === 'knex';
      }
      if (ts.isCallExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'require') {
        const first = callee.arguments[0];
        return first !== undefined && ts.isStringLiteralLike(first) && first.text === 'knex';
      }
    }
  }
  return false;
}

/** `Knex(config)` / `knex(config)` imported from 'knex' (or `require('knex')(config)`): the factory, not a query. */
function isKnexFactory(node: ts.Expression): boolean {
  const expression = skipOuter(node);
  if (ts.isCallExpression(expression)) {
    const first = expression.arguments[0];
    return (
      ts.isIdentifier(expression.expression) &&
      expression.expression.text === 'require' &&
      first !== undefined &&
      ts.isStringLiteralLike(first) &&
      first.text === 'knex'
    );
  }
  if (!ts.isIdentifier(expression)) return false;
  const declaration = declarationOf(expression.text, expression);
  const origin = declaration ? importOriginOf(declaration) : undefined;
  return origin?.specifier === 'knex';
}

/** A knex instance: a knex-like name, `this.db`, a decorated `fastify.knex`, or a choice `(trx ?? knex)`. */
function isKnexRoot(node: ts.Expression): boolean {
  const expression = skipOuter(node);
  if (ts.isIdentifier(expression)) return isKnexName(expression);
  if (ts.isPropertyAccessExpression(expression)) return KNEX_NAME.test(expression.name.text);
  if (ts.isBinaryExpression(expression)) {
    const operator = expression.operatorToken.kind;
    const choice = operator === ts.SyntaxKind.BarBarToken || operator === ts.SyntaxKind.QuestionQuestionToken;
    return choice && (isKnexRoot(expression.left) || isKnexRoot(expression.right));
  }
  return false;
}

function tableArgument(node: ts.Expression | undefined): string | undefined {
  if (!node) return undefined;
  const text = staticString(node);
  if (text !== undefined) return tableNameFromText(text);
  const expression = skipOuter(node);
  if (ts.isObjectLiteralExpression(expression) && expression.properties.length === 1) {
    const property = expression.properties[0];
    if (property && ts.isPropertyAssignment(property)) {
      const value = staticString(property.initializer);
      return value === undefined ? undefined : tableNameFromText(value);
    }
  }
  return undefined;
}

/** True when `call` is the outermost call of its chain (`a().b().c()` is read once, at `c`). */
export function isChainTop(call: ts.CallExpression): boolean {
  const parent = call.parent;
  return !(ts.isPropertyAccessExpression(parent) && parent.expression === call && ts.isCallExpression(parent.parent));
}

/** Table accesses of a knex chain ending at `top`, or [] when the chain is not knex. */
export function knexAccesses(top: ts.CallExpression): KnexAccess[] {
  const links: Link[] = [];
  let current: ts.Expression = top;
  let rootTable: string | undefined;
  for (;;) {
    const expression = skipOuter(current);
    if (!ts.isCallExpression(expression)) {
      if (!isKnexRoot(expression)) return [];
      break;
    }
    const callee = skipOuter(expression.expression);
    // `this.db('orders')`, `fastify.knex('orders')`: a knex instance held by an object, called with the table.
    const rootOnObject = ts.isPropertyAccessExpression(callee) && isKnexRoot(callee) && expression.arguments.length === 1;
    if (ts.isPropertyAccessExpression(callee) && !rootOnObject) {
      links.unshift({ name: callee.name.text, args: expression.arguments });
      current = callee.expression;
      continue;
    }
    if (!isKnexRoot(callee) || isKnexFactory(callee) || expression.arguments.length !== 1) return [];
    rootTable = tableArgument(expression.arguments[0]);
    if (rootTable === undefined) return [];
    break;
  }
  if (links.some((link) => link.name === 'schema' || link.name === 'raw')) return [];
  const write = links.some((link) => WRITE_METHODS.has(link.name));
  const accesses: KnexAccess[] = [];
  let target = rootTable;
  let schema: string | undefined;
  for (const link of links) {
    if (link.name === 'withSchema') schema = link.args[0] ? staticString(link.args[0]) : undefined;
    else if (TARGET_METHODS.has(link.name)) {
      const table = tableArgument(link.args[0]);
      if (table !== undefined) target = table;
    } else if (JOIN_METHODS.has(link.name)) {
      const table = tableArgument(link.args[0]);
      if (table !== undefined) accesses.push({ table, write: false });
    }
  }
  if (target !== undefined) {
    const qualified = schema !== undefined && !target.includes('.') && schema !== 'public' ? `${schema}.${target}` : target;
    accesses.unshift({ table: qualified, write });
  }
  const ctes = new Set(
    links
      .filter((link) => link.name === 'with' || link.name === 'withRecursive')
      .map((link) => (link.args[0] ? staticString(link.args[0]) : undefined)),
  );
  return accesses.filter((access) => !ctes.has(access.table));
}
