import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { TableAccess } from '../../model.js';
import { createTableCollector } from './table-collector.js';

/** Parses the files, runs the collector with a map resolver, and returns `module table via rN wN` lines. */
function collect(files: Record<string, string>, options: { root?: string; imports?: Record<string, string> } = {}) {
  const collector = createTableCollector();
  for (const [path, text] of Object.entries(files)) {
    collector.visit({ path, text, sourceFile: ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true) });
  }
  const imports = options.imports ?? {};
  collector.finish({
    root: options.root ?? '/nonexistent-root',
    modules: new Set(Object.keys(files)),
    resolveImport: (from, specifier) => imports[`${from}:${specifier}`] ?? imports[specifier],
  });
  return { tables: collector.tables(), warnings: collector.warnings() };
}

const lines = (tables: TableAccess[]): string[] =>
  tables.map((access) => `${access.module} ${access.table} ${access.via} r${access.reads} w${access.writes}`);

describe('SQL in source strings', () => {
  it('reads string literals, templates with substitutions, tagged templates and + chains, counting each occurrence', () => {
    const { tables } = collect({
      'src/orders.ts': `
        const COLUMNS = 'id, customer_id, total';
        const FROM_ORDERS = 'FROM orders o JOIN customers c ON c.id = o.customer_id';
        export const byId = (id: number) => db.query(\`SELECT \${COLUMNS} \${FROM_ORDERS} WHERE o.id = $1\`, [id]);
        export const recent = () => db.query("SELECT * FROM orders ORDER BY id DESC LIMIT 10");
        export const insert = (o: Order) => db.query(sql\`INSERT INTO orders (total) VALUES (\${o.total}) RETURNING id\`);
        export const cancel = () => db.query('UPDATE orders SET status = $1 ' + 'WHERE id = $2 ' + 'AND status IN (SELECT status FROM statuses)');
        export const dynamic = (table: string) => db.query(\`DELETE FROM \${table} WHERE id = $1\`);
      `,
    });
    expect(lines(tables)).toEqual([
      'src/orders.ts customers sql r1 w0',
      'src/orders.ts orders sql r2 w2',
      'src/orders.ts statuses sql r1 w0',
    ]);
  });

  it('keeps CTE names, comments and quoted identifiers straight', () => {
    const { tables } = collect({
      'src/report.ts': `
        export const report = \`
          -- totals per day FROM the_comment
          WITH daily AS (
            SELECT date_trunc('day', created_at) AS day, sum(total) AS total
            FROM "public"."Orders" /* FROM block_comment */
            GROUP BY 1
          )
          SELECT * FROM daily JOIN "Sales"."Targets" t ON t.day = daily.day\`;
      `,
    });
    expect(lines(tables)).toEqual(['src/report.ts Orders sql r1 w0', 'src/report.ts Sales.Targets sql r1 w0']);
  });

  it("leaves PostgreSQL's own catalogs out", () => {
    const { tables } = collect({
      'src/health.ts': `
        export const q1 = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'";
        export const q2 = 'SELECT * FROM information_schema.columns c JOIN pg_catalog.pg_class k ON true JOIN orders o ON true';
      `,
    });
    expect(lines(tables)).toEqual(['src/health.ts orders sql r1 w0']);
  });

  it('does not take prose, messages or imports for SQL', () => {
    const { tables } = collect({
      'src/ui.ts': `
        import { select } from './select';
        export const hint = 'Select a product from the list';
        export const title = "Update your profile";
        export const error = \`Delete from cart failed for \${id}.\`;
        export const note = 'select one from the menu';
        throw new Error('update failed: insert into the queue was refused');
      `,
    });
    expect(tables).toEqual([]);
  });

  it('warns once per file about table names built at run time', () => {
    const { warnings } = collect({
      'src/generic.ts': 'export const q = (t: string) => `SELECT * FROM ${t}`; export const r = (t: string) => `DELETE FROM ${t}`;',
    });
    expect(warnings).toEqual([expect.objectContaining({ code: 'TABLE_DYNAMIC_NAME', path: 'src/generic.ts' })]);
    expect(warnings[0]?.message).toContain('2 table name(s)');
  });
});

