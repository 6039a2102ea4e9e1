/**
 * ORM models (TypeORM entities, Sequelize and Mongoose models) declared in one file and used in others.
 * Uses name a model by its class (or `define`d) name and, when imported, by the import;
 * `finish` resolves them to the declaring file, falling back to the one model of that name.
 */
import type { ImportOrigin } from '../ast/declarations.js';

export type OrmVia = 'typeorm' | 'sequelize' | 'drizzle' | 'mongoose';

export interface ModelDeclaration {
  file: string;
  /** Class or variable name; Sequelize models are also found by their model name. */
  names: string[];
  table: string;
  via: OrmVia;
  isDefault: boolean;
}

export interface ModelUse {
  file: string;
  name: string;
  origin?: ImportOrigin | undefined;
  /** The method called; read or write is decided by the model's ORM. */
  method: string;
  /** Only models of this ORM qualify (TypeORM repositories). */
  via?: OrmVia;
  /** Called on an instance (`user.save()`), not on the model or a repository. */
  instance?: boolean;
}

// prettier-ignore
const TYPEORM_READS = new Set([
  'find', 'findOne', 'findBy', 'findOneBy', 'findAndCount', 'findAndCountBy', 'findOneOrFail', 'findOneByOrFail', 'findByIds',
  'count', 'countBy', 'exist', 'exists', 'existsBy', 'createQueryBuilder', 'query', 'sum', 'average', 'minimum', 'maximum',
  'preload', 'read',
]);
// prettier-ignore
const TYPEORM_WRITES = new Set([
  'save', 'insert', 'update', 'upsert', 'delete', 'remove', 'softDelete', 'softRemove', 'restore', 'recover', 'increment',
  'decrement', 'clear',
]);
const SEQUELIZE_READS = new Set(['findAll', 'findOne', 'findByPk', 'findAndCountAll', 'count', 'max', 'min', 'sum', 'aggregate', 'read']);
const SEQUELIZE_WRITES = new Set([
  'create',
  'bulkCreate',
  'update',
  'destroy',
  'upsert',
  'increment',
  'decrement',
  'truncate',
  'restore',
  'findOrCreate',
]);

// prettier-ignore
const MONGOOSE_READS = new Set([
  'find', 'findOne', 'findById', 'countDocuments', 'estimatedDocumentCount', 'count', 'distinct', 'exists', 'aggregate', 'where',
]);
// prettier-ignore
const MONGOOSE_WRITES = new Set([
  'create', 'insertMany', 'updateOne', 'updateMany', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndUpdate',
  'findByIdAndUpdate', 'findOneAndDelete', 'findByIdAndDelete', 'findOneAndRemove', 'findByIdAndRemove', 'findOneAndReplace',
  'bulkWrite', 'bulkSave', 'update', 'remove',
]);

/** App-defined static helpers on a model that wrap the ORM's own (`createWithCtx`, `findByIdOrFail`). */
const HELPER_WRITE = /^(?:create|bulkCreate|update|upsert|destroy|delete|insert|save|remove|restore|increment|decrement)[A-Z]\w*$/;
const HELPER_READ = /^(?:find|count)[A-Z]\w*$/;
const INSTANCE_READS = new Set(['reload']);

/** Whether a method of an ORM reads or writes its table, or undefined when it does neither. */
export function methodAccess(via: OrmVia, method: string, instance = false): 'read' | 'write' | undefined {
  if (instance) return INSTANCE_READS.has(method) ? 'read' : 'write';
  if (via === 'drizzle') return method === 'find' ? 'read' : 'write';
  const [reads, writes] =
    via === 'typeorm'
      ? [TYPEORM_READS, TYPEORM_WRITES]
      : via === 'mongoose'
        ? [MONGOOSE_READS, MONGOOSE_WRITES]
        : [SEQUELIZE_READS, SEQUELIZE_WRITES];
  if (writes.has(method)) return 'write';
  if (reads.has(method)) return 'read';
  if (HELPER_WRITE.test(method)) return 'write';
  if (HELPER_READ.test(method)) return 'read';
  return undefined;
}

/** Methods worth recording a use for (the union of the ORMs'). */
export const MODEL_METHODS = new Set([
  ...TYPEORM_READS,
  ...TYPEORM_WRITES,
  ...SEQUELIZE_READS,
  ...SEQUELIZE_WRITES,
  ...MONGOOSE_READS,
  ...MONGOOSE_WRITES,
]);

/** Static calls worth recording: the ORMs' methods and helpers named like them. */
export function isModelMethod(method: string): boolean {
  return MODEL_METHODS.has(method) || HELPER_WRITE.test(method) || HELPER_READ.test(method);
}

export class ModelRegistry {
  private readonly byFile = new Map<string, Map<string, ModelDeclaration>>();
  private readonly defaults = new Map<string, ModelDeclaration>();
  private readonly byName = new Map<string, ModelDeclaration[]>();

  add(model: ModelDeclaration): void {
    const names = this.byFile.get(model.file) ?? new Map<string, ModelDeclaration>();
    for (const name of model.names) {
      names.set(name, model);
      this.byName.set(name, [...(this.byName.get(name) ?? []), model]);
    }
    this.byFile.set(model.file, names);
    if (model.isDefault) this.defaults.set(model.file, model);
  }

  get size(): number {
    return this.byName.size;
  }

  /**
   * The model `use` names. `classOf(file, name)` gives the class a file declares under a name
   * (`default` for its default export): an import of a class that is not a model (a client-side
   * `Document` store next to the server's `Document` model) is not taken for the model of the
   * same name elsewhere.
   */
  resolve(
    use: ModelUse,
    resolveImport: (from: string, specifier: string) => string | undefined,
    classOf: (file: string, name: string) => string | undefined = () => undefined,
  ): ModelDeclaration | undefined {
    let found: ModelDeclaration | undefined;
    let declaredIn: string | undefined;
    let declared: string | undefined;
    if (use.origin) {
      const target = resolveImport(use.file, use.origin.specifier);
      if (target !== undefined) {
        const byDefault = use.origin.name === 'default' || use.origin.name === 'export=';
        found = byDefault ? this.defaults.get(target) : this.byFile.get(target)?.get(use.origin.name);
        declaredIn = target;
        declared = classOf(target, byDefault ? 'default' : use.origin.name);
      }
    } else {
      found = this.byFile.get(use.file)?.get(use.name);
      declaredIn = use.file;
      declared = classOf(use.file, use.name);
    }
    if (found === undefined && declaredIn !== undefined && declared !== undefined) {
      // The class is declared right there: it is a model of that file, or no model at all.
      found = this.byFile.get(declaredIn)?.get(declared);
      if (found === undefined) return undefined;
    }
    found ??= this.unique(use.origin && !['default', 'export=', '*'].includes(use.origin.name) ? use.origin.name : use.name);
    return found && (use.via === undefined || found.via === use.via) ? found : undefined;
  }

  private unique(name: string): ModelDeclaration | undefined {
    const candidates = this.byName.get(name) ?? [];
    const tables = new Set(candidates.map((model) => `${model.via}:${model.table}`));
    return tables.size === 1 ? candidates[0] : undefined;
  }
}
