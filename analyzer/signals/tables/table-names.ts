/** Table names as the analysis reports them: lower-case, `public.` dropped, other schemas kept. */

export function tableName(parts: readonly string[]): string | undefined {
  const clean = parts.map((part) => part.trim().toLowerCase()).filter((part) => part !== '');
  const last = clean[clean.length - 1];
  if (last === undefined) return undefined;
  const schema = clean[clean.length - 2];
  return schema === undefined || schema === 'public' ? last : `${schema}.${last}`;
}

/** `'orders'`, `'public.orders'`, `'orders as o'`, `'"Sales"."Orders"'` as used by query builders. */
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
