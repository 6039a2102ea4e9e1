/**
 * Small syntax tests shared by the extract stage and the signal collectors: modifiers, and
 * what a CommonJS assignment exports.
 */
import ts from 'typescript';

export const hasModifier = (node: ts.Node, kind: ts.SyntaxKind): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === kind);

/**
 * What a CommonJS assignment's left side exports: `export=` for `module.exports = …`, the
 * name for `exports.x = …` and `module.exports.x = …`; undefined for anything else.
 */
export function commonJsTarget(left: ts.Expression): string | undefined {
  if (!ts.isPropertyAccessExpression(left)) return undefined;
  const object = left.expression;
  if (ts.isIdentifier(object) && object.text === 'module' && left.name.text === 'exports') return 'export=';
  if (ts.isIdentifier(object) && object.text === 'exports') return left.name.text;
  if (
    ts.isPropertyAccessExpression(object) &&
    ts.isIdentifier(object.expression) &&
    object.expression.text === 'module' &&
    object.name.text === 'exports'
  ) {
    return left.name.text;
  }
  return undefined;
}

/** `Object.assign(module.exports, …)` or `Object.assign(exports, …)`: the objects it copies onto the exports. */
export function assignedToExports(expression: ts.Expression): readonly ts.Expression[] | undefined {
  if (!ts.isCallExpression(expression)) return undefined;
  const {
    expression: callee,
    arguments: [target, ...sources],
  } = expression;
  const isAssign =
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === 'Object' &&
    callee.name.text === 'assign';
  if (!isAssign || target === undefined) return undefined;
  const exportsObject = (ts.isIdentifier(target) && target.text === 'exports') || commonJsTarget(target) === 'export=';
  return exportsObject ? sources : undefined;
}
