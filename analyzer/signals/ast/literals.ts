/**
 * Static values of expressions, as far as the syntax alone tells: string literals, templates
 * without substitutions, `+` of those, and names bound to `const` strings or to properties
 * of `const` object literals in the same file.
 */
import ts from 'typescript';
import { declarationOf, isConst, skipOuter } from './declarations.js';

const MAX_DEPTH = 8;

function constInitializer(identifier: ts.Identifier): ts.Expression | undefined {
  const declaration = declarationOf(identifier.text, identifier);
  if (!declaration || !ts.isVariableDeclaration(declaration) || !isConst(declaration)) return undefined;
  return declaration.initializer;
}

function propertyOf(objectLiteral: ts.Expression, name: string): ts.Expression | undefined {
  const object = skipOuter(objectLiteral);
  if (!ts.isObjectLiteralExpression(object)) return undefined;
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && propertyNameText(property.name) === name) return property.initializer;
  }
  return undefined;
}

/** The text of a property name that is an identifier or a string/number literal. */
export function propertyNameText(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

/** The expression a name or `CONST.prop` stands for, when that is statically known. */
export function constantExpression(node: ts.Expression, depth = 0): ts.Expression | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const expression = skipOuter(node);
  if (ts.isIdentifier(expression)) {
    const init = constInitializer(expression);
    return init ? (constantExpression(init, depth + 1) ?? skipOuter(init)) : undefined;
  }
  if (ts.isPropertyAccessExpression(expression)) {
    const object = constantExpression(expression.expression, depth + 1);
    const value = object ? propertyOf(object, expression.name.text) : undefined;
    return value ? (constantExpression(value, depth + 1) ?? skipOuter(value)) : undefined;
  }
  return undefined;
}

/** The string value of an expression, if it is statically known. */
export function staticString(node: ts.Expression, depth = 0): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const expression = skipOuter(node);
  if (ts.isStringLiteralLike(expression)) return expression.text;
  if (ts.isTemplateExpression(expression)) {
    let text = expression.head.text;
    for (const span of expression.templateSpans) {
      const value = staticString(span.expression, depth + 1);
      if (value === undefined) return undefined;
      text += value + span.literal.text;
    }
    return text;
  }
  if (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = staticString(expression.left, depth + 1);
    const right = left === undefined ? undefined : staticString(expression.right, depth + 1);
    return left === undefined || right === undefined ? undefined : left + right;
  }
  const constant = constantExpression(expression, depth + 1);
  return constant && constant !== expression ? staticString(constant, depth + 1) : undefined;
}

/** A static string, or each element of a static array of strings. */
export function staticStrings(node: ts.Expression): string[] | undefined {
  const single = staticString(node);
  if (single !== undefined) return [single];
  const expression = constantExpression(node) ?? skipOuter(node);
  if (!ts.isArrayLiteralExpression(expression)) return undefined;
  const values: string[] = [];
  for (const element of expression.elements) {
    const value = staticString(element);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values;
}

/** A property of an object literal argument (`{ prefix: '/x' }`), resolved through consts. */
export function objectProperty(node: ts.Expression, name: string): ts.Expression | undefined {
  const object = constantExpression(node) ?? skipOuter(node);
  return propertyOf(object, name);
}
