/**
 * Names of PostgreSQL's built-in types by oid (they are fixed: src/include/catalog/pg_type.dat),
 * so that a `$column` in a computed expression or filter can be typed as its source type in the
 * target without asking the source. User types (enums, domains) have per-database oids: their
 * values stay text.
 */
const BUILTIN: ReadonlyMap<number, string> = new Map([
  [16, 'boolean'],
  [17, 'bytea'],
  [18, '"char"'],
  [20, 'bigint'],
  [21, 'smallint'],
  [23, 'integer'],
  [25, 'text'],
  [26, 'oid'],
  [114, 'json'],
  [142, 'xml'],
  [700, 'real'],
  [701, 'double precision'],
  [790, 'money'],
  [829, 'macaddr'],
  [869, 'inet'],
  [650, 'cidr'],
  [1000, 'boolean[]'],
  [1001, 'bytea[]'],
  [1005, 'smallint[]'],
  [1007, 'integer[]'],
  [1009, 'text[]'],
  [1014, 'character[]'],
  [1015, 'character varying[]'],
  [1016, 'bigint[]'],
  [1021, 'real[]'],
  [1022, 'double precision[]'],
  [1042, 'character'],
  [1043, 'character varying'],
  [1082, 'date'],
  [1083, 'time without time zone'],
  [1114, 'timestamp without time zone'],
  [1115, 'timestamp without time zone[]'],
  [1182, 'date[]'],
  [1184, 'timestamp with time zone'],
  [1185, 'timestamp with time zone[]'],
  [1186, 'interval'],
  [1231, 'numeric[]'],
  [1266, 'time with time zone'],
  [1700, 'numeric'],
  [2950, 'uuid'],
  [2951, 'uuid[]'],
  [3802, 'jsonb'],
  [3807, 'jsonb[]'],
  [199, 'json[]'],
]);

export function builtinTypeName(oid: number): string | undefined {
  return BUILTIN.get(oid);
}
