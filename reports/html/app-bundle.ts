/**
 * The report's browser script: client/main.js with sigma, graphology and ForceAtlas2
 * bundled by esbuild into one minified IIFE, inlined into every report.
 *
 * `npm run build` writes it next to the compiled renderer (dist/reports/html/report-app.js,
 * see build-app-bundle.ts), so an installed strangler needs neither esbuild nor sigma at
 * run time. Running from source (tests, tsx) there is no such file: the bundle is built
 * on first use and cached under node_modules/.cache/strangler, keyed by a hash of its inputs.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Esbuild from 'esbuild';
import { StranglerError } from '../../common/errors.js';
import { isScriptSafe } from './escape.js';

export const APP_BUNDLE_FILE = 'report-app.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const BUNDLED_PACKAGES = ['sigma', 'graphology', 'graphology-layout-forceatlas2'];

/** The folder holding client/main.js: this one when running from source, the source tree when running from dist. */
export function clientSourceDir(): string | undefined {
  for (const dir of [here, join(here, '..', '..', '..', 'reports', 'html')]) {
    if (existsSync(join(dir, 'client', 'main.js'))) return dir;
  }
  return undefined;
}

/** The package.json of an installed package (some packages do not export it). */
function packageManifest(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || !dir.endsWith(join('node_modules', name))) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new StranglerError(
        'REPORT_BUNDLE_MISSING',
        `Cannot find the package folder of ${name}; reinstall the dependencies (npm install).`,
      );
    dir = parent;
  }
  return join(dir, 'package.json');
}

function packageInfo(name: string): { version: string; notice: string } {
  const manifest = packageManifest(name);
  const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
  const version =
    typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string' ? parsed.version : '?';
  const licenseFile = readdirSync(dirname(manifest)).find((file) => /^licen[cs]e/i.test(file));
  const copyright = licenseFile
    ? readFileSync(join(dirname(manifest), licenseFile), 'utf8')
        .split('\n')
        .filter((line) => /copyright/i.test(line))
        .map((line) => line.trim())
        .join('; ')
    : '';
  return { version, notice: `${name} ${version} (MIT${copyright ? `, ${copyright}` : ''})` };
}

function inputsHash(sourceDir: string, esbuildVersion: string): string {
  const hash = createHash('sha256').update(esbuildVersion);
  for (const name of BUNDLED_PACKAGES) hash.update(`${name}@${packageInfo(name).version}`);
  const files = [...readdirSync(join(sourceDir, 'client')).map((file) => join('client', file)), 'layout.ts', 'report-data.ts'].sort();
  for (const file of files) hash.update(file).update(readFileSync(join(sourceDir, file)));
  return hash.digest('hex').slice(0, 16);
}

function loadEsbuild(): typeof Esbuild {
  try {
    const esbuild: typeof Esbuild = require('esbuild');
    return esbuild;
  } catch (error) {
    throw new StranglerError(
      'REPORT_BUNDLE_MISSING',
      `The HTML report's script (${APP_BUNDLE_FILE}) is not next to ${here} and esbuild is not installed to build it. Run \`npm run build\` in the strangler checkout, or reinstall strangler.`,
      { cause: error },
    );
  }
}

/** Bundles the browser script from `sourceDir` (the folder holding client/main.js). */
export function buildAppBundle(sourceDir: string): string {
  const esbuild = loadEsbuild();
  const notices = BUNDLED_PACKAGES.map((name) => packageInfo(name).notice);
  const result = esbuild.buildSync({
    entryPoints: [join(sourceDir, 'client', 'main.js')],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    legalComments: 'none',
    banner: { js: `/* strangler report script. Bundles ${notices.join(' | ')} */` },
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  if (!isScriptSafe(code)) {
    throw new StranglerError(
      'REPORT_BUNDLE_UNSAFE',
      'The bundled report script contains "</script" or "<!--" and cannot be inlined; report this as a bug.',
    );
  }
  return code;
}

function cachedBuild(sourceDir: string): string {
  const esbuild = loadEsbuild();
  const sigmaManifest = packageManifest('sigma');
  const modules = sigmaManifest.slice(0, sigmaManifest.lastIndexOf('node_modules') + 'node_modules'.length);
  const cacheDir = join(modules, '.cache', 'strangler');
  const file = join(cacheDir, `report-app-${inputsHash(sourceDir, esbuild.version)}.js`);
  if (existsSync(file)) return readFileSync(file, 'utf8');
  const code = buildAppBundle(sourceDir);
  mkdirSync(cacheDir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, code);
  renameSync(temporary, file);
  // Bundles of earlier sources are dead weight.
  for (const old of readdirSync(cacheDir))
    if (/^report-app-[0-9a-f]+\.js$/.test(old) && join(cacheDir, old) !== file) rmSync(join(cacheDir, old), { force: true });
  return code;
}

let loaded: string | undefined;

/** The browser script to inline: the built file next to this module, else built from source and cached. */
export function appBundle(): string {
  if (loaded !== undefined) return loaded;
  const built = join(here, APP_BUNDLE_FILE);
  if (existsSync(built)) {
    loaded = readFileSync(built, 'utf8');
    return loaded;
  }
  const sourceDir = clientSourceDir();
  if (sourceDir === undefined) {
    throw new StranglerError(
      'REPORT_BUNDLE_MISSING',
      `The HTML report's script ${join(here, APP_BUNDLE_FILE)} is missing. Run \`npm run build\` in the strangler checkout, or reinstall strangler.`,
    );
  }
  loaded = cachedBuild(sourceDir);
  return loaded;
}
