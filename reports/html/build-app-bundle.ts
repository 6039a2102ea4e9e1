/**
 * Build step (`npm run build` runs `node dist/reports/html/build-app-bundle.js` after tsc):
 * writes the report's browser script next to the compiled renderer, so the installed
 * package renders reports without esbuild or sigma.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StranglerError } from '../../common/errors.js';
import { APP_BUNDLE_FILE, buildAppBundle, clientSourceDir } from './app-bundle.js';

if (import.meta.url.endsWith('.ts')) {
  throw new StranglerError(
    'REPORT_BUNDLE_SOURCE',
    'Run this build step from dist (node dist/reports/html/build-app-bundle.js): from source the renderer builds and caches the script itself.',
  );
}
const sourceDir = clientSourceDir();
if (sourceDir === undefined) {
  throw new StranglerError('REPORT_BUNDLE_SOURCE', 'reports/html/client/main.js was not found: run the build from the strangler checkout.');
}
writeFileSync(join(dirname(fileURLToPath(import.meta.url)), APP_BUNDLE_FILE), buildAppBundle(sourceDir));
