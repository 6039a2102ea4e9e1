/**
 * Turns expressions into `ValueRef`s and records what local declarations hold (routers,
 * functions and what they return, classes and their router properties, parameters).
 * Everything is syntactic and per file; imports stay symbolic until `finish`.
 */
import ts from 'typescript';
import { declarationOf, importOriginOf, requiredSpecifier, skipOuter, type Declaration } from '../ast/declarations.js';
import { staticString } from '../ast/literals.js';
import type { LocalValue, MountFact, ValueRef } from './route-facts.js';
import { frameworkOfPackage, routerCreation, routerType, type CreatedRouter } from './router-creation.js';

const MAX_DEPTH = 16;
/** Methods that return their receiver, so `app.get(…).post(…)` chains stay on `app`. */
const CHAINING_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'options', 'head', 'all', 'use', 'on', 'prefix']);

export function nodeId(file: string, node: ts.Node): string {
  return `${file}#${node.pos}-${node.end}-${node.kind}`;
}

export class ValueRefs {
  private readonly computed = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly values: Map<string, LocalValue>,
    private readonly mounts: MountFact[],
  ) {}

  /** A reference to what an expression evaluates to, if it can be followed. */
  refOf(node: ts.Expression, depth = 0): ValueRef | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const expression = skipOuter(node);
    if (ts.isIdentifier(expression)) {
      const declaration = declarationOf(expression.text, expression);
      return declaration ? this.refOfDeclaration(declaration) : undefined;
    }
    const created = routerCreation(expression);
    if (created) return this.local(expression, () => routerValue(created, this.file));
    if (ts.isArrowFunction(expression) || ts.isFunctionExpression(expression)) {
      return this.local(expression, () => this.functionValue(expression));
    }
    if (ts.isCallExpression(expression)) return this.refOfCall(expression, depth);
    if (ts.isNewExpression(expression)) {
      const callee = this.refOf(expression.expression, depth + 1);
      return callee && { kind: 'new', callee };
    }
    if (ts.isPropertyAccessExpression(expression)) {
      if (expression.expression.kind === ts.SyntaxKind.ThisKeyword) return this.thisMember(expression);
      const object = this.refOf(expression.expression, depth + 1);
      return object && { kind: 'member', object, name: expression.name.text };
    }
    return undefined;
  }

  /** A reference to what a declared name holds. */
  refOfDeclaration(declaration: Declaration): ValueRef | undefined {
    const origin = importOriginOf(declaration);
    if (origin) return { kind: 'import', from: this.file, specifier: origin.specifier, name: origin.name };
    if (ts.isVariableDeclaration(declaration)) return this.local(declaration, () => this.variableValue(declaration));
    if (ts.isParameter(declaration)) return this.local(declaration, () => this.parameterValue(declaration));
    if (ts.isFunctionDeclaration(declaration) || ts.isFunctionExpression(declaration)) {
      return this.local(declaration, () => this.functionValue(declaration));
    }
    if (ts.isClassDeclaration(declaration)) return this.local(declaration, () => this.classValue(declaration));
    if (ts.isBindingElement(declaration) && ts.isObjectBindingPattern(declaration.parent)) {
      const holder = declaration.parent.parent;
      const property = declaration.propertyName ?? declaration.name;
      if (!ts.isVariableDeclaration(holder) || !holder.initializer || !ts.isIdentifier(property)) return undefined;
      const object = this.refOf(holder.initializer);
      return object && { kind: 'member', object, name: property.text };
    }
    return undefined;
  }

  private local(node: ts.Node, compute: () => LocalValue | undefined): ValueRef {
    const id = nodeId(this.file, node);
    if (!this.computed.has(id)) {
      this.computed.add(id);
      const value = compute();
      if (value) this.values.set(id, value);
    }
    return { kind: 'local', id };
  }

  private refOfCall(call: ts.CallExpression, depth: number): ValueRef | undefined {
    const required = requiredSpecifier(call);
    if (required !== undefined) return { kind: 'import', from: this.file, specifier: required, name: 'export=' };
    const first = call.arguments[0];
    if (call.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const specifier = first ? staticString(first) : undefined;
      return specifier === undefined ? undefined : { kind: 'import', from: this.file, specifier, name: 'default' };
    }
    const callee = skipOuter(call.expression);
    if (ts.isPropertyAccessExpression(callee)) {
      const name = callee.name.text;
      // koa-router: `router.routes()` / `router.middleware()` is the router's middleware.
      if ((name === 'routes' || name === 'middleware') && call.arguments.length === 0) return this.refOf(callee.expression, depth + 1);
      if (name === 'basePath' && first) return this.derivedRouter(call, callee, first);
      // `app.use(…)` returns the app; `app.get(path, handler)` too (`app.get('env')` reads a setting).
      if (name === 'use' || (CHAINING_METHODS.has(name) && call.arguments.length >= 2)) return this.refOf(callee.expression, depth + 1);
    }
    if (ts.isIdentifier(callee) && first && this.isPluginWrapper(callee)) return this.refOf(first, depth + 1);
    const target = this.refOf(callee, depth + 1);
    return target && { kind: 'call', callee: target };
  }

  /** `fp(plugin)` from fastify-plugin: the plugin itself. */
  private isPluginWrapper(callee: ts.Identifier): boolean {
    const declaration = declarationOf(callee.text, callee);
    const origin = declaration ? importOriginOf(declaration) : undefined;
    if (origin) return origin.specifier === 'fastify-plugin';
    return callee.text === 'fp' || callee.text === 'fastifyPlugin';
  }

  /** Hono's `app.basePath('/api')`: a new app whose routes land on `app` under the prefix. */
  private derivedRouter(call: ts.CallExpression, callee: ts.PropertyAccessExpression, first: ts.Expression): ValueRef | undefined {
    const prefix = staticString(first);
    if (prefix === undefined) return undefined;
    const parent = this.refOf(callee.expression);
    if (!parent) return undefined;
    return this.local(call, () => {
      const child: ValueRef = { kind: 'local', id: nodeId(this.file, call) };
      this.mounts.push({ file: this.file, parent, prefixes: [{ value: prefix, regex: false }], child, kind: 'basePath' });
      return { kind: 'router', framework: 'hono', prefix: '', file: this.file };
    });
  }

  private variableValue(declaration: ts.VariableDeclaration): LocalValue | undefined {
    return this.holderValue(declaration.initializer, declaration.type);
  }

  /** The value of a variable or property from its initializer and type annotation. */
  private holderValue(initializer: ts.Expression | undefined, type: ts.TypeNode | undefined): LocalValue | undefined {
    const typed = routerType(type);
    if (initializer) {
      const created = routerCreation(initializer);
      if (created) return routerValue(created, this.file);
      const init = skipOuter(initializer);
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return this.functionValue(init);
      if (ts.isClassExpression(init)) return this.classValue(init);
      const ref = this.refOf(init);
      if (ref) return typed ? { kind: 'alias', ref, fallback: typed } : { kind: 'alias', ref };
    }
    return typed ? { kind: 'router', framework: typed, prefix: '', file: this.file } : undefined;
  }

  private parameterValue(parameter: ts.ParameterDeclaration): LocalValue | undefined {
    if (!ts.isIdentifier(parameter.name)) return undefined;
    const typed = routerType(parameter.type);
    if (typed) return { kind: 'router', framework: typed, prefix: '', file: this.file };
    return { kind: 'param', name: parameter.name.text, file: this.file };
  }

  private functionValue(fn: ts.FunctionLikeDeclaration): LocalValue {
    const params = fn.parameters.map((parameter) => this.refOfDeclaration(parameter));
    const ids = params.map((ref) => (ref?.kind === 'local' ? ref.id : ''));
    const returns: ValueRef[] = [];
    const body = fn.body;
    if (body && !ts.isBlock(body)) {
      const ref = this.refOf(body);
      if (ref) returns.push(ref);
    } else if (body) {
      // Return statements of the function itself: statements only, not into expressions or nested functions.
      const visit = (node: ts.Node): void => {
        if (ts.isReturnStatement(node)) {
          const ref = node.expression ? this.refOf(node.expression) : undefined;
          if (ref) returns.push(ref);
        } else if (
          ts.isBlock(node) ||
          ts.isIfStatement(node) ||
          ts.isTryStatement(node) ||
          ts.isCatchClause(node) ||
          ts.isSwitchStatement(node) ||
          ts.isCaseBlock(node) ||
          ts.isCaseClause(node) ||
          ts.isDefaultClause(node) ||
          ts.isLabeledStatement(node) ||
          ts.isIterationStatement(node, false)
        ) {
          ts.forEachChild(node, visit);
        }
      };
      visit(body);
    }
    return { kind: 'function', params: ids, returns, file: this.file };
  }

  private classValue(cls: ts.ClassLikeDeclaration): LocalValue {
    const members = new Map<string, string>();
    for (const member of cls.members) {
      if (ts.isPropertyDeclaration(member) && ts.isIdentifier(member.name)) {
        const ref = this.local(member, () => this.holderValue(member.initializer, member.type));
        if (ref.kind === 'local') members.set(member.name.text, ref.id);
      }
      if (ts.isConstructorDeclaration(member) && member.body) {
        for (const parameter of member.parameters) {
          if (ts.isIdentifier(parameter.name) && ts.getModifiers(parameter)?.length) {
            const ref = this.refOfDeclaration(parameter);
            if (ref?.kind === 'local') members.set(parameter.name.text, ref.id);
          }
        }
        for (const statement of member.body.statements) {
          const assigned = thisAssignment(statement);
          if (assigned && !members.has(assigned.name)) {
            const ref = this.local(assigned.node, () => this.holderValue(assigned.value, undefined));
            if (ref.kind === 'local') members.set(assigned.name, ref.id);
          }
        }
      }
    }
    return { kind: 'class', members, file: this.file };
  }

  /** `this.router` inside a class: the property's value. */
  private thisMember(access: ts.PropertyAccessExpression): ValueRef | undefined {
    let node: ts.Node | undefined = access.parent;
    while (node && !ts.isClassLike(node)) node = node.parent;
    if (!node) return undefined;
    const cls = node;
    const ref = this.local(cls, () => this.classValue(cls));
    const value = ref.kind === 'local' ? this.values.get(ref.id) : undefined;
    const member = value?.kind === 'class' ? value.members.get(access.name.text) : undefined;
    return member === undefined ? undefined : { kind: 'local', id: member };
  }
}

function thisAssignment(statement: ts.Statement): { name: string; value: ts.Expression; node: ts.Node } | undefined {
  if (!ts.isExpressionStatement(statement)) return undefined;
  const expression = statement.expression;
  if (!ts.isBinaryExpression(expression) || expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  const left = expression.left;
  if (!ts.isPropertyAccessExpression(left) || left.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  return { name: left.name.text, value: expression.right, node: expression };
}

function routerValue(created: CreatedRouter, file: string): LocalValue {
  return { kind: 'router', framework: created.framework, prefix: created.prefix, file, ...(created.mountable ? { mountable: true } : {}) };
}

/** The web framework a file imports, if any. */
export function fileFramework(sourceFile: ts.SourceFile): ReturnType<typeof frameworkOfPackage> {
  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteralLike(statement.moduleSpecifier)) {
      const framework = frameworkOfPackage(statement.moduleSpecifier.text);
      if (framework) return framework;
    }
  }
  return undefined;
}
