/**
 * Lexical name lookup without a type checker: from a use of a name, walk out through the
 * enclosing scopes (blocks, functions, the file) to the statement, parameter or import
 * that declares it. Enough to follow `const router = Router()` to its uses and imports to
 * their source; `var` hoisting across blocks and `with` are not modelled.
 */
import ts from 'typescript';

export type Declaration =
  | ts.VariableDeclaration
  | ts.ParameterDeclaration
  | ts.BindingElement
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ClassDeclaration
  | ts.EnumDeclaration
  | ts.ImportClause
  | ts.ImportSpecifier
  | ts.NamespaceImport
  | ts.ImportEqualsDeclaration;

const fileScopes = new WeakMap<ts.SourceFile, ReadonlyMap<string, Declaration>>();

function bindingIn(name: ts.BindingName, wanted: string, declaration: Declaration): Declaration | undefined {
  if (ts.isIdentifier(name)) return name.text === wanted ? declaration : undefined;
  for (const element of name.elements) {
    if (!ts.isBindingElement(element)) continue;
    const found = bindingIn(element.name, wanted, ts.isIdentifier(element.name) ? element : declaration);
    if (found) return found;
  }
  return undefined;
}

function declaredBy(statement: ts.Statement, wanted: string): Declaration | undefined {
  if (ts.isVariableStatement(statement)) {
    for (const declaration of statement.declarationList.declarations) {
      const found = bindingIn(declaration.name, wanted, declaration);
      if (found) return found;
    }
    return undefined;
  }
  if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) {
    return statement.name?.text === wanted ? statement : undefined;
  }
  if (ts.isImportDeclaration(statement) && statement.importClause) {
    const clause = statement.importClause;
    if (clause.name?.text === wanted) return clause;
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) return bindings.name.text === wanted ? bindings : undefined;
    return bindings?.elements.find((element) => element.name.text === wanted);
  }
  if (ts.isImportEqualsDeclaration(statement)) return statement.name.text === wanted ? statement : undefined;
  return undefined;
}

function inStatements(statements: readonly ts.Statement[], wanted: string): Declaration | undefined {
  for (const statement of statements) {
    const found = declaredBy(statement, wanted);
    if (found) return found;
  }
  return undefined;
}

/** The file's top-level names, built once per file (most lookups end there). */
function fileScope(file: ts.SourceFile): ReadonlyMap<string, Declaration> {
  let names = fileScopes.get(file);
  if (!names) {
    const map = new Map<string, Declaration>();
    const add = (name: string, declaration: Declaration): void => {
      if (!map.has(name)) map.set(name, declaration);
    };
    const collect = (name: ts.BindingName, declaration: Declaration): void => {
      if (ts.isIdentifier(name)) add(name.text, declaration);
      else
        for (const element of name.elements)
          if (ts.isBindingElement(element)) collect(element.name, ts.isIdentifier(element.name) ? element : declaration);
    };
    for (const statement of file.statements) {
      if (ts.isVariableStatement(statement))
        for (const declaration of statement.declarationList.declarations) collect(declaration.name, declaration);
      else if (
        (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) &&
        statement.name
      )
        add(statement.name.text, statement);
      else if (ts.isImportDeclaration(statement) && statement.importClause) {
        const clause = statement.importClause;
        if (clause.name) add(clause.name.text, clause);
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) add(bindings.name.text, bindings);
        else if (bindings) for (const element of bindings.elements) add(element.name.text, element);
      } else if (ts.isImportEqualsDeclaration(statement)) add(statement.name.text, statement);
    }
    names = map;
    fileScopes.set(file, names);
  }
  return names;
}

function declaredIn(scope: ts.Node, wanted: string): Declaration | undefined {
  if (ts.isSourceFile(scope)) return fileScope(scope).get(wanted);
  if (ts.isBlock(scope) || ts.isModuleBlock(scope)) return inStatements(scope.statements, wanted);
  if (ts.isCaseBlock(scope)) {
    for (const clause of scope.clauses) {
      const found = inStatements(clause.statements, wanted);
      if (found) return found;
    }
    return undefined;
  }
  if (ts.isFunctionLike(scope)) {
    for (const parameter of scope.parameters) {
      const found = bindingIn(parameter.name, wanted, parameter);
      if (found) return found;
    }
    return ts.isFunctionExpression(scope) && scope.name?.text === wanted ? scope : undefined;
  }
  if (
    (ts.isForStatement(scope) || ts.isForInStatement(scope) || ts.isForOfStatement(scope)) &&
    scope.initializer &&
    ts.isVariableDeclarationList(scope.initializer)
  ) {
    for (const declaration of scope.initializer.declarations) {
      const found = bindingIn(declaration.name, wanted, declaration);
      if (found) return found;
    }
    return undefined;
  }
  if (ts.isCatchClause(scope) && scope.variableDeclaration)
    return bindingIn(scope.variableDeclaration.name, wanted, scope.variableDeclaration);
  return undefined;
}