describe('knex', () => {
  it('reads the chain target and joins; writes when the chain inserts, updates or deletes', () => {
    const { tables } = collect({
      'src/repo.ts': `
        import knexFactory from 'knex';
        const pg = knexFactory({ client: 'pg' });
        export async function run(trx: Knex.Transaction) {
          await knex('orders').where({ id: 1 }).first();
          await db('orders as o').join('customers as c', 'c.id', 'o.customer_id').leftJoin({ a: 'addresses' }, 'a.id', 'c.address_id');
          await knex.select('*').from('payments');
          await trx.insert({ id: 1 }).into('audit_log');
          await db('orders').where({ id: 1 }).update({ status: 'paid' });
          await pg('sessions').where('expires_at', '<', new Date()).del();
          await knex.withSchema('sales').table('invoices').delete();
          await knex.schema.createTable('ignored', () => {});
          await knex.with('recent', (qb) => qb.select('*')).select('*').from('recent');
          Array.from('abc');
          t('orders');
        }
      `,
    });
    expect(lines(tables)).toEqual([
      'src/repo.ts addresses knex r1 w0',
      'src/repo.ts audit_log knex r0 w1',
      'src/repo.ts customers knex r1 w0',
      'src/repo.ts orders knex r2 w1',
      'src/repo.ts payments knex r1 w0',
      'src/repo.ts sales.invoices knex r0 w1',
      'src/repo.ts sessions knex r0 w1',
    ]);
  });
});

describe('knex instances', () => {
  it('reads chains on a knex held by a class or a decorated fastify instance, or chosen at run time, and never takes the factory call for a table', () => {
    const { tables } = collect({
      'src/db.ts': `
        import Knex from 'knex';
        export const knex = Knex({ client: 'pg' });
        export const other = require('knex')({ client: 'pg' });
      `,
      'src/payments.repository.ts': `
        import type { Knex } from 'knex';
        export class PaymentsRepository {
          constructor(private readonly db: Knex) {}
          list() { return this.db('payments').select(); }
          refund() { return this.db.table('refunds').insert({}).onConflict('id').merge(); }
          helper() { return this.format('payments'); }
        }
      `,
      'src/tasks.repository.ts': `
        export default fp(async (fastify) => {
          const knex = fastify.knex;
          fastify.decorate('tasks', {
            find: (id, trx) => (trx ?? knex)<Task>('tasks').where({ id }).first(),
            list: () => fastify.knex<Task>('tasks').select('*'),
            remove: (id) => (trx || fastify.knex)('tasks').where({ id }).delete(),
            other: (x) => (cache ?? fallback)('tasks'),
          });
        });
      `,
    });
    expect(lines(tables)).toEqual([
      'src/payments.repository.ts payments knex r1 w0',
      'src/payments.repository.ts refunds knex r0 w1',
      'src/tasks.repository.ts tasks knex r2 w1',
    ]);
  });
});

