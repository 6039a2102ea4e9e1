import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfigText } from './load.js';

describe('loadConfigFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strangler-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads YAML and JSON', async () => {
    writeFileSync(join(dir, 'a.yaml'), 'routes:\n  - path: /api\n    weight: 10\n');
    writeFileSync(join(dir, 'a.json'), '{"routes":[{"path":"/api"}]}');
    expect(await loadConfigFile(join(dir, 'a.yaml'))).toEqual({ routes: [{ path: '/api', weight: 10 }] });
    expect(await loadConfigFile(join(dir, 'a.json'))).toEqual({ routes: [{ path: '/api' }] });
  });

  it('says which file is missing or broken', async () => {
    await expect(loadConfigFile(join(dir, 'missing.yaml'))).rejects.toMatchObject({ code: 'CONFIG_NOT_FOUND' });
    expect(() => parseConfigText('a: [1, 2', 'bad.yaml')).toThrow(/bad\.yaml is not valid YAML/);
    expect(() => parseConfigText('{"a":', 'bad.json')).toThrow(/bad\.json is not valid JSON/);
    expect(() => parseConfigText('a: 1\na: 2\n', 'dup.yaml')).toThrow(/dup\.yaml is not valid YAML/);
  });
});
