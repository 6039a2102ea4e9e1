/**
 * Table names as the analysis reports them: as PostgreSQL stores them, `public.` dropped,
 * other schemas kept. Unquoted SQL identifiers fold to lower case; quoted ones, and the names
 * that ORMs and query builders quote for you (Prisma models, Sequelize `tableName`, TypeORM
 * `@Entity('Name')`, knex `db('Name')`), keep their case, so `"AccountBalance"` stays one
 * table and `accountbalance` another.
 * See https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS
 */

/** Joins name parts (already case-folded where SQL folds them). */
export function tableName(parts: readonly string[]): string | undefined {
  const clean = parts.map((part) => part.trim()).filter((part) => part !== '');
  const last = clean[clean.length - 1];
  if (last === undefined) return undefined;
  const schema = clean[clean.length - 2];
  return schema === undefined || schema === 'public' ? last : `${schema}.${last}`;
}

/** PostgreSQL's own catalogs (`pg_tables`, `pg_catalog.pg_class`, `information_schema.columns`): never an application's table. */
export function isSystemCatalog(table: string): boolean {
  return /^(?:pg_catalog\.|information_schema\.|pg_toast\.)/.test(table) || /^pg_\w+$/.test(table);
}

/** `'orders'`, `'public.orders'`, `'orders as o'`, `'"Sales"."Orders"'` as used by query builders (which quote, so case is kept). */
export function tableNameFromText(text: string): string | undefined {
  const withoutAlias = text.trim().split(/\s+as\s+|\s+/i)[0] ?? '';
  if (!/^[A-Za-z_"`][\w$".`-]*$/.test(withoutAlias)) return undefined;
  return tableName(withoutAlias.split('.').map((part) => part.replace(/^["`]|["`]$/g, '')));
}

/** TypeORM's default naming: `OrderItem` → `order_item` (DefaultNamingStrategy.tableName, StringUtils.snakeCase). */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** Sequelize's default table name: the model name pluralised (a small subset of its inflection rules). */
export function pluralize(name: string): string {
  if (/[^aeiou]y$/i.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(name)) return `${name}es`;
  return `${name}s`;
}
