import { describe, expect, it } from 'vitest';
import type { ExportSummary } from './file-summary.js';
import { parseSourceFile, summarizeFile } from './parse-file.js';
import type { Resolution } from './resolver.js';
import { TypeExports } from './type-exports.js';

function typeExportsOf(files: Record<string, string>): TypeExports {
  const summaries = new Map<string, ExportSummary>();
  for (const [path, text] of Object.entries(files)) summaries.set(path, summarizeFile(parseSourceFile(path, text, 'ts', false)).exports);
  const resolve = (_from: string, specifier: string): Resolution => {
    if (specifier === './ambient') return { kind: 'external-types' };
    const path = `${specifier.slice(2)}.ts`;
    return summaries.has(path) ? { kind: 'file', path } : { kind: 'unresolved' };
  };
  return new TypeExports(summaries, resolve);
}

describe('TypeExports', () => {
  const types = typeExportsOf({
    'money.ts': 'export type Money = number;\nexport const format = () => "";',
    'barrel.ts': "export * from './money';\nexport { format as show } from './money';\nexport type { Money as Cash } from './money';",
    'outer.ts': "export * from './barrel';\nexport { Ambient } from './ambient';\nexport * from './missing';",
    'cycle-a.ts': "export * from './cycle-b';",
    'cycle-b.ts': "export * from './cycle-a';\nexport interface Found {}",
    'again.ts': "import { Money } from './money';\nexport { Money };",
  });

  it('follows local declarations, forwards and export * chains', () => {
    expect(types.isTypeOnly('money.ts', 'Money')).toBe(true);
    expect(types.isTypeOnly('money.ts', 'format')).toBe(false);
    expect(types.isTypeOnly('barrel.ts', 'Money')).toBe(true);
    expect(types.isTypeOnly('barrel.ts', 'show')).toBe(false);
    expect(types.isTypeOnly('barrel.ts', 'Cash')).toBe(true);
    expect(types.isTypeOnly('outer.ts', 'Money')).toBe(true);
    expect(types.isTypeOnly('again.ts', 'Money')).toBe(true);
  });

  it('treats names from declaration files as types, and unknown names as values', () => {
    expect(types.isTypeOnly('outer.ts', 'Ambient')).toBe(true);
    expect(types.isTypeOnly('outer.ts', 'Nowhere')).toBe(false);
    expect(types.isTypeOnly('money.ts', '*')).toBe(false);
    expect(types.isTypeOnly('not-parsed.ts', 'Money')).toBe(false);
  });

  it('survives export * cycles', () => {
    expect(types.isTypeOnly('cycle-a.ts', 'Found')).toBe(true);
    expect(types.isTypeOnly('cycle-a.ts', 'Missing')).toBe(false);
  });
});
