/**
 * Files that package.json scripts or CI workflows run (`"reset-password": "node
 * extra/reset-password.js"`, `"release": "tsx ./tools/release.ts --beta"`, `run: node
 * ./extra/check-lang-json.js`): one-off tools beside the application, unless a script that
 * starts the application (`start`, `dev`, `serve`, `worker`…) runs them as the application.
 * The boundaries stage leaves them out as tooling.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Manifest } from './workspaces.js';

/** Programs that run the script file given as their first argument. */
const RUNNERS: ReadonlySet<string> = new Set([
  'node',
  'tsx',
  'ts-node',
  'ts-node-esm',
  'babel-node',
  'bun',
  'deno',
  'esno',
  'vite-node',
  'zx',
  'jiti',
]);
/** Words before the program that change nothing here: `npx tsx x.ts`, `cross-env A=1 node x.js`, `pnpm exec tsx x.ts`. */
const PREFIXES: ReadonlySet<string> = new Set(['npx', 'pnpx', 'exec', 'cross-env', 'dotenv', '--', 'env', 'time', 'nice', 'run']);
/** Runner options that take a value: `node -r dotenv/config x.js`, `node --import tsx x.ts`. */
const OPTIONS_WITH_VALUE: ReadonlySet<string> = new Set([
  '-r',
  '--require',
  '--import',
  '--loader',
  '--experimental-loader',
  '--env-file',
  '--conditions',
  '-C',
  '--tsconfig',
  '--project',
  '-P',
  '--title',
]);
/** Scripts that start the application, not a tool: `start`, `start:prod`, `dev`, `serve`, `worker:email`. */
const STARTS_APP = /^(?:start|serve|server|dev|develop|prod|production|worker|watch|debug|preview)(?:$|[-:_.])/i;

