/**
 * SQL text in source code: string literals, template literals (tagged or not) with each
 * `${…}` replaced by a placeholder, and `+` chains. A `${NAME}` or `+ NAME` bound to a
 * `const` string in the same file is inlined when that string is a fragment (a column
 * list, a `FROM … JOIN …` clause), not a statement of its own (that one is counted where
 * it is written).
 */
import ts from 'typescript';
import { staticString } from '../ast/literals.js';
import { scanSql } from './sql-scanner.js';
import { PLACEHOLDER } from './sql-tokens.js';

/** Cheap test before building and scanning a string. */
export const SQL_WORD = /\b(?:select|insert|update|delete|merge|truncate|copy|with|table)\b/i;

const isPlus = (node: ts.Node): node is ts.BinaryExpression =>
  ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken;

function fragment(expression: ts.Expression): string {
  const value = staticString(expression);
  if (value === undefined || scanSql(value) !== undefined) return PLACEHOLDER;
  return value;
}

function templateText(template: ts.TemplateExpression): string {
  let text = template.head.text;
  for (const span of template.templateSpans) text += fragment(span.expression) + span.literal.text;
  return text;
}

function partText(node: ts.Expression): string {
  if (ts.isStringLiteralLike(node)) return node.text;
  if (ts.isTemplateExpression(node)) return templateText(node);
  if (ts.isParenthesizedExpression(node)) return partText(node.expression);
  if (isPlus(node)) return partText(node.left) + partText(node.right);
  return fragment(node);
}

function hasLiteral(node: ts.Expression): boolean {
  if (ts.isStringLiteralLike(node) || ts.isTemplateExpression(node)) return true;
  if (ts.isParenthesizedExpression(node)) return hasLiteral(node.expression);
  return isPlus(node) && (hasLiteral(node.left) || hasLiteral(node.right));
}

/**
 * The SQL candidate text a node starts, or undefined when the node is not the outermost
 * piece of a string expression (parts of a `+` chain are read with the chain).
 */
export function candidateText(node: ts.Node): string | undefined {
  const parent = node.parent;
  if (ts.isStringLiteralLike(node) || ts.isTemplateExpression(node)) {
    if (isPlus(parent) || (ts.isParenthesizedExpression(parent) && isPlus(parent.parent))) return undefined;
    if (
      ts.isImportDeclaration(parent) ||
      ts.isExportDeclaration(parent) ||
      ts.isExternalModuleReference(parent) ||
      ts.isLiteralTypeNode(parent)
    ) {
      return undefined;
    }
    if (ts.isPropertyAssignment(parent) && parent.name === node) return undefined;
    if (ts.isStringLiteralLike(node)) return SQL_WORD.test(node.text) ? node.text : undefined;
    return SQL_WORD.test(node.getText()) ? templateText(node) : undefined;
  }
  if (isPlus(node) && !isPlus(parent) && !(ts.isParenthesizedExpression(parent) && isPlus(parent.parent)) && hasLiteral(node)) {
    const text = partText(node);
    return SQL_WORD.test(text) ? text : undefined;
  }
  return undefined;
}
