/**
 * What a file exports, as `ValueRef`s: ES exports (`export const`, `export default`,
 * `export { a as b }`, re-exports, `export *`) and CommonJS (`export =`, `module.exports =`,
 * `exports.x =`, `Object.assign(module.exports, { … })`). `export =` and `module.exports =` are
 * recorded under `export=`.
 */
import ts from 'typescript';
import { declarationOf, requiredSpecifier, skipOuter } from '../ast/declarations.js';
import { propertyNameText } from '../ast/literals.js';
import { assignedToExports, commonJsTarget, hasModifier } from '../ast/syntax.js';
import type { FileExports, ValueRef } from './route-facts.js';
import type { ValueRefs } from './value-refs.js';

/**
 * The exports of a file. With `full: false` only what needs no look at initializers is kept
 * (re-exports and exported names), which is all a barrel file has.
 */
export function collectExports(sourceFile: ts.SourceFile, file: string, refs: ValueRefs, full: boolean): FileExports {
  const names = new Map<string, ValueRef>();
  const stars: string[] = [];
  const set = (name: string, ref: ValueRef | undefined): void => {
    if (ref) names.set(name, ref);
  };
  const byName = (identifier: ts.Identifier | ts.StringLiteral): ValueRef | undefined => {
    const declaration = declarationOf(identifier.text, identifier);
    return declaration ? refs.refOfDeclaration(declaration) : undefined;
  };
  const shallow = (expression: ts.Expression): boolean => {
    const inner = skipOuter(expression);
    return full || ts.isIdentifier(inner) || requiredSpecifier(inner) !== undefined;
  };

  for (const statement of sourceFile.statements) {
    if (ts.isExportDeclaration(statement)) {
      const specifier =
        statement.moduleSpecifier && ts.isStringLiteralLike(statement.moduleSpecifier) ? statement.moduleSpecifier.text : undefined;
      const clause = statement.exportClause;
      if (specifier !== undefined && !clause) stars.push(specifier);
      else if (specifier !== undefined && clause && ts.isNamespaceExport(clause)) {
        set(clause.name.text, { kind: 'import', from: file, specifier, name: '*' });
      } else if (clause && ts.isNamedExports(clause)) {
        for (const element of clause.elements) {
          const local = element.propertyName ?? element.name;
          set(element.name.text, specifier === undefined ? byName(local) : { kind: 'import', from: file, specifier, name: local.text });
        }
      }
    } else if (ts.isExportAssignment(statement)) {
      if (shallow(statement.expression)) set(statement.isExportEquals ? 'export=' : 'default', refs.refOf(statement.expression));
    } else if (!full) {
      continue;
    } else if (ts.isVariableStatement(statement) && hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) set(declaration.name.text, refs.refOfDeclaration(declaration));
      }
    } else if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) &&
      hasModifier(statement, ts.SyntaxKind.ExportKeyword)
    ) {
      const name = hasModifier(statement, ts.SyntaxKind.DefaultKeyword) ? 'default' : statement.name?.text;
      if (name !== undefined) set(name, refs.refOfDeclaration(statement));
    } else if (ts.isExpressionStatement(statement)) {
      collectCommonJs(statement.expression, refs, set);
    }
  }
  return { names, stars };
}

function collectCommonJs(expression: ts.Expression, refs: ValueRefs, set: (name: string, ref: ValueRef | undefined) => void): void {
  const properties = (value: ts.ObjectLiteralExpression): void => {
    for (const property of value.properties) {
      if (ts.isShorthandPropertyAssignment(property)) set(property.name.text, refs.refOf(property.name));
      else if (ts.isPropertyAssignment(property)) {
        const name = propertyNameText(property.name);
        if (name !== undefined) set(name, refs.refOf(property.initializer));
      }
    }
  };
  // Object.assign(module.exports, { a, b }): as module.exports = { a, b } does, one name each.
  const assigned = assignedToExports(expression);
  if (assigned) {
    for (const source of assigned.map(skipOuter)) if (ts.isObjectLiteralExpression(source)) properties(source);
    return;
  }
  if (!ts.isBinaryExpression(expression) || expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
  const target = commonJsTarget(expression.left);
  if (target === undefined) return;
  const value = skipOuter(expression.right);
  if (target === 'export=' && ts.isObjectLiteralExpression(value)) properties(value);
  else set(target, refs.refOf(value));
}
