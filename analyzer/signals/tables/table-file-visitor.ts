/**
 * One walk over a file for table access: SQL strings, knex chains, ORM model declarations,
 * TypeORM repositories, Sequelize/TypeORM static calls and Prisma client calls.
 */
import ts from 'typescript';
import { declarationOf, importOriginOf, skipOuter } from '../ast/declarations.js';
import type { AccessTally } from './access-tally.js';
import { isChainTop, knexAccesses } from './knex-chains.js';
import { applyInit, classModel, defineModel, mongooseModel, type ClassModel } from './orm-declarations.js';
import { drizzleTable, drizzleUse } from './drizzle-tables.js';
import { instanceModelUse, unscopedModel } from './model-instances.js';
import { isModelMethod, type ModelDeclaration, type ModelUse } from './orm-models.js';
import { prismaUse, type PrismaUse } from './prisma-usage.js';
import { scanSql } from './sql-scanner.js';
import { candidateText } from './sql-strings.js';
import { isSystemCatalog, tableName } from './table-names.js';
import type { TableFeatures } from './table-hints.js';
import { TypeOrmRepositories } from './typeorm-repositories.js';

export interface FileTableFacts {
  models: ModelDeclaration[];
  uses: ModelUse[];
  prisma: PrismaUse[];
  /** Table names in SQL that are built at run time. */
  dynamic: number;
}

function staticModelUse(call: ts.CallExpression, file: string): ModelUse | undefined {
  const callee = skipOuter(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !isModelMethod(callee.name.text)) return undefined;
  const receiver = unscopedModel(callee.expression);
  if (ts.isIdentifier(receiver) && /^[A-Z]/.test(receiver.text)) {
    const declaration = declarationOf(receiver.text, receiver);
    const origin = declaration ? importOriginOf(declaration) : undefined;
    return { file, name: receiver.text, origin, method: callee.name.text };
  }
  // `db.User.findAll()`, `sequelize.models.User.findAll()`.
  if (
    ts.isPropertyAccessExpression(receiver) &&
    /^[A-Z]/.test(receiver.name.text) &&
    receiver.expression.kind !== ts.SyntaxKind.ThisKeyword
  ) {
    return { file, name: receiver.name.text, method: callee.name.text };
  }
  return undefined;
}

export function visitTableFile(file: string, sourceFile: ts.SourceFile, tally: AccessTally, features: TableFeatures): FileTableFacts {
  const facts: FileTableFacts = { models: [], uses: [], prisma: [], dynamic: 0 };
  const repositories = new TypeOrmRepositories(file);
  const classModels = new Map<string, ClassModel>();
  const inits: ts.CallExpression[] = [];

  const visit = (node: ts.Node): void => {
    const text = features.sql ? candidateText(node) : undefined;
    if (text !== undefined) {
      const scan = scanSql(text);
      if (scan) {
        facts.dynamic += scan.dynamic;
        for (const ref of scan.tables) {
          const table = tableName(ref.parts);
          if (table !== undefined && !isSystemCatalog(table)) tally.add(file, table, 'sql', ref.write);
        }
      }
    }
    if (!features.models && !features.typeorm && !features.knex && !features.prisma && !features.drizzle) {
      // Only SQL strings to look for.
    } else if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      const found = classModel(node, file);
      if (found) for (const name of found.model.names) classModels.set(name, found);
    } else if (features.typeorm && (ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node) || ts.isParameter(node))) {
      repositories.visitHolder(node);
    } else if (features.typeorm && ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      repositories.visitAssignment(node);
    } else if (ts.isCallExpression(node)) {
      visitCall(node);
    }
    ts.forEachChild(node, visit);
  };

  const visitCall = (call: ts.CallExpression): void => {
    if (features.knex && isChainTop(call)) {
      for (const access of knexAccesses(call)) tally.add(file, access.table, 'knex', access.write);
    }
    if (features.models) {
      const defined = defineModel(call, file) ?? mongooseModel(call, file);
      if (defined) facts.models.push(defined);
      const callee = call.expression;
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'init') inits.push(call);
      const use = staticModelUse(call, file) ?? instanceModelUse(call, file);
      if (use) facts.uses.push(use);
    }
    if (features.typeorm) repositories.visitCall(call);
    if (features.drizzle) {
      const table = drizzleTable(call, file);
      if (table) facts.models.push(table);
      const use = table ? undefined : drizzleUse(call, file);
      if (use) facts.uses.push(use);
    }
    if (features.prisma) {
      const prisma = prismaUse(call, file);
      if (prisma) facts.prisma.push(prisma);
    }
  };

  visit(sourceFile);
  for (const call of inits) applyInit(call, classModels);
  for (const found of new Set(classModels.values())) if (found.confirmed) facts.models.push(found.model);
  facts.uses.push(...repositories.finishFile());
  return facts;
}
