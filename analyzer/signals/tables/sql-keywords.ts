/** Word lists the SQL scanner needs. */

/** Statements whose tables the scanner reads. DDL (CREATE/ALTER/DROP) is not table access. */
export const SQL_VERBS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'WITH', 'MERGE', 'TRUNCATE', 'COPY', 'TABLE']);

/** Words that end a FROM item: never a table name nor an alias. */
// prettier-ignore
export const RESERVED = new Set([
  'ALL', 'AND', 'ANY', 'ARRAY', 'AS', 'ASC', 'BETWEEN', 'BY', 'CASE', 'CAST', 'CHECK', 'COLLATE', 'COLUMN', 'CONFLICT',
  'CONSTRAINT', 'CREATE', 'CROSS', 'CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP', 'CURRENT_USER', 'DEFAULT', 'DELETE',
  'DESC', 'DISTINCT', 'DO', 'ELSE', 'END', 'EXCEPT', 'EXISTS', 'FALSE', 'FETCH', 'FOR', 'FOREIGN', 'FROM', 'FULL', 'GROUP',
  'HAVING', 'ILIKE', 'IN', 'INNER', 'INSERT', 'INTERSECT', 'INTO', 'IS', 'JOIN', 'LATERAL', 'LEFT', 'LIKE', 'LIMIT',
  'MATCHED', 'MERGE', 'NATURAL', 'NOT', 'NULL', 'OFFSET', 'ON', 'ONLY', 'OR', 'ORDER', 'OUTER', 'OVER', 'PARTITION',
  'PRIMARY', 'REFERENCES', 'RETURNING', 'RIGHT', 'SELECT', 'SET', 'SOME', 'STRAIGHT_JOIN', 'TABLE', 'TABLESAMPLE', 'THEN',
  'TO', 'TRUE', 'UNION', 'UNIQUE', 'UPDATE', 'USING', 'VALUES', 'WHEN', 'WHERE', 'WINDOW', 'WITH',
]);

/** Statement heads that make a parenthesised group a query (`(SELECT …)`), not a function's arguments. */
export const QUERY_HEADS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE', 'INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** Words that give prose away when they stand where a table name would ("… from the list"). */
// prettier-ignore
export const PROSE_WORDS = new Set([
  'a', 'an', 'the', 'this', 'that', 'these', 'those', 'my', 'your', 'our', 'their', 'his', 'her', 'its', 'each', 'every',
  'which', 'what', 'here', 'there', 'me', 'us', 'you', 'them', 'it', 'one', 'now', 'then', 'scratch', 'memory', 'disk',
]);

/** Tokens after which `UPDATE` starts a statement (not `FOR UPDATE`, `DO UPDATE`, `ON UPDATE`). */
export const UPDATE_STARTERS = new Set([';', '(', ')', 'EXPLAIN', 'ANALYZE', 'VERBOSE']);

/** Words that end a FROM/USING clause (commas after them are not FROM items). */
// prettier-ignore
export const CLAUSE_ENDS = new Set([
  'WHERE', 'GROUP', 'ORDER', 'LIMIT', 'OFFSET', 'HAVING', 'WINDOW', 'UNION', 'INTERSECT', 'EXCEPT', 'FOR', 'RETURNING',
  'FETCH', 'SET', 'DO', 'VALUES', 'SELECT', 'WHEN', 'THEN', 'INTO', 'CONFLICT',
]);