describe('TypeORM', () => {
  it('names entities like TypeORM and follows repositories to their methods', () => {
    const { tables } = collect(
      {
        'src/entities/order.entity.ts': `
          import { Entity, PrimaryGeneratedColumn } from 'typeorm';
          @Entity('orders')
          export class Order { @PrimaryGeneratedColumn() id!: number; }
        `,
        'src/entities/order-item.entity.ts': `
          @Entity()
          export class OrderItem {}
          @Entity({ name: 'Invoices', schema: 'billing' })
          export class Invoice {}
          @Entity()
          export default class HTTPLogEntry {}
        `,
        'src/orders.service.ts': `
          import { Injectable } from '@nestjs/common';
          import { InjectRepository } from '@nestjs/typeorm';
          import { DataSource, Repository } from 'typeorm';
          import { Order } from './entities/order.entity';
          import { OrderItem, Invoice } from './entities/order-item.entity';
          import LogEntry from './entities/order-item.entity';
          @Injectable()
          export class OrdersService {
            private readonly invoices = this.dataSource.getRepository(Invoice);
            constructor(
              @InjectRepository(Order) private readonly orders: Repository<Order>,
              private readonly items: Repository<OrderItem>,
              private readonly dataSource: DataSource,
            ) {}
            async place() {
              const found = await this.orders.findOneBy({ id: 1 });
              await this.orders.save(found);
              await this.items.count();
              await this.invoices.insert({});
              await this.dataSource.manager.delete(OrderItem, { id: 1 });
              const logs = this.dataSource.getRepository(LogEntry);
              await logs.find();
              await getRepository(Order).createQueryBuilder('o').getMany();
            }
          }
        `,
      },
      {
        imports: {
          './entities/order.entity': 'src/entities/order.entity.ts',
          './entities/order-item.entity': 'src/entities/order-item.entity.ts',
        },
      },
    );
    expect(lines(tables)).toEqual([
      'src/orders.service.ts billing.Invoices typeorm r0 w1',
      'src/orders.service.ts http_log_entry typeorm r1 w0',
      'src/orders.service.ts order_item typeorm r1 w1',
      'src/orders.service.ts orders typeorm r2 w1',
    ]);
  });

  it('reads query builders given an entity and manager calls inside transactions', () => {
    const { tables } = collect(
      {
        'src/user.entity.ts': `
          import { Entity } from 'typeorm';
          @Entity('users') export class User {}
          @Entity() export class AuditLog {}
        `,
        'src/svc.ts': `
          import { DataSource, EntityManager } from 'typeorm';
          import { User, AuditLog } from './user.entity';
          export class Svc {
            constructor(private readonly dataSource: DataSource) {}
            async run() {
              await this.dataSource.createQueryBuilder().insert().into(User).values({}).execute();
              await this.dataSource.createQueryBuilder().select('u').from(User, 'u').leftJoin(AuditLog, 'a', 'a.userId = u.id').getMany();
              await this.dataSource.createQueryBuilder().update(User).set({}).execute();
              await this.dataSource.createQueryBuilder().delete().from(AuditLog).execute();
              await this.dataSource.createQueryBuilder(User, 'u').getCount();
              await this.dataSource.transaction(async (manager: EntityManager) => {
                await manager.save(User, {});
                await manager.getRepository(AuditLog).insert({});
              });
              const copy = Array.from(User);
            }
          }
        `,
      },
      { imports: { './user.entity': 'src/user.entity.ts' } },
    );
    expect(lines(tables)).toEqual(['src/svc.ts audit_log typeorm r1 w2', 'src/svc.ts users typeorm r2 w3']);
  });

  it('counts an injected repository that is never called as one read', () => {
    const { tables } = collect({
      'src/a.ts': `
        @Entity('carts') export class Cart {}
        export class CartService { constructor(@InjectRepository(Cart) private carts: Repository<Cart>) {} }
      `,
    });
    expect(lines(tables)).toEqual(['src/a.ts carts typeorm r1 w0']);
  });
});

describe('Prisma', () => {
  it('reads the schema under the root in finish and maps client calls to tables', () => {
    const { tables, warnings } = collect(
      {
        'src/orders.ts': `
          import { PrismaClient } from '@prisma/client';
          const prisma = new PrismaClient();
          export async function place() {
            await prisma.order.findMany({ where: { id: 1 } });
            await prisma.$transaction(async (tx) => {
              await tx.orderItem.createMany({ data: [] });
              await tx.order.update({ where: { id: 1 }, data: {} });
            });
            await this.prisma.customer.upsert({});
            await prisma.unknownModel.findFirst();
            await prisma.$queryRaw\`SELECT * FROM "orders" WHERE id = \${1}\`;
          }
        `,
      },
      { root: join(import.meta.dirname, '..', '__fixtures__', 'prisma-app') },
    );
    expect(lines(tables)).toEqual([
      'src/orders.ts Customer prisma r0 w1',
      'src/orders.ts orders prisma r1 w1',
      'src/orders.ts orders sql r1 w0',
      'src/orders.ts sales.order_items prisma r0 w1',
    ]);
    expect(warnings).toEqual([]);
  });

  it('follows a client chosen at run time and merges quoted raw SQL with the model it names', () => {
    const { tables } = collect(
      {
        'src/customers.ts': `
          export class Customers {
            count(tx?: Prisma.TransactionClient) {
              return (tx || this.prisma).customer.count();
            }
            find(tx?: Prisma.TransactionClient) {
              return (tx ?? this.prismaService).customer.findFirst();
            }
            lock(tx: Prisma.TransactionClient) {
              return tx.$queryRaw\`SELECT id FROM "Customer" FOR UPDATE\`;
            }
            notAClient(cache: Map<string, unknown>) {
              return (cache || fallback).customer.count();
            }
          }
        `,
      },
      { root: join(import.meta.dirname, '..', '__fixtures__', 'prisma-app') },
    );
    expect(lines(tables)).toEqual(['src/customers.ts Customer prisma r2 w0', 'src/customers.ts Customer sql r1 w0']);
  });

  it('warns when client calls are found but no schema', () => {
    const { tables, warnings } = collect({ 'src/a.ts': 'export const f = () => prisma.order.findMany();' }, { root: import.meta.dirname });
    expect(tables).toEqual([]);
    expect(warnings.map((warning) => warning.code)).toEqual(['PRISMA_SCHEMA_MISSING']);
  });
});

