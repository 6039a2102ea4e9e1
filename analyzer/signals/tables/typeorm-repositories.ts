/**
 * TypeORM repositories within one file: where a repository of entity X comes from
 * (`getRepository(X)`, `dataSource.getRepository(X)`, `@InjectRepository(X)`, a
 * `Repository<X>` type; and @nestjs/mongoose's `@InjectModel(Cat.name)`) and which methods are called on it (`repo.find()`, `this.orders.save()`),
 * plus entity-manager calls that name the entity (`manager.save(X, …)`) and query builders
 * given an entity (`.insert().into(X)`, `.from(X, 'x')`, `.update(X)`, `.delete().from(X)`,
 * `.leftJoin(X, 'x', …)`, `ds.createQueryBuilder(X, 'x')`).
 */
import ts from 'typescript';
import { declarationOf, importOriginOf, skipOuter } from '../ast/declarations.js';
import { staticString } from '../ast/literals.js';
import { MODEL_METHODS, type ModelUse } from './orm-models.js';

const GET_REPOSITORY = new Set(['getRepository', 'getTreeRepository', 'getMongoRepository']);
const REPOSITORY_TYPES = new Set(['Repository', 'TreeRepository', 'MongoRepository']);
const MANAGER_NAME = /manager|^em$|^t?x$|^trx$|queryRunner|dataSource|^ds$|connection/i;
/** Query-builder methods that take an entity class, and the repository method each amounts to. */
const BUILDER_METHODS: Readonly<Record<string, string>> = {
  into: 'insert',
  from: 'find',
  update: 'update',
  innerJoin: 'find',
  leftJoin: 'find',
  innerJoinAndSelect: 'find',
  leftJoinAndSelect: 'find',
  innerJoinAndMapOne: 'find',
  leftJoinAndMapOne: 'find',
  innerJoinAndMapMany: 'find',
  leftJoinAndMapMany: 'find',
};

/** True when a builder chain below this call has `.delete()` (so its `.from(X)` is the deleted table). */
function chainDeletes(node: ts.Expression): boolean {
  for (let current = skipOuter(node); ts.isCallExpression(current);) {
    const callee = skipOuter(current.expression);
    if (!ts.isPropertyAccessExpression(callee)) return false;
    if (callee.name.text === 'delete' && current.arguments.length === 0) return true;
    current = skipOuter(callee.expression);
  }
  return false;
}

/** True when the receiver is itself a call chain that contains `createQueryBuilder()`. */
function isBuilderChain(node: ts.Expression): boolean {
  for (let current = skipOuter(node); ts.isCallExpression(current);) {
    const callee = skipOuter(current.expression);
    if (!ts.isPropertyAccessExpression(callee)) return false;
    if (callee.name.text === 'createQueryBuilder') return true;
    current = skipOuter(callee.expression);
  }
  return false;
}

interface EntityName {
  name: string;
  /** The name where it is written; absent for a model named by a string (`@InjectModel('Cat')`). */
  node?: ts.Identifier;
  /** The ORM of the model (default: TypeORM). */
  via?: 'mongoose';
}

/**
 * @nestjs/mongoose's `@InjectModel(Cat.name)`, `@InjectModel('Cat')` or `@InjectModel(CAT)` with
 * a constant of this file: the model Cat.
 */
function injectedModel(argument: ts.Expression | undefined): EntityName | undefined {
  const expression = argument ? skipOuter(argument) : undefined;
  if (!expression) return undefined;
  if (ts.isPropertyAccessExpression(expression) && expression.name.text === 'name' && ts.isIdentifier(expression.expression))
    return { name: expression.expression.text, node: expression.expression, via: 'mongoose' };
  const literal = staticString(expression);
  return literal !== undefined && /^[A-Z]/.test(literal) ? { name: literal, via: 'mongoose' } : undefined;
}

/** `@Inject(getModelToken(Cat.name))`: the token @InjectModel(Cat.name) stands for, written out. */
function modelToken(argument: ts.Expression | undefined): EntityName | undefined {
  const expression = argument ? skipOuter(argument) : undefined;
  if (!expression || !ts.isCallExpression(expression)) return undefined;
  const callee = skipOuter(expression.expression);
  return ts.isIdentifier(callee) && callee.text === 'getModelToken' ? injectedModel(expression.arguments[0]) : undefined;
}

function entityArgument(node: ts.Expression | undefined): EntityName | undefined {
  const expression = node ? skipOuter(node) : undefined;
  return expression && ts.isIdentifier(expression) && /^[A-Z]/.test(expression.text)
    ? { name: expression.text, node: expression }
    : undefined;
}

/** `getRepository(X)` / `ds.getRepository(X)` / `….getRepository(X).extend({…})`: X. */
export function repositoryCallEntity(node: ts.Expression): EntityName | undefined {
  let expression = skipOuter(node);
  if (
    ts.isCallExpression(expression) &&
    ts.isPropertyAccessExpression(expression.expression) &&
    expression.expression.name.text === 'extend'
  ) {
    expression = skipOuter(expression.expression.expression);
  }
  if (!ts.isCallExpression(expression)) return undefined;
  const callee = skipOuter(expression.expression);
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  return GET_REPOSITORY.has(name) ? entityArgument(expression.arguments[0]) : undefined;
}

