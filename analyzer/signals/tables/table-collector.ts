/**
 * Tables read and written per file: SQL in strings and templates, knex, TypeORM, Prisma
 * and Sequelize. ORM uses are resolved to their models' tables in `finish`, where the
 * Prisma schemas under the root are read too.
 */
import ts from 'typescript';
import type { TableAccess, Warning } from '../../model.js';
import { hasModifier } from '../ast/syntax.js';
import type { CollectorContext, FileCollector, ParsedFile } from '../collector.js';
import { AccessTally } from './access-tally.js';
import { methodAccess, ModelRegistry, type ModelUse } from './orm-models.js';
import { readPrismaModels } from './prisma-schema.js';
import type { PrismaUse } from './prisma-usage.js';
import { visitTableFile } from './table-file-visitor.js';
import { tableFeatures } from './table-hints.js';

export interface TableCollector extends FileCollector {
  tables(): TableAccess[];
  warnings(): Warning[];
}

export function createTableCollector(): TableCollector {
  let tally = new AccessTally();
  let registry = new ModelRegistry();
  let uses: ModelUse[] = [];
  let prismaUses: PrismaUse[] = [];
  let result: TableAccess[] = [];
  /** Per file, the classes it declares at the top level, by the name they are exported or declared under (and `default`). */
  let classes = new Map<string, Map<string, string>>();
  const warnings: Warning[] = [];

  return {
    visit(file: ParsedFile): void {
      const declared = classNames(file.sourceFile);
      if (declared.size > 0) classes.set(file.path, declared);
      const features = tableFeatures(file.text);
      if (!features) return;
      const facts = visitTableFile(file.path, file.sourceFile, tally, features);
      for (const model of facts.models) registry.add(model);
      uses.push(...facts.uses);
      prismaUses.push(...facts.prisma);
      if (facts.dynamic > 0) {
        warnings.push({
          code: 'TABLE_DYNAMIC_NAME',
          path: file.path,
          message: `${file.path}: ${facts.dynamic} table name(s) in SQL are built at run time (\${…}); those accesses are not counted.`,
        });
      }
    },
    finish(context: CollectorContext): void {
      const resolveImport = (from: string, specifier: string): string | undefined => context.resolveImport(from, specifier);
      if (registry.size > 0) {
        for (const use of uses) {
          const model = registry.resolve(use, resolveImport, (path, name) => classes.get(path)?.get(name));
          const access = model ? methodAccess(model.via, use.method, use.instance === true) : undefined;
          if (model && access) tally.add(use.file, model.table, model.via, access === 'write');
        }
      }
      if (prismaUses.length > 0) {
        const models = readPrismaModels(context.root, warnings);
        if (models.size === 0) {
          warnings.push({
            code: 'PRISMA_SCHEMA_MISSING',
            message: `Prisma client calls were found but no schema.prisma under ${context.root} (nor in a prisma/ folder above it); their tables are not counted. Analyze the folder that holds the schema to count them.`,
          });
        }
        for (const use of prismaUses) {
          const model = models.get(use.accessor);
          if (model) tally.add(use.file, model.table, 'prisma', use.write);
        }
      }
      result = tally.list();
      tally = new AccessTally();
      registry = new ModelRegistry();
      uses = [];
      prismaUses = [];
      classes = new Map();
    },
    tables: () => result,
    warnings: () => warnings,
  };
}

/** The classes a file declares at the top level, by name, and under `default` the one it exports as default. */
function classNames(file: ts.SourceFile): Map<string, string> {
  const names = new Map<string, string>();
  for (const statement of file.statements) {
    if (!ts.isClassDeclaration(statement) || !statement.name) continue;
    names.set(statement.name.text, statement.name.text);
    if (hasModifier(statement, ts.SyntaxKind.DefaultKeyword)) names.set('default', statement.name.text);
  }
  for (const statement of file.statements) {
    if (ts.isExportAssignment(statement) && ts.isIdentifier(statement.expression) && names.has(statement.expression.text)) {
      names.set('default', statement.expression.text);
    }
  }
  return names;
}
