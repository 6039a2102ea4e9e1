import { describe, expect, it } from 'vitest';
import type { SourceLanguage } from '../model.js';
import type { ExportSummary } from './file-summary.js';
import { parseDiagnosticsOf, parseSourceFile, summarizeFile } from './parse-file.js';

const summarize = (text: string, language: SourceLanguage = 'ts') =>
  summarizeFile(parseSourceFile(`file.${language}`, text, language, false));

/** Export summary as plain objects, easy to compare. */
const exportsOf = (summary: ExportSummary) => ({
  local: Object.fromEntries(summary.local),
  forwarded: Object.fromEntries(summary.forwarded),
  star: summary.star,
});

describe('import references', () => {
  it('reads every import form, with names and type-only flags', () => {
    const { refs } = summarize(
      [
        "import def, { a, b as c } from './named';",
        "import * as ns from './ns';",
        "import './side-effect';",
        "import type { T } from './types';",
        "import { type U, type V } from './all-typed';",
        "import { type W, value } from './mixed';",
        "export { x, type Y as Z } from './re';",
        "export * from './star';",
        "export * as space from './space';",
        "export type * from './type-star';",
        "import legacy = require('./legacy');",
        "import type Types = require('./typed-legacy');",
        "import {} from './empty';",
      ].join('\n'),
    );
    expect(refs).toEqual([
      { specifier: './named', kind: 'import', typeOnly: false, names: ['default', 'a', 'b'] },
      { specifier: './ns', kind: 'import', typeOnly: false, names: ['*'] },
      { specifier: './side-effect', kind: 'import', typeOnly: false, names: ['*'] },
      { specifier: './types', kind: 'import', typeOnly: true, names: ['T'] },
      { specifier: './all-typed', kind: 'import', typeOnly: true, names: ['U', 'V'], typeNames: new Set(['U', 'V']) },
      { specifier: './mixed', kind: 'import', typeOnly: false, names: ['W', 'value'], typeNames: new Set(['W']) },
      { specifier: './re', kind: 'export', typeOnly: false, names: ['x', 'Y'], typeNames: new Set(['Y']) },
      { specifier: './star', kind: 'export', typeOnly: false, names: ['*'] },
      { specifier: './space', kind: 'export', typeOnly: false, names: ['*'] },
      { specifier: './type-star', kind: 'export', typeOnly: true, names: ['*'] },
      { specifier: './legacy', kind: 'import-equals', typeOnly: false, names: ['*'] },
      { specifier: './typed-legacy', kind: 'import-equals', typeOnly: true, names: ['*'] },
      { specifier: './empty', kind: 'import', typeOnly: false, names: ['*'] },
    ]);
  });

  it('finds require() and import() anywhere, counts computed ones, and reads import types', () => {
    const summary = summarize(
      [
        'function load(name: string) {',
        "  const a = require('./a');",
        '  const b = import(`./b`);',
        '  const c = import(`./c/${name}`);',
        '  const d = require(name);',
        "  const e = require.resolve('./not-an-import');",
        "  return [a, b, c, d, e, import('./f').then((m) => m.f)];",
        '}',
        "type G = import('./g').Deep.Name;",
        "type H = typeof import('./h');",
      ].join('\n'),
    );
    expect(summary.refs).toEqual([
      { specifier: './a', kind: 'require', typeOnly: false, names: ['*'] },
      { specifier: './b', kind: 'dynamic-import', typeOnly: false, names: ['*'] },
      { specifier: './f', kind: 'dynamic-import', typeOnly: false, names: ['*'] },
      { specifier: './g', kind: 'import', typeOnly: true, names: ['Deep'] },
      { specifier: './h', kind: 'import', typeOnly: true, names: ['*'] },
    ]);
    expect(summary.nonLiteralImports).toBe(2);
  });

  it('takes the names a require() destructures or reads', () => {
    const { refs } = summarize(
      [
        "const { a, b: c, 'd': e } = require('./destructured');",
        "const whole = require('./whole');",
        "const f = require('./read').f;",
        "require('./called').g();",
        "const { ...rest } = require('./rest');",
        "const [first] = require('./array');",
      ].join('\n'),
      'js',
    );
    expect(refs).toEqual([
      { specifier: './destructured', kind: 'require', typeOnly: false, names: ['a', 'b', 'd'] },
      { specifier: './whole', kind: 'require', typeOnly: false, names: ['*'] },
      { specifier: './read', kind: 'require', typeOnly: false, names: ['f'] },
      { specifier: './called', kind: 'require', typeOnly: false, names: ['g'] },
      { specifier: './rest', kind: 'require', typeOnly: false, names: ['*'] },
      { specifier: './array', kind: 'require', typeOnly: false, names: ['*'] },
    ]);
  });

  it('reads JSX in .js and .jsx files', () => {
    expect(summarize("import { Button } from './button';\nexport const x = <Button />;", 'jsx').refs).toHaveLength(1);
    expect(summarize("const React = require('react');\nmodule.exports = () => <div />;", 'js').refs).toHaveLength(1);
    expect(summarize("import { Button } from './button';\nexport const x = <Button />;", 'tsx').parseError).toBeUndefined();
  });
});

describe('parse errors', () => {
  it('reports the first syntax error with its line and keeps the imports that parsed', () => {
    const summary = summarize("import { a } from './a';\n\nexport const = ;\nimport { b } from './b';\n");
    expect(summary.parseError).toEqual({ line: 3, message: 'Variable declaration expected.' });
    expect(summary.refs.map((ref) => ref.specifier)).toEqual(['./a', './b']);
  });

  it('reads parseDiagnostics without trusting its shape', () => {
    const good = parseSourceFile('ok.ts', 'export const a = 1;', 'ts', false);
    expect(parseDiagnosticsOf(good)).toEqual([]);
    expect(summarize('const a = ;').parseError?.line).toBe(1);
  });
});