describe('Drizzle', () => {
  it('reads pgTable declarations and the query steps that name them, imported or by namespace', () => {
    const { tables } = collect(
      {
        'src/db/schema.ts': `
          import { pgTable, pgSchema, serial, text } from 'drizzle-orm/pg-core';
          export const users = pgTable('users', { id: serial('id').primaryKey(), name: text('name') });
          export const orderItems = pgTable('OrderItems', { id: serial('id') });
          const billing = pgSchema('billing');
          export const invoices = billing.table('invoices', { id: serial('id') });
        `,
        'src/users.service.ts': `
          import { eq } from 'drizzle-orm';
          import { db } from './db';
          import { users, orderItems } from './db/schema';
          import * as schema from './db/schema';
          export async function run(items: string[]) {
            await db.select().from(users).innerJoin(orderItems, eq(orderItems.id, users.id));
            await db.insert(users).values({ name: 'a' });
            await db.update(schema.invoices).set({}).where(eq(schema.invoices.id, 1));
            await db.transaction(async (tx) => {
              await tx.delete(orderItems).where(eq(orderItems.id, 1));
            });
            await db.query.users.findMany({ with: { posts: true } });
            const copy = Array.from(items);
            const local = [1, 2];
            await db.select().from(local);
          }
        `,
      },
      { imports: { './db/schema': 'src/db/schema.ts' } },
    );
    expect(lines(tables)).toEqual([
      'src/users.service.ts OrderItems drizzle r1 w1',
      'src/users.service.ts billing.invoices drizzle r0 w1',
      'src/users.service.ts users drizzle r2 w1',
    ]);
  });
});

describe('Drizzle schema objects', () => {
  it('reads tables on a schema object imported by name from a module it cannot resolve, or auto-imported, by the table name', () => {
    const { tables } = collect({
      'server/db/schema.ts':
        "import { sqliteTable, integer } from 'drizzle-orm/sqlite-core';\nexport const todos = sqliteTable('todos', { id: integer('id') });",
      // NuxtHub's virtual module, and Nuxt's auto-imported `tables`.
      'server/api/todos/index.get.ts':
        "import { db, schema } from 'hub:db';\nexport default eventHandler(() => db.select().from(schema.todos));",
      'server/api/todos/index.post.ts': 'export default eventHandler(() => useDrizzle().insert(tables.todos).values({}));',
      // A local object's member is not a table, nor a name no table declares.
      'server/api/other.ts':
        "import { db, schema } from 'hub:db';\nconst state = { todos: [] };\nexport default eventHandler(() => [Array.from(state.todos), db.select().from(schema.users)]);",
    });
    expect(lines(tables)).toEqual([
      'server/api/todos/index.get.ts todos drizzle r1 w0',
      'server/api/todos/index.post.ts todos drizzle r0 w1',
    ]);
  });
});

