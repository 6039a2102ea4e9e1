/**
 * Cheap text tests that decide, per file, which table extractors can find anything there,
 * so that the syntax tree is walked only for files that may access tables and only with
 * the checks that can match. Literal `includes` first: they are much faster than regexes
 * that start with an alternation.
 */

export interface TableFeatures {
  sql: boolean;
  knex: boolean;
  typeorm: boolean;
  /** Sequelize and Mongoose models and TypeORM active-record calls (`User.findAll()`, `Order.find()`). */
  models: boolean;
  prisma: boolean;
  /** Drizzle table declarations and query steps that name a table. */
  drizzle: boolean;
}

/** SQL in code is an upper-case verb, or a string that starts with a lower-case verb (`'select …`, `\`\n  insert …`). */
const SQL_UPPER = /\b(?:SELECT|INSERT|UPDATE|DELETE|MERGE|TRUNCATE|COPY)\b/;
const SQL_QUOTED = /['"`]\s*(?:select|insert|update|delete|with|merge|truncate|copy|explain)\b/;
const KNEX_CALL = /\b(?:db|trx|database)\s*\(\s*['"`{]/;
const MODEL_CALL =
  /\.(?:find\w*|create\w*|update\w*|count\w*|save\w*|insert\w*|remove|delete\w*|destroy\w*|bulk\w+|upsert|increment|decrement|truncate|restore|max|min|sum|aggregate|distinct|exists|replaceOne|estimatedDocumentCount)\(/g;
/** Writes through a model instance: `user.save()`, `doc.destroy()`, `row.saveWithCtx(…)`. */
const INSTANCE_CALL = /\.(?:save|destroy|reload|restore|softRemove)\w*\(/;
const GLOBALS = new Set([
  'Object',
  'Array',
  'Promise',
  'Reflect',
  'Math',
  'JSON',
  'Date',
  'Number',
  'String',
  'Symbol',
  'Buffer',
  'Map',
  'Set',
  'WeakMap',
  'Intl',
  'URL',
  'Error',
]);
const PRISMA_CALL =
  /\.(?:findMany|findUnique|findUniqueOrThrow|findFirst|findFirstOrThrow|createMany|upsert|deleteMany|updateMany|groupBy|aggregate)\(/;

const DRIZZLE_CALL =
  /\b(?:pg|mysql|sqlite|singlestore)Table\s*\(|\.(?:insert|update|delete|from|innerJoin|leftJoin|rightJoin|fullJoin)\(\s*[\w$.]+\s*[,)]|\.query\.\w+\.find(?:Many|First)\(/;

const includesAny = (text: string, needles: readonly string[]): boolean => needles.some((needle) => text.includes(needle));

/** `User.findAll(`, `Order.find(`: a static call on a capitalised name that is not a JS global. */
function hasModelCall(text: string): boolean {
  MODEL_CALL.lastIndex = 0;
  for (let match = MODEL_CALL.exec(text); match; match = MODEL_CALL.exec(text)) {
    const before = /([A-Za-z_$][\w$]*)$/.exec(text.slice(Math.max(0, match.index - 64), match.index))?.[1];
    if (before !== undefined && /^[A-Z]/.test(before) && !GLOBALS.has(before)) return true;
  }
  return false;
}

export function tableFeatures(text: string): TableFeatures | undefined {
  const features: TableFeatures = {
    sql: SQL_UPPER.test(text) || SQL_QUOTED.test(text),
    knex: includesAny(text, ['knex', 'Knex']) || KNEX_CALL.test(text),
    typeorm: includesAny(text, ['Repository', '@Entity', 'typeorm', 'manager', 'InjectModel']),
    models:
      includesAny(text, ['@Entity', '@Table', 'extends Model', '.define(', 'mongoose', '.model(']) ||
      hasModelCall(text) ||
      INSTANCE_CALL.test(text),
    prisma: includesAny(text, ['prisma', 'Prisma']) || PRISMA_CALL.test(text),
    drizzle: DRIZZLE_CALL.test(text),
  };
  return features.sql || features.knex || features.typeorm || features.models || features.prisma || features.drizzle ? features : undefined;
}
