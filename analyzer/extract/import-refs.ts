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
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
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
