import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { componentScripts } from './component-scripts.js';
import { parseSourceFile, summarizeFile } from './parse-file.js';

describe('componentScripts', () => {
  it('keeps the scripts where they are and blanks the template and styles, line breaks kept', () => {
    const text =
      '<template>\n  <p>{{ a }}</p>\n</template>\n<script setup lang="ts">\nimport A from "./A.vue";\n</script>\n<style>p { color: red }</style>\n';
    const view = componentScripts(text);
    expect(view.text).toHaveLength(text.length);
    expect(view.text.split('\n')).toHaveLength(text.split('\n').length);
    expect(view.text.indexOf('import A')).toBe(text.indexOf('import A'));
    expect(view.text).not.toMatch(/template|style|color|\{\{/);
    expect(view.scriptKind).toBe(ts.ScriptKind.TS);
    expect(view.scripts).toBe(1);
  });

  it('reads every script element, takes TS when any script is TS, skips commented-out ones, and imports what a src= script names', () => {
    const text = [
      '<script context="module">export const a = 1;</script>',
      "<!-- <script>import gone from './gone';</script> -->",
      "<script src='./external.js'></script>",
      "<script\n  lang='ts'\n  generic=\"T extends { a: string }\">import { b } from './b';</script>",
      '<div>{b}</div>',
    ].join('\n');
    const view = componentScripts(text);
    expect(view.scripts).toBe(2);
    expect(view.scriptKind).toBe(ts.ScriptKind.TS);
    expect(view.text).toContain('export const a = 1;');
    expect(view.text).toContain("import { b } from './b';");
    expect(view.text).not.toContain('gone');
    // Written over the opening tag: same length, same place.
    expect(view.text).toHaveLength(text.length);
    expect(view.text.indexOf('import "./external.js";')).toBe(text.indexOf("<script src='./external.js'>"));
    expect(view.text).not.toContain('</script>');
    // A tag whose first line cannot hold the import, or a path with a quote in it, gives none.
    expect(componentScripts('<script\n  src="./far.ts"></script>').text.trim()).toBe('');
    expect(componentScripts("<script src='./a\"b.ts'></script>").text.trim()).toBe('');
  });

  it('takes JS without lang, TSX and JSX when said, and copes with a script left open or a file without one', () => {
    expect(componentScripts('<script>let a = 1</script>').scriptKind).toBe(ts.ScriptKind.JS);
    expect(componentScripts('<script lang="tsx">const a = <b />;</script>').scriptKind).toBe(ts.ScriptKind.TSX);
    expect(componentScripts('<SCRIPT LANG=JSX>const a = <b />;</SCRIPT>').scriptKind).toBe(ts.ScriptKind.JSX);
    expect(componentScripts('<script>import a from "./a";\n').text).toBe('        import a from "./a";\n');
    expect(componentScripts('<template><p>only markup</p></template>')).toEqual({
      text: ' '.repeat(39),
      scriptKind: ts.ScriptKind.JS,
      scripts: 0,
    });
  });
});

describe('single-file components in the parser', () => {
  it('summarizes a .vue file: its imports, a syntax error at its line in the file, lines of code of the whole file, UI markup', () => {
    const text = '<template>\n  <p>{{ a }}</p>\n</template>\n\n<script setup lang="ts">\nimport A from "./A.vue";\nconst = ;\n</script>\n';
    const summary = summarizeFile(parseSourceFile('C.vue', text, 'vue', false), 'vue', text);
    expect(summary.refs.map((ref) => ref.specifier)).toEqual(['./A.vue']);
    expect(summary.parseError?.line).toBe(7);
    expect(summary.loc).toBe(7);
    expect(summary.markup).toBe('Vue component');
    // Vue's <script src>: the component's code is in that file, which it now imports.
    const split = '<template><p>{{ a }}</p></template>\n<script src="./split.ts" lang="ts"></script>\n';
    expect(summarizeFile(parseSourceFile('S.vue', split, 'vue', false), 'vue', split).refs).toEqual([
      { specifier: './split.ts', kind: 'import', typeOnly: false, names: ['*'] },
    ]);
    const svelte = '<script>\n  export let name;\n</script>\n<h1>{name}</h1>\n';
    expect(summarizeFile(parseSourceFile('C.svelte', svelte, 'svelte', false), 'svelte', svelte)).toMatchObject({
      markup: 'Svelte component',
      parseError: undefined,
      exports: { local: new Map([['name', expect.anything()]]) },
    });
  });
});
