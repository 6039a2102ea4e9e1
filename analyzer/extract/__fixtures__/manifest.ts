/** A package.json as workspaces.ts reads it, with only the fields a test names. */
import type { Manifest } from '../workspaces.js';

export const manifest = (dir: string, fields: Partial<Manifest> = {}): Manifest => ({
  dir,
  name: undefined,
  exports: undefined,
  imports: undefined,
  entries: [],
  main: undefined,
  tsconfig: undefined,
  scripts: {},
  ...fields,
});
