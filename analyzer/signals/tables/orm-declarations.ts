/**
 * Model declarations: TypeORM `@Entity('name')` / `@Entity({ name, schema })` / `@Entity()`
 * (snake_case of the class name, TypeORM's DefaultNamingStrategy), and Sequelize
 * `sequelize.define('Name', attrs, { tableName, freezeTableName })`,
 * `class X extends Model` with `X.init(attrs, { tableName, modelName })` or
 * sequelize-typescript's `@Table({ tableName })` (default: the pluralised model name), and
 * Mongoose `mongoose.model('User', schema[, 'collection'])` (or `model` from mongoose, or a
 * connection's `model` with a schema made by `new Schema`): the collection is the third
 * argument, the schema's `collection` option, or the model name lower-cased and pluralised.
 */
import ts from 'typescript';
import { declarationOf, importOriginOf, skipOuter } from '../ast/declarations.js';
import { objectProperty, staticString } from '../ast/literals.js';
import { hasModifier } from '../ast/syntax.js';
import type { ModelDeclaration } from './orm-models.js';
import { pluralize, snakeCase, tableName } from './table-names.js';

function decorator(node: ts.Node, names: readonly string[]): ts.CallExpression | ts.Identifier | undefined {
  if (!ts.canHaveDecorators(node)) return undefined;
  for (const item of ts.getDecorators(node) ?? []) {
    const expression = skipOuter(item.expression);
    const callee = ts.isCallExpression(expression) ? expression.expression : expression;
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    if (names.includes(name) && (ts.isCallExpression(expression) || ts.isIdentifier(expression))) return expression;
  }
  return undefined;
}

const optionString = (options: ts.Expression | undefined, name: string): string | undefined => {
  const value = options ? objectProperty(options, name) : undefined;
  return value ? staticString(value) : undefined;
};

const optionTrue = (options: ts.Expression | undefined, name: string): boolean => {
  const value = options ? objectProperty(options, name) : undefined;
  return value?.kind === ts.SyntaxKind.TrueKeyword;
};

/** Sequelize's table for a model: `tableName`, else the model name (pluralised unless `freezeTableName`), in `schema`. */
function sequelizeTable(modelName: string, options: ts.Expression | undefined): string {
  const name = optionString(options, 'tableName') ?? (optionTrue(options, 'freezeTableName') ? modelName : pluralize(modelName));
  const schema = optionString(options, 'schema');
  return tableName(schema === undefined ? name.split('.') : [schema, name]) ?? name;
}

/** The name a class extends, if it extends a plain or qualified name. */
function baseClass(node: ts.ClassLikeDeclaration): ts.Expression | undefined {
  const clause = node.heritageClauses?.find((item) => item.token === ts.SyntaxKind.ExtendsKeyword);
  return clause?.types[0]?.expression;
}

/** Where an identifier (or `ns.name`) is imported from, if it is imported. */
function importSpecifier(node: ts.Expression): string | undefined {
  const expression = skipOuter(node);
  const name = ts.isIdentifier(expression)
    ? expression
    : ts.isPropertyAccessExpression(expression) && ts.isIdentifier(expression.expression)
      ? expression.expression
      : undefined;
  const declaration = name ? declarationOf(name.text, name) : undefined;
  return declaration ? importOriginOf(declaration)?.specifier : undefined;
}

/** An identifier (or `ns.name`) imported from `specifier`. */
function importedFrom(node: ts.Expression, specifier: string): boolean {
  return importSpecifier(node) === specifier;
}

/** `extends Model` where Model comes from sequelize or sequelize-typescript. */
function extendsSequelizeModel(base: ts.Expression): boolean {
  return importSpecifier(base)?.startsWith('sequelize') ?? false;
}

/**
 * What holds a model a call makes: the names it is given (its own, and the variable's when
 * that differs) and whether it is the module's default export (`export default`,
 * `module.exports =`). Parentheses, `as` and `a || b`/`a ?? b` are looked through
 * (`mongoose.models.User || mongoose.model('User', schema)`, as in Next.js, where a module
 * may load twice).
 */
function modelHolder(call: ts.CallExpression, modelName: string): { names: string[]; isDefault: boolean } {
  let holder: ts.Node = call.parent;
  while (
    ts.isParenthesizedExpression(holder) ||
    ts.isAsExpression(holder) ||
    (ts.isBinaryExpression(holder) &&
      (holder.operatorToken.kind === ts.SyntaxKind.BarBarToken || holder.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken))
  )
    holder = holder.parent;
  const names = [modelName];
  if (ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name) && holder.name.text !== modelName) names.push(holder.name.text);
  const isDefault = ts.isExportAssignment(holder) || (ts.isBinaryExpression(holder) && holder.left.getText() === 'module.exports');
  return { names, isDefault };
}

export interface ClassModel {
  model: ModelDeclaration;
  /** False for a class that only may be a Sequelize model: `X.init(…, { sequelize })` confirms it. */
  confirmed: boolean;
}

