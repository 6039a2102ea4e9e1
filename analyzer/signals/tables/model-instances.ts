/**
 * Writes through model instances (Sequelize, TypeORM active record): `user.save()`,
 * `doc.update({…})`, `row.destroy()` where the receiver is a local whose model can be read
 * from the syntax alone — a type annotation naming a class (`(user: User)`,
 * `let doc: Document | null`, `{ user }: Props` with `interface Props { user: User }`) or an initializer that creates or loads one
 * (`await User.findByPk(id)`, `User.scope('x').findOne(…)`, `User.build({…})`, `new User()`). Which names are models is
 * decided in `finish`, against the declared models, like static calls.
 */
import ts from 'typescript';
import { declarationOf, importOriginOf, skipOuter } from '../ast/declarations.js';
import type { ModelUse } from './orm-models.js';

/** Instance methods that touch the row: `reload` reads it, the others write it. */
const INSTANCE_METHODS = new Set(['save', 'update', 'destroy', 'reload', 'increment', 'decrement', 'restore', 'remove', 'softRemove']);
/** App-defined instance helpers that wrap one of those (`saveWithCtx`, `updateWithCtx`, `destroyWithCtx`). */
const INSTANCE_HELPER = /^(?:save|update|destroy|restore)[A-Z]\w*$/;

export function isInstanceMethod(name: string): boolean {
  return INSTANCE_METHODS.has(name) || INSTANCE_HELPER.test(name);
}

/** Sequelize's scoped model: `User.scope('withTeam')`, `User.unscoped()`, `User.schema('x')` stand for `User`. */
export function unscopedModel(node: ts.Expression): ts.Expression {
  let current = skipOuter(node);
  while (ts.isCallExpression(current)) {
    const callee = skipOuter(current.expression);
    if (!ts.isPropertyAccessExpression(callee) || !['scope', 'unscoped', 'schema'].includes(callee.name.text)) break;
    current = skipOuter(callee.expression);
  }
  return current;
}

/** Capitalised class name of a type annotation: `User`, `User | null`, `models.User`. */
function typeClassName(type: ts.TypeNode | undefined): ts.Identifier | undefined {
  if (!type) return undefined;
  if (ts.isUnionTypeNode(type)) {
    const named = type.types.map(typeClassName).filter((name) => name !== undefined);
    return named.length === 1 ? named[0] : undefined;
  }
  if (ts.isParenthesizedTypeNode(type)) return typeClassName(type.type);
  if (!ts.isTypeReferenceNode(type) || type.typeArguments) return undefined;
  const name = ts.isIdentifier(type.typeName) ? type.typeName : type.typeName.right;
  return /^[A-Z]/.test(name.text) ? name : undefined;
}

/** The declared type of `name` in a type literal, or in an interface / type alias of this file (`{ user }: Props`). */
function memberType(type: ts.TypeNode | undefined, name: string, file: ts.SourceFile): ts.TypeNode | undefined {
  if (!type) return undefined;
  let members: ts.NodeArray<ts.TypeElement> | undefined;
  if (ts.isTypeLiteralNode(type)) members = type.members;
  else if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && !type.typeArguments) {
    const wanted = type.typeName.text;
    for (const statement of file.statements) {
      if (ts.isInterfaceDeclaration(statement) && statement.name.text === wanted) members = statement.members;
      else if (ts.isTypeAliasDeclaration(statement) && statement.name.text === wanted && ts.isTypeLiteralNode(statement.type))
        members = statement.type.members;
      if (members) break;
    }
  }
  const member = members?.find((item) => ts.isPropertySignature(item) && item.name.getText(file) === name);
  return member && ts.isPropertySignature(member) ? member.type : undefined;
}

/** The class a local holds, from its annotation, its initializer, or the annotated object it is destructured from. */
function localClassName(declaration: ts.Node): ts.Identifier | undefined {
  if (ts.isVariableDeclaration(declaration) || ts.isParameter(declaration)) {
    return typeClassName(declaration.type) ?? creatorClassName(declaration.initializer);
  }
  if (!ts.isBindingElement(declaration) || !ts.isObjectBindingPattern(declaration.parent)) return undefined;
  const holder = declaration.parent.parent;
  const property = declaration.propertyName ?? declaration.name;
  if (!(ts.isParameter(holder) || ts.isVariableDeclaration(holder)) || !ts.isIdentifier(property)) return undefined;
  return typeClassName(memberType(holder.type, property.text, declaration.getSourceFile()));
}

/** `Model.findOne(…)`, `Model.findByPk(…)`, Mongoose's `Model.findById(…)`, `Model.create(…)`, `Model.build(…)`, `new Model(…)` (after `await`, `!`, `as`). */
function creatorClassName(initializer: ts.Expression | undefined): ts.Identifier | undefined {
  if (!initializer) return undefined;
  const expression = skipOuter(initializer);
  if (ts.isNewExpression(expression)) {
    const callee = skipOuter(expression.expression);
    return ts.isIdentifier(callee) && /^[A-Z]/.test(callee.text) ? callee : undefined;
  }
  if (!ts.isCallExpression(expression)) return undefined;
  const callee = skipOuter(expression.expression);
  if (
    !ts.isPropertyAccessExpression(callee) ||
    !/^(?:find(?:One|ByPk|OneBy|OneOrFail|OrCreate|ById)?|create|build)$/.test(callee.name.text)
  ) {
    return undefined;
  }
  const owner = unscopedModel(callee.expression);
  return ts.isIdentifier(owner) && /^[A-Z]/.test(owner.text) ? owner : undefined;
}

/** The model use of `x.save()`-like calls on a local of a known class, if it is one. */
export function instanceModelUse(call: ts.CallExpression, file: string): ModelUse | undefined {
  const callee = skipOuter(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !isInstanceMethod(callee.name.text)) return undefined;
  const receiver = skipOuter(callee.expression);
  if (!ts.isIdentifier(receiver) || !/^[a-z_$]/.test(receiver.text)) return undefined;
  const declaration = declarationOf(receiver.text, receiver);
  const className = declaration ? localClassName(declaration) : undefined;
  if (!className) return undefined;
  const classDeclaration = declarationOf(className.text, className);
  const origin = classDeclaration ? importOriginOf(classDeclaration) : undefined;
  return { file, name: className.text, origin, method: callee.name.text, instance: true };
}