function repositoryTypeEntity(type: ts.TypeNode | undefined): EntityName | undefined {
  if (!type || !ts.isTypeReferenceNode(type)) return undefined;
  const name = ts.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text;
  const argument = type.typeArguments?.[0];
  if (!REPOSITORY_TYPES.has(name) || !argument || !ts.isTypeReferenceNode(argument) || !ts.isIdentifier(argument.typeName))
    return undefined;
  return { name: argument.typeName.text, node: argument.typeName };
}

function injectedEntity(node: ts.Node): EntityName | undefined {
  if (!ts.canHaveDecorators(node)) return undefined;
  for (const item of ts.getDecorators(node) ?? []) {
    const expression = skipOuter(item.expression);
    if (!ts.isCallExpression(expression) || !ts.isIdentifier(expression.expression)) continue;
    if (expression.expression.text === 'InjectRepository') return entityArgument(expression.arguments[0]);
    if (expression.expression.text === 'InjectModel') return injectedModel(expression.arguments[0]);
    if (expression.expression.text === 'Inject') {
      const token = modelToken(expression.arguments[0]);
      if (token) return token;
    }
  }
  return undefined;
}

function classKey(node: ts.Node, name: string): string | undefined {
  let current: ts.Node | undefined = node.parent;
  while (current && !ts.isClassLike(current)) current = current.parent;
  return current ? `this@${current.pos}.${name}` : undefined;
}

export class TypeOrmRepositories {
  private readonly bindings = new Map<string, EntityName>();
  private readonly calls: Array<{ key: string; method: string }> = [];
  private readonly uses: ModelUse[] = [];

  constructor(private readonly file: string) {}

  /** A declaration (variable, property, parameter) that may hold a repository. */
  visitHolder(node: ts.VariableDeclaration | ts.PropertyDeclaration | ts.ParameterDeclaration): void {
    if (!ts.isIdentifier(node.name)) return;
    const entity =
      injectedEntity(node) ?? repositoryTypeEntity(node.type) ?? (node.initializer ? repositoryCallEntity(node.initializer) : undefined);
    if (!entity) return;
    if (ts.isPropertyDeclaration(node) || (ts.isParameter(node) && ts.getModifiers(node)?.length)) {
      const key = classKey(node, node.name.text);
      if (key !== undefined) this.bindings.set(key, entity);
    }
    if (!ts.isPropertyDeclaration(node)) this.bindings.set(`var@${node.pos}`, entity);
  }

  /** `this.repo = ds.getRepository(X)`. */
  visitAssignment(node: ts.BinaryExpression): void {
    const left = node.left;
    if (!ts.isPropertyAccessExpression(left) || left.expression.kind !== ts.SyntaxKind.ThisKeyword) return;
    const entity = repositoryCallEntity(node.right);
    const key = entity && classKey(node, left.name.text);
    if (entity && key !== undefined) this.bindings.set(key, entity);
  }

  visitCall(call: ts.CallExpression): void {
    const callee = skipOuter(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return;
    const builderMethod = BUILDER_METHODS[callee.name.text];
    const builderEntity = builderMethod === undefined ? undefined : entityArgument(call.arguments[0]);
    if (builderMethod !== undefined && builderEntity && isBuilderChain(callee.expression)) {
      this.addUse(builderEntity, callee.name.text === 'from' && chainDeletes(callee.expression) ? 'delete' : builderMethod);
      return;
    }
    if (!MODEL_METHODS.has(callee.name.text)) return;
    const method = callee.name.text;
    const receiver = skipOuter(callee.expression);
    const direct = repositoryCallEntity(receiver);
    if (direct) {
      this.addUse(direct, method);
      return;
    }
    if (ts.isIdentifier(receiver)) {
      const declaration = declarationOf(receiver.text, receiver);
      if (declaration) this.calls.push({ key: `var@${declaration.pos}`, method });
    } else if (ts.isPropertyAccessExpression(receiver) && receiver.expression.kind === ts.SyntaxKind.ThisKeyword) {
      const key = classKey(call, receiver.name.text);
      if (key !== undefined) this.calls.push({ key, method });
    }
    const receiverName = ts.isIdentifier(receiver) ? receiver.text : ts.isPropertyAccessExpression(receiver) ? receiver.name.text : '';
    const entity = entityArgument(call.arguments[0]);
    if (entity && MANAGER_NAME.test(receiverName)) this.addUse(entity, method);
  }

  private addUse(entity: EntityName, method: string): void {
    const declaration = entity.node ? declarationOf(entity.name, entity.node) : undefined;
    const origin = declaration ? importOriginOf(declaration) : undefined;
    this.uses.push({ file: this.file, name: entity.name, origin, method, via: entity.via ?? 'typeorm' });
  }

  /** The uses of this file; a repository obtained but never called counts as one read. */
  finishFile(): ModelUse[] {
    const used = new Set<string>();
    for (const call of this.calls) {
      const entity = this.bindings.get(call.key);
      if (!entity) continue;
      used.add(call.key);
      this.addUse(entity, call.method);
    }
    const idle = new Map<string, EntityName>();
    for (const [key, entity] of this.bindings) {
      if (!used.has(key)) idle.set(entity.name, entity);
    }
    for (const [, entity] of idle) {
      if (![...used].some((key) => this.bindings.get(key)?.name === entity.name)) this.addUse(entity, 'find');
    }
    return this.uses;
  }
}
