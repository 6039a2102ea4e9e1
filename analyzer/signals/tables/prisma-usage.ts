/** Prisma client calls: `prisma.order.findMany()`, `tx.orderItem.create()`, `this.prisma.user.update()`. */
import ts from 'typescript';
import { skipOuter } from '../ast/declarations.js';

const READS = new Set(['findMany', 'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'count', 'aggregate', 'groupBy']);
const WRITES = new Set([
  'create',
  'createMany',
  'createManyAndReturn',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'upsert',
  'delete',
  'deleteMany',
]);
const CLIENT_NAME = /prisma|^db$|^tx$|^trx$|^client$|^database$/i;

export interface PrismaUse {
  file: string;
  accessor: string;
  write: boolean;
}

export function prismaUse(call: ts.CallExpression, file: string): PrismaUse | undefined {
  const callee = skipOuter(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const write = WRITES.has(method);
  if (!write && !READS.has(method)) return undefined;
  const model = skipOuter(callee.expression);
  if (!ts.isPropertyAccessExpression(model) || !/^[a-z]/.test(model.name.text)) return undefined;
  const client = skipOuter(model.expression);
  const clientName = ts.isIdentifier(client) ? client.text : ts.isPropertyAccessExpression(client) ? client.name.text : '';
  return CLIENT_NAME.test(clientName) ? { file, accessor: model.name.text, write } : undefined;
}