/** The file a shell segment runs with one of the RUNNERS, as written. */
function runFile(segment: string): string | undefined {
  const words = segment
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '');
  let at = 0;
  // `A=1 B=2 node x.js`, `npx tsx x.ts`, `pnpm exec tsx x.ts`, `yarn node x.js`.
  while (at < words.length) {
    const word = words[at] ?? '';
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word) || PREFIXES.has(word) || ((word === 'pnpm' || word === 'yarn') && at + 1 < words.length))
      at++;
    else break;
  }
  if (!RUNNERS.has(words[at] ?? '')) return undefined;
  for (at++; at < words.length; at++) {
    const word = words[at] ?? '';
    if (word === 'run' && (words[at - 1] === 'deno' || words[at - 1] === 'bun')) continue;
    if (OPTIONS_WITH_VALUE.has(word)) {
      at++;
      continue;
    }
    if (word.startsWith('-')) continue;
    return word.replace(/^["']|["']$/g, '');
  }
  return undefined;
}

/** A CI workflow or a Dockerfile, as read. */
export interface RunFile {
  path: string;
  text: string;
  kind: 'ci' | 'docker';
}

/** Where a Dockerfile stage's COPY and ADD put project files: a container path and the project path it holds. */
interface ImageCopy {
  container: string;
  project: string;
  /** A folder's contents (`COPY src ./src`, `COPY . .`), not one file. */
  folder: boolean;
}

/** A Dockerfile stage as far as it has been read: its working directory and what it copied where. */
interface ImageFiles {
  workdir: string;
  copies: ImageCopy[];
}

/** The words of an instruction's arguments, in the shell form or the exec (JSON) form. */
function instructionWords(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) return [...trimmed.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((part) => part[1] ?? '');
  return trimmed.split(/\s+/).filter((word) => word !== '');
}

/**
 * `COPY [--chown=…] <src>… <dest>` (and ADD) from the build context: each source as a
 * container path. A source that is a project file, or is named like a file, is one file (into
 * `dest/` when dest ends with a slash or there are several sources); anything else is a folder
 * whose contents go to dest. Copies from another stage (`--from`), URLs and wildcards are left out.
 */
function imageCopies(image: ImageFiles, argumentsText: string, modules: ReadonlySet<string>): ImageCopy[] {
  const words = instructionWords(argumentsText);
  if (words.some((word) => word.startsWith('--from'))) return [];
  const paths = words.filter((word) => !word.startsWith('--'));
  const dest = paths.pop();
  if (dest === undefined || paths.length === 0) return [];
  const target = posix.resolve(image.workdir, dest);
  const into = dest.endsWith('/') || paths.length > 1;
  return paths
    .filter((source) => !/[*?[]|^[a-z]+:\/\//i.test(source))
    .map((source) => {
      const project = posix.normalize(source).replace(/^\.\/|\/$/g, '');
      // A file of the project, or named like one (`package.json`): not a folder whose contents land in dest.
      const file = modules.has(project) || /[^./]\.[A-Za-z0-9]+$/.test(project);
      return {
        container: file && into ? posix.join(target, posix.basename(project)) : target,
        project: project === '.' ? '' : project,
        folder: !file,
      };
    });
}

/** The project file a path in the image is, by the stage's copies (the last copy that covers it wins); undefined when none does. */
function projectPath(image: ImageFiles, written: string): string | undefined {
  const absolute = posix.resolve(image.workdir, written);
  let found: string | undefined;
  let longest = -1;
  for (const copy of image.copies) {
    const inside = copy.folder && (copy.container === '/' || absolute.startsWith(`${copy.container}/`));
    if ((absolute !== copy.container && !inside) || copy.container.length < longest) continue;
    longest = copy.container.length;
    found = posix.join(copy.project, posix.relative(copy.container, absolute));
  }
  return found;
}

/**
 * A Dockerfile's instructions: `RUN` and `HEALTHCHECK … CMD` run tools while the image is
 * built or checked; `CMD` and `ENTRYPOINT` start the application. A path is taken back to the
 * project file that `COPY` (or `ADD`) put there, from the stage's `WORKDIR`
 * (`COPY scripts/migrate.js /usr/local/bin/` then `RUN node /usr/local/bin/migrate.js`);
 * one that no copy covers counts from the project's root (as after the usual `COPY . .`).
 */
function dockerRuns(runs: ToolRuns, modules: ReadonlySet<string>, dockerfile: RunFile): void {
  let image: ImageFiles = { workdir: '/', copies: [] };
  for (const instruction of dockerfile.text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const match = /^\s*(FROM|WORKDIR|COPY|ADD|RUN|CMD|ENTRYPOINT|HEALTHCHECK)\s+(.*)$/i.exec(instruction);
    if (!match) continue;
    const keyword = (match[1] ?? '').toUpperCase();
    let command = match[2] ?? '';
    if (keyword === 'FROM') {
      image = { workdir: '/', copies: [] };
      continue;
    }
    if (keyword === 'WORKDIR') {
      image.workdir = posix.resolve(image.workdir, command.trim().replace(/^["']|["']$/g, ''));
      continue;
    }
    if (keyword === 'COPY' || keyword === 'ADD') {
      image.copies.push(...imageCopies(image, command, modules));
      continue;
    }
    if (keyword === 'HEALTHCHECK') command = command.replace(/^.*?\bCMD\s+/i, '');
    // The exec form: ["node", "server/server.js"].
    if (command.trim().startsWith('[')) command = instructionWords(command).join(' ');
    const tool = keyword === 'CMD' || keyword === 'ENTRYPOINT' ? undefined : `the Dockerfile ${dockerfile.path}`;
    for (const segment of command.split(/&&|\|\||[;|&]/)) {
      const written = runFile(segment);
      if (written === undefined) continue;
      const copied = projectPath(image, written);
      record(runs, moduleRun(modules, '', copied) ?? moduleRun(modules, '', written), tool);
    }
  }
}

const RUN_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];

/** Where a tool runs: a package.json script, a CI workflow or a Dockerfile. */
interface ToolRuns {
  tools: Map<string, string>;
  apps: Set<string>;
}

/** The source file a runner given `file` (in `dir`) runs: `node backend/seeder` runs backend/seeder.js. */
function moduleRun(modules: ReadonlySet<string>, dir: string, file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const written = posix.normalize(posix.join(dir, file));
  return [written, ...RUN_EXTENSIONS.map((extension) => written + extension)].find((candidate) => modules.has(candidate));
}

/** `path` (a source file, or undefined for none) is run as a tool, or as the application when `tool` is undefined. */
function record(runs: ToolRuns, path: string | undefined, tool: string | undefined): void {
  if (path === undefined) return;
  if (tool === undefined) runs.apps.add(path);
  else if (!runs.tools.has(path)) runs.tools.set(path, tool);
}

/**
 * Each source file that a tool script runs, with the script that runs it: `{
 * 'extra/reset-password.js': 'the package.json script "reset-password"' }` (`packages/api:
 * seed` for a package in a subfolder). A script that starts the application runs the
 * application in its last command; what its commands before run are tools too (`node
 * scripts/migrate.js && node server.js`). Lines of CI workflows (`.github/workflows/*.yml`,
 * `.gitlab-ci.yml`: `run: node ./extra/check-lang-json.js`) run tools, from the root.
 */
export function toolRunFiles(
  manifests: Iterable<Manifest>,
  modules: ReadonlySet<string>,
  workflows: readonly RunFile[] = [],
): Record<string, string> {
  const runs: ToolRuns = { tools: new Map(), apps: new Set() };
  for (const manifest of manifests) {
    for (const [name, command] of Object.entries(manifest.scripts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const tool = `the package.json script "${manifest.dir === '' ? name : `${manifest.dir}: ${name}`}"`;
      const segments = command.split(/&&|\|\||[;|&]/).filter((segment) => segment.trim() !== '');
      const startsApp = STARTS_APP.test(name);
      segments.forEach((segment, index) =>
        record(runs, moduleRun(modules, manifest.dir, runFile(segment)), startsApp && index === segments.length - 1 ? undefined : tool),
      );
    }
  }
  for (const workflow of workflows) {
    if (workflow.kind === 'docker') {
      dockerRuns(runs, modules, workflow);
      continue;
    }
    for (const line of workflow.text.split('\n')) {
      const command = line.replace(/^\s*(?:-\s+)?(?:run:|script:)?\s*(?:-\s+)?/, '');
      for (const segment of command.split(/&&|\|\||[;|&]/))
        record(runs, moduleRun(modules, '', runFile(segment)), `the CI workflow ${workflow.path}`);
    }
  }
  return Object.fromEntries([...runs.tools].filter(([path]) => !runs.apps.has(path)).sort(([a], [b]) => (a < b ? -1 : 1)));
}

const DOCKERFILE = /^(?:Dockerfile(?:\..+)?|.+\.dockerfile)$/i;

const listed = (root: string, dir: string, keep: (name: string) => boolean): string[] => {
  if (!existsSync(join(root, dir))) return [];
  try {
    return readdirSync(join(root, dir))
      .filter(keep)
      .sort()
      .map((name) => (dir === '' ? name : `${dir}/${name}`));
  } catch {
    return []; // not a readable folder
  }
};

/**
 * The CI workflows (`.github/workflows/*.yml|yaml`, `.gitlab-ci.yml`) and the Dockerfiles (at
 * the root and in `docker/`) of the root; unreadable ones are skipped.
 */
export function readWorkflows(root: string): RunFile[] {
  const files: Array<{ path: string; kind: RunFile['kind'] }> = [
    ...listed(root, '.github/workflows', (name) => /\.ya?ml$/.test(name)).map((path) => ({ path, kind: 'ci' as const })),
    ...listed(root, '', (name) => name === '.gitlab-ci.yml').map((path) => ({ path, kind: 'ci' as const })),
    ...[...listed(root, '', (name) => DOCKERFILE.test(name)), ...listed(root, 'docker', (name) => DOCKERFILE.test(name))].map((path) => ({
      path,
      kind: 'docker' as const,
    })),
  ];
  return files.flatMap(({ path, kind }) => {
    try {
      return [{ path, text: readFileSync(join(root, path), 'utf8'), kind }];
    } catch {
      return [];
    }
  });
}
