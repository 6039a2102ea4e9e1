/** Prisma client calls: `prisma.order.findMany()`, `tx.orderItem.create()`, `this.prisma.user.update()`, `(tx || this.prisma).user.count()`. */
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
  return isClient(model.expression) ? { file, accessor: model.name.text, write } : undefined;
}

/** `prisma`, `this.prismaService`, `tx`, or a choice of those: `(tx || this.prisma)`, `(tx ?? prisma)`, `tx ? tx : prisma`. */
function isClient(node: ts.Expression): boolean {
  const client = skipOuter(node);
  if (ts.isIdentifier(client)) return CLIENT_NAME.test(client.text);
  if (ts.isPropertyAccessExpression(client)) return CLIENT_NAME.test(client.name.text);
  if (ts.isBinaryExpression(client)) {
    const operator = client.operatorToken.kind;
    const choice = operator === ts.SyntaxKind.BarBarToken || operator === ts.SyntaxKind.QuestionQuestionToken;
    return choice && (isClient(client.left) || isClient(client.right));
  }
  if (ts.isConditionalExpression(client)) return isClient(client.whenTrue) || isClient(client.whenFalse);
  return false;
}
