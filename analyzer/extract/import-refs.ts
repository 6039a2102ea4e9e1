/**
 * The import-like references of one parsed file: import declarations (default, named,
 * namespace, side-effect; `import type` and per-name `type`), `export … from`,
 * `import x = require()`, `require('lit')` and `import('lit')` anywhere, and
 * `import('lit').T` type references. A computed `import(x)`/`require(x)` is only counted.
 */
import ts from 'typescript';
import type { SourceRef } from './file-summary.js';

export interface ImportRefs {
  refs: SourceRef[];
  nonLiteralImports: number;
}

/** The text of a string literal or a template literal without substitutions. */
export function literalText(node: ts.Node | undefined): string | undefined {
  return node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
}

const bindingName = (element: ts.ImportSpecifier | ts.ExportSpecifier): string => (element.propertyName ?? element.name).text;

function importDeclarationRef(statement: ts.ImportDeclaration, specifier: string): SourceRef {
  const clause = statement.importClause;
  if (clause === undefined) return { specifier, kind: 'import', typeOnly: false, names: ['*'] };
  const names: string[] = [];
  const typeNames = new Set<string>();
  if (clause.name) names.push('default');
  const bindings = clause.namedBindings;
  if (bindings !== undefined && ts.isNamespaceImport(bindings)) names.push('*');
  else if (bindings !== undefined) {
    for (const element of bindings.elements) {
      names.push(bindingName(element));
      if (element.isTypeOnly) typeNames.add(bindingName(element));
    }
  }
  const everyNameTyped = names.length > 0 && typeNames.size === names.length;
  const ref: SourceRef = {
    specifier,
    kind: 'import',
    typeOnly: clause.isTypeOnly || everyNameTyped,
    names: names.length > 0 ? names : ['*'],
  };
  if (typeNames.size > 0) ref.typeNames = typeNames;
  return ref;
}

function exportDeclarationRef(statement: ts.ExportDeclaration, specifier: string): SourceRef {
  const clause = statement.exportClause;
  if (clause === undefined || ts.isNamespaceExport(clause))
    return { specifier, kind: 'export', typeOnly: statement.isTypeOnly, names: ['*'] };
  const names = clause.elements.map(bindingName);
  const typeNames = new Set(clause.elements.filter((element) => element.isTypeOnly).map(bindingName));
  const everyNameTyped = names.length > 0 && typeNames.size === names.length;
  const ref: SourceRef = {
    specifier,
    kind: 'export',
    typeOnly: statement.isTypeOnly || everyNameTyped,
    names: names.length > 0 ? names : ['*'],
  };
  if (typeNames.size > 0) ref.typeNames = typeNames;
  return ref;
}

/** The leftmost name of `import('x').A.B`, the name a type reference imports. */
function qualifierHead(name: ts.EntityName): string {
  return ts.isIdentifier(name) ? name.text : qualifierHead(name.left);
}

const CALL_LIKE_IMPORT = /\b(?:require|import)\s*\(/;

/** `require('lit')`: the call and its specifier. */
export function requireCall(node: ts.Node): { call: ts.CallExpression; specifier: string } | undefined {
  if (!ts.isCallExpression(node) || node.arguments.length !== 1) return undefined;
  const callee = node.expression;
  if (!ts.isIdentifier(callee) || callee.text !== 'require') return undefined;
  const specifier = literalText(node.arguments[0]);
  return specifier === undefined ? undefined : { call: node, specifier };
}

/**
 * The names a require() takes, where what holds it says: `const { a, b: c } = require('x')`
 * takes a and b, `require('x').a` takes a. A plain `require('x')` takes the whole module
 * (`*`), read where the call itself is visited.
 */
function requiredNames(node: ts.Node): { call: ts.CallExpression; specifier: string; names: string[] } | undefined {
  if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer !== undefined) {
    const found = requireCall(node.initializer);
    const names: string[] = [];
    for (const element of node.name.elements) {
      const key = element.propertyName ?? element.name;
      if (element.dotDotDotToken !== undefined || !(ts.isIdentifier(key) || ts.isStringLiteral(key))) return undefined;
      names.push(key.text);
    }
    return found === undefined || names.length === 0 ? undefined : { ...found, names };
  }
  const member = requireMember(node);
  return member === undefined ? undefined : { call: member.call, specifier: member.specifier, names: [member.name] };
}

/** `require('lit').name`: the call, its specifier and the name read. */
export function requireMember(node: ts.Node): { call: ts.CallExpression; specifier: string; name: string } | undefined {
  if (!ts.isPropertyAccessExpression(node) || !ts.isIdentifier(node.name)) return undefined;
  const found = requireCall(node.expression);
  return found === undefined ? undefined : { ...found, name: node.name.text };
}

export function collectImportRefs(sourceFile: ts.SourceFile): ImportRefs {
  const refs: SourceRef[] = [];
  let nonLiteralImports = 0;

  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement)) {
      const specifier = literalText(statement.moduleSpecifier);
      if (specifier !== undefined) refs.push(importDeclarationRef(statement, specifier));
    } else if (ts.isExportDeclaration(statement)) {
      const specifier = literalText(statement.moduleSpecifier);
      if (specifier !== undefined) refs.push(exportDeclarationRef(statement, specifier));
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
      const specifier = literalText(statement.moduleReference.expression);
      if (specifier !== undefined) refs.push({ specifier, kind: 'import-equals', typeOnly: statement.isTypeOnly, names: ['*'] });
    }
  }

  // Calls and type references can sit anywhere; walk the whole tree only when the text can hold one.
  if (CALL_LIKE_IMPORT.test(sourceFile.text)) {
    // require() calls whose names were read from what holds them (`const { a } = require('x')`).
    const named = new Set<ts.Node>();
    const visit = (node: ts.Node): void => {
      const required = requiredNames(node);
      if (required !== undefined) {
        named.add(required.call);
        refs.push({ specifier: required.specifier, kind: 'require', typeOnly: false, names: required.names });
      }
      if (ts.isCallExpression(node)) {
        if (named.has(node)) {
          ts.forEachChild(node, visit);
          return;
        }
        const callee = node.expression;
        const dynamic = callee.kind === ts.SyntaxKind.ImportKeyword;
        if (dynamic || (ts.isIdentifier(callee) && callee.text === 'require' && node.arguments.length === 1)) {
          const specifier = literalText(node.arguments[0]);
          if (specifier === undefined) nonLiteralImports++;
          else refs.push({ specifier, kind: dynamic ? 'dynamic-import' : 'require', typeOnly: false, names: ['*'] });
        }
      } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
        const specifier = literalText(node.argument.literal);
        const name = node.qualifier === undefined || node.isTypeOf ? '*' : qualifierHead(node.qualifier);
        if (specifier !== undefined) refs.push({ specifier, kind: 'import', typeOnly: true, names: [name] });
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(sourceFile, visit);
  }
  return { refs, nonLiteralImports };
}