describe('Mongoose', () => {
  it('reads models and their collections, and the static and instance calls on them, CommonJS and ES modules', () => {
    const { tables } = collect(
      {
        'models/User.js': `
          const mongoose = require('mongoose');
          const userSchema = new mongoose.Schema({ name: String });
          module.exports = mongoose.model('User', userSchema);
        `,
        'models/category.ts': `
          import { Schema, model } from 'mongoose';
          const schema = new Schema({ title: String }, { collection: 'product_categories' });
          export const Category = model('Category', schema);
        `,
        'models/order.ts': `
          import mongoose from 'mongoose';
          const OrderSchema = new mongoose.Schema({ total: Number });
          export default mongoose.models.Order || mongoose.model('Order', OrderSchema, 'orders_v2');
        `,
        'controllers/shop.js': `
          const User = require('../models/User');
          const { Category } = require('../models/category');
          const Order = require('../models/order').default;
          exports.checkout = async (req, res) => {
            const user = await User.findById(req.user.id);
            user.cart = [];
            await user.save();
            const categories = await Category.find({}).lean();
            await Order.create({ user: user._id });
            await Order.findByIdAndUpdate(req.params.id, { paid: true });
            const count = await Order.countDocuments();
            res.json({ categories, count });
          };
        `,
        // Not Mongoose: a Backbone-style model() with no schema, and Array.from.
        'client/store.js': "const Todo = app.model('Todo');\nconst list = Array.from(items);",
      },
      { imports: { '../models/User': 'models/User.js', '../models/category': 'models/category.ts', '../models/order': 'models/order.ts' } },
    );
    expect(lines(tables)).toEqual([
      'controllers/shop.js orders_v2 mongoose r1 w2',
      'controllers/shop.js product_categories mongoose r1 w0',
      'controllers/shop.js users mongoose r1 w1',
    ]);
  });
});

describe('NestJS Mongoose', () => {
  it('reads @Schema classes and the models @InjectModel (by class, name or constant) and @Inject(getModelToken()) give a service', () => {
    const { tables } = collect(
      {
        'src/cats/schemas/cat.schema.ts': `
          import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
          @Schema()
          export class Cat { @Prop() name: string; }
          export const CatSchema = SchemaFactory.createForClass(Cat);
        `,
        'src/owners/owner.schema.ts': `
          import { Schema } from '@nestjs/mongoose';
          @Schema({ collection: 'cat_owners', timestamps: true })
          export class Owner {}
        `,
        'src/cats/cats.service.ts': `
          import { Inject } from '@nestjs/common';
          import { InjectModel, getModelToken } from '@nestjs/mongoose';
          import { Model } from 'mongoose';
          import { Cat } from './schemas/cat.schema';
          const OWNER_MODEL = 'Owner';
          export class CatsService {
            constructor(
              @InjectModel(Cat.name) private catModel: Model<Cat>,
              @InjectModel('Owner') private readonly owners: Model<unknown>,
              @Inject(getModelToken(Cat.name)) private readonly byToken: Model<Cat>,
              @InjectModel(OWNER_MODEL, 'archive') private readonly byConstant: Model<unknown>,
            ) {}
            findAll() { return this.catModel.find().exec(); }
            cached() { return this.byToken.find(); }
            renamed(id: string) { return this.byConstant.deleteOne({ _id: id }); }
            adopt(id: string) { return this.catModel.findByIdAndUpdate(id, { adopted: true }); }
            owner(id: string) { return this.owners.findById(id); }
          }
        `,
        // A class decorated with another Schema is no model.
        'src/graphql/schema.ts': "import { Schema } from './decorators';\n@Schema()\nexport class Query {}",
      },
      { imports: { './schemas/cat.schema': 'src/cats/schemas/cat.schema.ts' } },
    );
    expect(lines(tables)).toEqual(['src/cats/cats.service.ts cat_owners mongoose r1 w1', 'src/cats/cats.service.ts cats mongoose r2 w1']);
  });
});

