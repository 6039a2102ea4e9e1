import { describe, expect, it } from 'vitest';
import { scanSql } from './sql-scanner.js';
import { PLACEHOLDER } from './sql-tokens.js';
import { tableName } from './table-names.js';

/** `table:r` / `table:w` per occurrence, in order; undefined when the text is not SQL. */
function scan(sql: string): string[] | undefined {
  return scanSql(sql)?.tables.map((ref) => `${tableName(ref.parts) ?? '?'}:${ref.write ? 'w' : 'r'}`);
}

describe('scanSql', () => {
  it('reads FROM lists, every kind of JOIN, and aliases', () => {
    expect(
      scan(`SELECT o.id FROM orders o
            JOIN customers AS c ON c.id = o.customer_id
            LEFT OUTER JOIN addresses a ON true
            INNER JOIN items i USING (order_id)
            CROSS JOIN settings, regions r NATURAL JOIN zones, (SELECT 1) x, areas
            FULL JOIN refunds ON false RIGHT JOIN payments p ON true`)?.sort(),
    ).toEqual([
      'addresses:r',
      'areas:r',
      'customers:r',
      'items:r',
      'orders:r',
      'payments:r',
      'refunds:r',
      'regions:r',
      'settings:r',
      'zones:r',
    ]);
  });

  it('writes INSERT/UPDATE/DELETE/MERGE/TRUNCATE targets and reads their sources', () => {
    expect(scan('INSERT INTO archive (id, total) SELECT id, total FROM orders WHERE total > $1')).toEqual(['archive:w', 'orders:r']);
    expect(scan('UPDATE orders o SET status = s.status FROM shipments s WHERE s.order_id = o.id')).toEqual(['orders:w', 'shipments:r']);
    expect(scan('DELETE FROM ONLY sessions USING customers c WHERE c.id = sessions.customer_id')).toEqual(['sessions:w', 'customers:r']);
    expect(
      scan(`MERGE INTO stock AS t USING incoming AS s ON t.sku = s.sku
            WHEN MATCHED THEN UPDATE SET qty = t.qty + s.qty
            WHEN NOT MATCHED THEN INSERT (sku, qty) VALUES (s.sku, s.qty)`),
    ).toEqual(['stock:w', 'incoming:r']);
    expect(scan('TRUNCATE TABLE carts, cart_items RESTART IDENTITY')).toEqual(['carts:w', 'cart_items:w']);
    expect(scan('COPY orders (id, total) FROM STDIN WITH (FORMAT csv)')).toEqual(['orders:w']);
    expect(scan('COPY orders TO STDOUT')).toEqual(['orders:r']);
    expect(scan("COPY sales.orders FROM '/tmp/orders.csv'")).toEqual(['sales.orders:w']);
    expect(scan('COPY (SELECT * FROM payments) TO STDOUT')).toEqual(['payments:r']);
  });

  it('does not take ON CONFLICT … DO UPDATE, FOR UPDATE or ON DELETE for statements', () => {
    expect(
      scan(`INSERT INTO cart_items (cart_id, product_id, quantity) VALUES ($1, $2, $3)
            ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = EXCLUDED.quantity RETURNING id`),
    ).toEqual(['cart_items:w']);
    expect(scan('SELECT * FROM stock_levels WHERE product_id = $1 FOR UPDATE OF stock_levels SKIP LOCKED')).toEqual(['stock_levels:r']);
    expect(scan('SELECT id FROM jobs FOR NO KEY UPDATE')).toEqual(['jobs:r']);
  });

  it('leaves CTE names out and follows subqueries at any depth', () => {
    expect(
      scan(`WITH RECURSIVE recent AS (SELECT * FROM orders WHERE created_at > now() - interval '1 day'),
                 totals (customer_id, n) AS MATERIALIZED (SELECT customer_id, count(*) FROM recent GROUP BY 1),
                 moved AS (DELETE FROM carts WHERE status = 'old' RETURNING *)
            INSERT INTO stats SELECT t.customer_id, t.n FROM totals t
            JOIN customers c ON c.id = t.customer_id
            WHERE c.id IN (SELECT customer_id FROM (SELECT customer_id FROM vip) v) AND EXISTS (SELECT 1 FROM moved)`),
    ).toEqual(['orders:r', 'carts:w', 'stats:w', 'customers:r', 'vip:r']);
    expect(scan('UPDATE orders SET total = (SELECT sum(price) FROM order_items WHERE order_id = orders.id)')).toEqual([
      'orders:w',
      'order_items:r',
    ]);
  });

  it('skips FROM inside EXTRACT, SUBSTRING, TRIM and IS DISTINCT FROM, and set-returning functions', () => {
    expect(
      scan(`SELECT EXTRACT(YEAR FROM o.created_at), SUBSTRING(name FROM 1 FOR 3), TRIM(BOTH ' ' FROM code)
            FROM orders o, generate_series(1, 3) AS g(n), LATERAL unnest(o.tags) t
            WHERE a IS DISTINCT FROM b`),
    ).toEqual(['orders:r']);
    expect(scan('SELECT * FROM (ta JOIN tb ON ta.id = tb.id) JOIN tc ON true')).toEqual(['ta:r', 'tb:r', 'tc:r']);
  });

  it('handles quoted and schema-qualified identifiers: unquoted folded to lower case, quoted kept, public dropped, other schemas kept', () => {
    expect(
      scan('SELECT * FROM "public"."Orders" o JOIN sales.invoices i ON true JOIN "Audit"."Log" l ON true JOIN `items` ON true'),
    ).toEqual(['Orders:r', 'sales.invoices:r', 'Audit.Log:r', 'items:r']);
    expect(scan('SELECT * FROM Orders JOIN SALES.Invoices ON true')).toEqual(['orders:r', 'sales.invoices:r']);
    expect(scan('INSERT INTO public.orders(id) VALUES (1)')).toEqual(['orders:w']);
  });

  it('ignores comments and string literals, including dollar quotes', () => {
    expect(
      scan(`-- FROM comments_table
            SELECT 'FROM strings', $$ FROM dollar $$, E'it\\'s FROM x' /* JOIN block /* nested */ FROM nope */
            FROM orders # not a comment in postgres but fine`),
    ).toEqual(['orders:r']);
  });

  it('reads each statement of a script and several occurrences', () => {
    expect(scan('BEGIN; UPDATE stock SET qty = qty - 1 WHERE id = $1; INSERT INTO moves SELECT * FROM stock; COMMIT;')).toEqual([
      'stock:w',
      'moves:w',
      'stock:r',
    ]);
    expect(scan('select id from orders union all select id from orders')).toEqual(['orders:r', 'orders:r']);
  });

  it('does not count dynamic table names but keeps a static name behind a dynamic schema', () => {
    const result = scanSql(`SELECT * FROM ${PLACEHOLDER} JOIN ${PLACEHOLDER}.orders o ON true WHERE ${PLACEHOLDER}`);
    expect(result?.tables.map((ref) => tableName(ref.parts))).toEqual(['orders']);
    expect(result?.dynamic).toBe(1);
  });

  it('rejects prose that starts with a verb', () => {
    expect(scan('Select a product from the list')).toBeUndefined();
    expect(scan('select a product from the list')).toBeUndefined();
    expect(scan('Update your profile to continue.')).toBeUndefined();
    expect(scan('Delete from cart?')).toBeUndefined();
    expect(scan('insert into the basket')).toBeUndefined();
    expect(scan('update failed')).toBeUndefined();
    expect(scan('Copy the link')).toBeUndefined();
    expect(scan('copy starting from a precise location')).toBeUndefined();
    expect(scan("Insert @format pragma into file's first docblock comment.")).toBeUndefined();
    expect(scan('With love from Berlin')).toBeUndefined();
    expect(scan('The order was created')).toBeUndefined();
    expect(scan('CREATE TABLE orders (id int REFERENCES customers)')).toBeUndefined();
  });

  it('accepts lower-case SQL and EXPLAIN', () => {
    expect(scan('select * from orders where id = ?')).toEqual(['orders:r']);
    expect(scan('EXPLAIN ANALYZE SELECT * FROM orders')).toEqual(['orders:r']);
    expect(scan('(SELECT id FROM ta) UNION (SELECT id FROM tb)')).toEqual(['ta:r', 'tb:r']);
    expect(scan('SELECT 1')).toEqual([]);
  });
});