/** A TypeORM entity or a (possible) Sequelize model class. */
export function classModel(node: ts.ClassLikeDeclaration, file: string): ClassModel | undefined {
  const className = node.name?.text;
  if (className === undefined) return undefined;
  const isDefault = hasModifier(node, ts.SyntaxKind.DefaultKeyword);
  const entity = decorator(node, ['Entity']);
  if (entity) {
    const argument = ts.isCallExpression(entity) ? entity.arguments[0] : undefined;
    const literal = argument ? staticString(argument) : undefined;
    const name = literal ?? optionString(argument, 'name') ?? snakeCase(className);
    const schema = optionString(argument, 'schema');
    const table = tableName(schema === undefined ? [name] : [schema, name]);
    return table === undefined ? undefined : { model: { file, names: [className], table, via: 'typeorm', isDefault }, confirmed: true };
  }
  // @nestjs/mongoose: @Schema({ collection }) on the document class (collection: the class name lower-cased and pluralised).
  const schemaDecorator = decorator(node, ['Schema']);
  if (
    schemaDecorator &&
    importedFrom(ts.isCallExpression(schemaDecorator) ? schemaDecorator.expression : schemaDecorator, '@nestjs/mongoose')
  ) {
    const options = ts.isCallExpression(schemaDecorator) ? schemaDecorator.arguments[0] : undefined;
    const collection = optionString(options, 'collection') ?? pluralize(className.toLowerCase());
    return {
      model: { file, names: [className], table: tableName([collection]) ?? collection, via: 'mongoose', isDefault },
      confirmed: true,
    };
  }
  // objection.js models also extend `Model` but name their table in `static tableName`.
  const objection = node.members.some(
    (member) => member.name?.getText() === 'tableName' && hasModifier(member, ts.SyntaxKind.StaticKeyword),
  );
  const base = baseClass(node);
  if (!base || objection) return undefined;
  // sequelize-typescript: @Table({ tableName, modelName }) on a class extending Model (or a base class of the app's).
  const tableDecorator = decorator(node, ['Table']);
  const options = tableDecorator && ts.isCallExpression(tableDecorator) ? tableDecorator.arguments[0] : undefined;
  const modelName = optionString(options, 'modelName') ?? className;
  const table = sequelizeTable(modelName, options);
  return {
    model: {
      file,
      names: modelName === className ? [className] : [className, modelName],
      table,
      via: 'sequelize',
      isDefault,
    },
    confirmed: tableDecorator !== undefined || extendsSequelizeModel(base),
  };
}

/** `X.init(attrs, { sequelize, tableName, modelName, freezeTableName })`: confirms and names the Sequelize model X of this file. */
export function applyInit(call: ts.CallExpression, models: ReadonlyMap<string, ClassModel>): void {
  const callee = skipOuter(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'init' || !ts.isIdentifier(callee.expression)) return;
  const found = models.get(callee.expression.text);
  const options = call.arguments[1];
  if (!found || found.model.via !== 'sequelize' || !options) return;
  const object = skipOuter(options);
  const hasSequelize =
    ts.isObjectLiteralExpression(object) &&
    object.properties.some((property) => property.name !== undefined && property.name.getText() === 'sequelize');
  if (!found.confirmed && !hasSequelize) return;
  found.confirmed = true;
  const model = found.model;
  const modelName = optionString(options, 'modelName');
  model.table = sequelizeTable(modelName ?? callee.expression.text, options);
  if (modelName !== undefined && !model.names.includes(modelName)) model.names.push(modelName);
}

/** `const User = sequelize.define('User', { … }, { tableName })`. */
export function defineModel(call: ts.CallExpression, file: string): ModelDeclaration | undefined {
  const callee = skipOuter(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'define') return undefined;
  const [nameArg, attributes, options] = call.arguments;
  const modelName = nameArg ? staticString(nameArg) : undefined;
  if (modelName === undefined || !attributes || !ts.isObjectLiteralExpression(skipOuter(attributes))) return undefined;
  return { file, ...modelHolder(call, modelName), table: sequelizeTable(modelName, options), via: 'sequelize' };
}

/** `new Schema(fields, options)` or `new mongoose.Schema(…)`, inline or behind a name of this file. */
function mongooseSchema(node: ts.Expression | undefined): ts.NewExpression | undefined {
  let expression = node ? skipOuter(node) : undefined;
  if (expression && ts.isIdentifier(expression)) {
    const declaration = declarationOf(expression.text, expression);
    expression =
      declaration && ts.isVariableDeclaration(declaration) && declaration.initializer ? skipOuter(declaration.initializer) : undefined;
  }
  if (!expression || !ts.isNewExpression(expression)) return undefined;
  const callee = skipOuter(expression.expression);
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  return name === 'Schema' ? expression : undefined;
}

/** `mongoose.model`, `model` imported from mongoose, or any `x.model` given a Mongoose schema. */
function isMongooseModelCall(callee: ts.Expression, schema: ts.NewExpression | undefined): boolean {
  if (ts.isIdentifier(callee)) {
    const declaration = declarationOf(callee.text, callee);
    const origin = declaration ? importOriginOf(declaration) : undefined;
    return callee.text === 'model' && origin?.specifier === 'mongoose';
  }
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'model') return false;
  const object = skipOuter(callee.expression);
  return (ts.isIdentifier(object) && object.text === 'mongoose') || schema !== undefined;
}

/** `const User = mongoose.model('User', userSchema)`, `module.exports = model<IUser>('User', schema, 'people')`. */
export function mongooseModel(call: ts.CallExpression, file: string): ModelDeclaration | undefined {
  const [nameArg, schemaArg, collectionArg] = call.arguments;
  const modelName = nameArg ? staticString(nameArg) : undefined;
  if (modelName === undefined || !schemaArg) return undefined;
  const schema = mongooseSchema(schemaArg);
  if (!isMongooseModelCall(skipOuter(call.expression), schema)) return undefined;
  const collection =
    (collectionArg ? staticString(collectionArg) : undefined) ??
    optionString(schema?.arguments?.[1], 'collection') ??
    pluralize(modelName.toLowerCase());
  return { file, ...modelHolder(call, modelName), table: tableName([collection]) ?? collection, via: 'mongoose' };
}