describe('Sequelize', () => {
  it('counts writes through instances of known models, scoped models and helpers named like ORM methods', () => {
    const { tables } = collect(
      {
        'src/models/document.ts': `
          import { Table, Model } from 'sequelize-typescript';
          @Table({ tableName: 'documents' })
          export class Document extends Model {}
        `,
        'src/commands.ts': `
          import { Document } from './models/document';
          export async function run(existing: Document, other: Document | null, id: string) {
            const found = await Document.unscoped().scope('withDrafts').findOne({ where: { id } });
            await found.update({ title: 'x' });
            await existing.saveWithCtx(ctx);
            await other.destroy();
            const fresh = Document.build({});
            await fresh.save();
            await Document.createWithCtx(ctx, {});
            await Document.findByIdOrFail(id);
            await existing.reload();
            const plain: Map<string, string> = new Map();
            plain.update('k');
            const notAModel: Other = make();
            await notAModel.save();
          }
          interface Props { document: Document; title: string }
          export async function rename({ document, title }: Props, { other }: { other: Document }) {
            await document.update({ title });
            await other.save();
          }
        `,
      },
      { imports: { './models/document': 'src/models/document.ts' } },
    );
    expect(lines(tables)).toEqual(['src/commands.ts documents sequelize r3 w7']);
  });

  it('reads define(), Model.init() and class models with their table names, and static calls', () => {
    const { tables } = collect(
      {
        'src/models/user.js': `
          const { DataTypes } = require('sequelize');
          const User = sequelize.define('User', { name: DataTypes.STRING });
          const Category = sequelize.define('Category', { name: DataTypes.STRING }, { freezeTableName: true });
          const Tag = sequelize.define('tag', { name: DataTypes.STRING }, { tableName: 'Sales.Labels' });
          module.exports = { User, Category, Tag };
        `,
        'src/models/order.ts': `
          import { Model } from 'sequelize';
          export class Order extends Model {}
          Order.init({}, { sequelize, tableName: 'shop_orders' });
          export class LineItem extends Model {}
          LineItem.init({}, { sequelize, modelName: 'Item' });
          export class Person extends Model { static tableName = 'people'; }
        `,
        'src/services.ts': `
          import { Order, LineItem } from './models/order';
          export async function run(db) {
            await Order.findAll();
            await Order.create({});
            await LineItem.destroy({ where: {} });
            await db.User.findByPk(1);
            await db.Category.bulkCreate([]);
            await db.Tag.count();
            await Person.findAll();
          }
        `,
      },
      { imports: { './models/order': 'src/models/order.ts' } },
    );
    expect(lines(tables)).toEqual([
      'src/services.ts Category sequelize r0 w1',
      'src/services.ts Items sequelize r0 w1',
      'src/services.ts Sales.Labels sequelize r1 w0',
      'src/services.ts Users sequelize r1 w0',
      'src/services.ts shop_orders sequelize r1 w1',
    ]);
  });

  it("does not take a client-side class for the server's model of the same name, and still finds the model through a default import", () => {
    const files = {
      'server/models/Document.ts': `
        import { Table, Model } from 'sequelize-typescript';
        @Table({ tableName: 'documents' })
        class Document extends Model {}
        export default Document;
      `,
      'server/commands/archive.ts': `
        import Document from '../models/Document';
        export async function remove(document: Document) {
          await document.destroy();
        }
      `,
      // A browser store with a save() of its own: it posts to the API, it writes no table.
      'app/models/Document.ts': `
        import { observable } from 'mobx';
        export default class Document { @observable title = ''; async save() {} }
      `,
      'app/components/Rename.tsx': `
        import Document from '~/models/Document';
        export function rename(document: Document) {
          return document.save();
        }
      `,
      'app/components/Local.tsx': `
        class Share { save() {} }
        export function toggle(share: Share) {
          share.save();
        }
      `,
    };
    const imports = {
      'server/commands/archive.ts:../models/Document': 'server/models/Document.ts',
      'app/components/Rename.tsx:~/models/Document': 'app/models/Document.ts',
    };
    expect(lines(collect(files, { imports }).tables)).toEqual(['server/commands/archive.ts documents sequelize r0 w1']);
    // Without the client class in view, the name alone still finds the model (a barrel or an unresolved import).
    const { 'app/models/Document.ts': _client, ...rest } = files;
    expect(lines(collect(rest, { imports }).tables)).toEqual([
      'app/components/Rename.tsx documents sequelize r0 w1',
      'server/commands/archive.ts documents sequelize r0 w1',
    ]);
  });
});
