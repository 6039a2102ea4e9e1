/**
 * Single-file components (`.vue`, `.svelte`): the code is in their `<script>` elements, next
 * to a template and styles. The parser gets the file with everything outside those elements
 * turned into spaces (line breaks kept), so every position, line and parse error in the tree
 * is the one in the file, and a template's `{{ x }}` or a style's `url(…)` is never read as code.
 * A `<script src="./x.ts">` (Vue's way of keeping the code in a file of its own) becomes
 * `import "./x.ts";` written over its opening tag, so the file depends on that one.
 */
import ts from 'typescript';

export type ComponentLanguage = 'vue' | 'svelte';

export interface ComponentScripts {
  /** The file with all but the contents of its `<script>` elements blanked. */
  text: string;
  /** TS when a script says `lang="ts"` (TSX or JSX when it says so), else JS. */
  scriptKind: ts.ScriptKind;
  /** How many `<script>` elements with code of their own the file has (Vue's `<script>` and `<script setup>`, Svelte's module script). */
  scripts: number;
}

const LANG_KINDS: Readonly<Record<string, ts.ScriptKind>> = {
  ts: ts.ScriptKind.TS,
  typescript: ts.ScriptKind.TS,
  tsx: ts.ScriptKind.TSX,
  jsx: ts.ScriptKind.JSX,
  js: ts.ScriptKind.JS,
  javascript: ts.ScriptKind.JS,
};

/** Ranks so that one TS script among JS ones parses the file as TS (which reads JS as well). */
const KIND_RANK: ReadonlyMap<ts.ScriptKind, number> = new Map([
  [ts.ScriptKind.JS, 0],
  [ts.ScriptKind.JSX, 1],
  [ts.ScriptKind.TS, 2],
  [ts.ScriptKind.TSX, 3],
]);

/** An opening `<script …>` at the top level of the file (attributes may span lines). */
const SCRIPT_OPEN = /<script\b((?:[^>"']|"[^"]*"|'[^']*')*)>/gi;
const SCRIPT_CLOSE = /<\/script\s*>/gi;
const HTML_COMMENT = /<!--[\s\S]*?-->/g;
/** An attribute of an opening tag, its value double-quoted, single-quoted or bare (or missing: `src=`). */
const attributePattern = (name: string): RegExp => new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))?`, 'i');
const LANG_ATTRIBUTE = attributePattern('lang');
const SRC_ATTRIBUTE = attributePattern('src');

/** The attribute's value ('' when written without one), or undefined when the tag lacks it. */
function attributeValue(pattern: RegExp, attributes: string): string | undefined {
  const match = pattern.exec(attributes);
  return match ? (match[1] ?? match[2] ?? match[3] ?? '') : undefined;
}

/** Spaces in place of every character but line breaks, so offsets and lines stay. */
const blank = (text: string): string => text.replace(/[^\r\n]/g, ' ');

/**
 * `import "<src>";` padded to the opening tag's length, or undefined when the tag's first line
 * is too short to hold it or the path holds a quote, backslash or line break.
 */
function srcImport(tag: string, src: string): string | undefined {
  const statement = `import ${JSON.stringify(src)};`;
  const firstLine = tag.search(/[\r\n]/);
  if (/["'\\\r\n]/.test(src) || src === '' || statement.length > (firstLine === -1 ? tag.length : firstLine)) return undefined;
  return statement + blank(tag.slice(statement.length));
}

export function componentScripts(text: string): ComponentScripts {
  // Markup comments may hold a commented-out <script>; they are blanked before the search.
  const searched = text.replace(HTML_COMMENT, blank);
  const kept: Array<[number, number]> = [];
  /** Opening tags of `src` scripts and the import that stands for each. */
  const imports: Array<[number, string]> = [];
  let scriptKind: ts.ScriptKind = ts.ScriptKind.JS;
  SCRIPT_OPEN.lastIndex = 0;
  for (let open = SCRIPT_OPEN.exec(searched); open !== null; open = SCRIPT_OPEN.exec(searched)) {
    const start = open.index + open[0].length;
    SCRIPT_CLOSE.lastIndex = start;
    const close = SCRIPT_CLOSE.exec(searched);
    const end = close === null ? searched.length : close.index;
    const attributes = open[1] ?? '';
    // `<script src="./x.ts">` has no code of its own: its file stands in.
    const src = attributeValue(SRC_ATTRIBUTE, attributes);
    if (src !== undefined) {
      const statement = srcImport(open[0], src);
      if (statement !== undefined) imports.push([open.index, statement]);
    } else {
      kept.push([start, end]);
      const kind = LANG_KINDS[(attributeValue(LANG_ATTRIBUTE, attributes) || 'js').toLowerCase()] ?? ts.ScriptKind.JS;
      if ((KIND_RANK.get(kind) ?? 0) > (KIND_RANK.get(scriptKind) ?? 0)) scriptKind = kind;
    }
    SCRIPT_OPEN.lastIndex = close === null ? searched.length : close.index + close[0].length;
  }
  let view = '';
  let at = 0;
  for (const [start, end] of kept) {
    view += blank(text.slice(at, start)) + text.slice(start, end);
    at = end;
  }
  view += blank(text.slice(at));
  for (const [start, statement] of imports) view = view.slice(0, start) + statement + view.slice(start + statement.length);
  return { text: view, scriptKind, scripts: kept.length };
}