/** The declaration a name refers to at `from`, or undefined for globals and unknown names. */
export function declarationOf(name: string, from: ts.Node): Declaration | undefined {
  for (let scope: ts.Node | undefined = from.parent; scope; scope = scope.parent) {
    const found = declaredIn(scope, name);
    if (found) return found;
  }
  return undefined;
}

/** Where an imported name comes from: module specifier and the name exported there. */
export interface ImportOrigin {
  specifier: string;
  /** `default`, `*` (namespace) or `export=` (`import x = require()` / `const x = require()`), else the exported name. */
  name: string;
}

const stringArgument = (call: ts.CallExpression): string | undefined => {
  const first = call.arguments[0];
  return first && ts.isStringLiteralLike(first) ? first.text : undefined;
};

/** `require('x')`, with the specifier. */
export function requiredSpecifier(node: ts.Expression): string | undefined {
  if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require') return stringArgument(node);
  return undefined;
}

/** The import (or `require`) that declares this name, if it is one. */
export function importOriginOf(declaration: Declaration): ImportOrigin | undefined {
  if (ts.isImportClause(declaration)) return { specifier: moduleText(declaration.parent.moduleSpecifier), name: 'default' };
  if (ts.isNamespaceImport(declaration)) return { specifier: moduleText(declaration.parent.parent.moduleSpecifier), name: '*' };
  if (ts.isImportSpecifier(declaration)) {
    const imported = declaration.propertyName ?? declaration.name;
    return { specifier: moduleText(declaration.parent.parent.parent.moduleSpecifier), name: imported.text };
  }
  if (ts.isImportEqualsDeclaration(declaration)) {
    const reference = declaration.moduleReference;
    if (ts.isExternalModuleReference(reference) && ts.isStringLiteralLike(reference.expression)) {
      return { specifier: reference.expression.text, name: 'export=' };
    }
    return undefined;
  }
  if (ts.isVariableDeclaration(declaration) && declaration.initializer) {
    const init = skipOuter(declaration.initializer);
    const direct = requiredSpecifier(init);
    if (direct !== undefined) return { specifier: direct, name: 'export=' };
    if (ts.isPropertyAccessExpression(init)) {
      const inner = requiredSpecifier(skipOuter(init.expression));
      if (inner !== undefined) return { specifier: inner, name: init.name.text };
    }
    return undefined;
  }
  if (ts.isBindingElement(declaration) && ts.isObjectBindingPattern(declaration.parent)) {
    const variable = declaration.parent.parent;
    if (!ts.isVariableDeclaration(variable) || !variable.initializer) return undefined;
    const specifier = requiredSpecifier(skipOuter(variable.initializer));
    const property = declaration.propertyName ?? declaration.name;
    if (specifier === undefined || !ts.isIdentifier(property)) return undefined;
    return { specifier, name: property.text };
  }
  return undefined;
}

function moduleText(specifier: ts.Expression): string {
  return ts.isStringLiteralLike(specifier) ? specifier.text : '';
}

/** Strips parentheses, `as`, `!`, `satisfies`, type assertions and `await`. */
export function skipOuter(node: ts.Expression): ts.Expression {
  let current = node;
  for (;;) {
    if (
      ts.isParenthesizedExpression(current) ||
      ts.isAsExpression(current) ||
      ts.isNonNullExpression(current) ||
      ts.isSatisfiesExpression(current) ||
      ts.isTypeAssertionExpression(current) ||
      ts.isAwaitExpression(current)
    ) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

/** True for `const` declarations. */
export function isConst(declaration: ts.VariableDeclaration): boolean {
  const list = declaration.parent;
  return ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0;
}