describe('export summary', () => {
  it('reads CommonJS exports of a file without ES module syntax', () => {
    const summary = summarize(
      [
        "const helpers = require('./helpers');",
        "const { format } = require('./format');",
        'function local() {}',
        'module.exports = { local, helpers, format, parse: require("./parse").parse, ...require("./more") };',
        'exports.version = 2;',
        "module.exports.extra = require('./extra');",
      ].join('\n'),
      'js',
    ).exports;
    expect(exportsOf(summary)).toEqual({
      local: { local: 'value', version: 'value' },
      forwarded: {
        helpers: { specifier: './helpers', name: '*', typeOnly: false },
        format: { specifier: './format', name: 'format', typeOnly: false },
        parse: { specifier: './parse', name: 'parse', typeOnly: false },
        extra: { specifier: './extra', name: '*', typeOnly: false },
      },
      star: [{ specifier: './more', typeOnly: false }],
    });
    expect(summary.barrel).toBe(false);
    // ES module syntax wins: module.exports in such a file is not read.
    expect(exportsOf(summarize("export const a = 1;\nmodule.exports = { b: require('./b') };").exports).forwarded).toEqual({});
  });

  it('reads Object.assign(module.exports, …) and Object.assign(exports, …) like module.exports objects', () => {
    const summary = summarize(
      [
        "const users = require('./users');",
        'function local() {}',
        "Object.assign(module.exports, { users, local, find: require('./find').find }, require('./more'));",
        "Object.assign(exports, { ...require('./extra'), version: 2 });",
      ].join('\n'),
      'js',
    ).exports;
    expect(exportsOf(summary)).toEqual({
      local: { local: 'value', version: 'value' },
      forwarded: {
        users: { specifier: './users', name: '*', typeOnly: false },
        find: { specifier: './find', name: 'find', typeOnly: false },
      },
      star: [
        { specifier: './more', typeOnly: false },
        { specifier: './extra', typeOnly: false },
      ],
    });
    expect(summary.barrel).toBe(false);
    // Only requires and forwards: a barrel. Object.assign onto anything else is code of the file's own.
    const lines = ["const a = require('./a');", "Object.assign(module.exports, { a }, require('./b'));"];
    const barrel = summarize(lines.join('\n'), 'js').exports;
    expect(exportsOf(barrel)).toEqual({
      local: {},
      forwarded: { a: { specifier: './a', name: '*', typeOnly: false } },
      star: [{ specifier: './b', typeOnly: false }],
    });
    expect(barrel.barrel).toBe(true);
    expect(summarize([...lines, 'Object.assign(other, { c: 1 });'].join('\n'), 'js').exports.barrel).toBe(false);
  });

  it('tells type exports from value exports, declaration merging and declare-only included', () => {
    const summary = summarize(
      [
        'export interface Shape { id: string }',
        'export type Id = string;',
        'export const value = 1;',
        'export function run() {}',
        'export class Service {}',
        'export enum Color { Red }',
        'export declare const declared: number;',
        'export declare function declaredFn(): void;',
        'export interface Merged {}',
        'export const Merged = {};',
        'export namespace Types { export interface A {} }',
        'export namespace Runtime { export const a = 1; }',
        'export const { d1, d2: [d3] } = source;',
        'interface Hidden {}',
        'const hiddenValue = 1;',
        'export { Hidden, hiddenValue as renamed };',
        'export type { Hidden as AlsoHidden };',
      ].join('\n'),
    );
    expect(exportsOf(summary.exports)).toEqual({
      local: {
        Shape: 'type',
        Id: 'type',
        value: 'value',
        run: 'value',
        Service: 'value',
        Color: 'value',
        declared: 'type',
        declaredFn: 'type',
        Merged: 'value',
        Types: 'type',
        Runtime: 'value',
        d1: 'value',
        d3: 'value',
        Hidden: 'type',
        renamed: 'value',
        AlsoHidden: 'type',
      },
      forwarded: {},
      star: [],
    });
  });

  it('keeps re-exports and imports exported again as forwards, and default exports', () => {
    const summary = summarize(
      [
        "import { Money } from './money';",
        "import type { Tax } from './tax';",
        "import Def from './def';",
        'export { Money, Tax, Def as Main };',
        "export { a as b, type C } from './other';",
        "export * from './everything';",
        "export type * from './types';",
        "export * as ns from './ns';",
        'export default interface Props { a: 1 }',
      ].join('\n'),
    );
    expect(exportsOf(summary.exports)).toEqual({
      local: { default: 'type' },
      forwarded: {
        ns: { specifier: './ns', name: '*', typeOnly: false },
        Money: { specifier: './money', name: 'Money', typeOnly: false },
        Tax: { specifier: './tax', name: 'Tax', typeOnly: true },
        Main: { specifier: './def', name: 'default', typeOnly: false },
        b: { specifier: './other', name: 'a', typeOnly: false },
        C: { specifier: './other', name: 'C', typeOnly: true },
      },
      star: [
        { specifier: './everything', typeOnly: false },
        { specifier: './types', typeOnly: true },
      ],
    });
    expect(exportsOf(summarize('const x = 1;\nexport default x;').exports).local).toEqual({ default: 'value' });
  });
});
