/**
 * Files that belong to no service and to no shared library, left out of the boundaries
 * (candidate `null` in analysis.json) with the reason:
 *
 * - Tooling: migrations, seeds and one-off scripts run beside the application (by a deploy
 *   step or a person), not inside it. Left in, a migration script that touches every table
 *   would tie candidates together and claim `schema_migrations` for one of them.
 * - Frontend: the browser UI of a repository that holds both sides (outline's `app/` next to
 *   its `server/`). Its components are not backend services to extract; left in, they make
 *   most of the candidates (avatar, button, sidebar…). React on the server (email templates,
 *   server-side rendering) stays: a file that server code imports is not frontend.
 */
import { COMPONENT_EVIDENCE, JSX_EVIDENCE, NUXT_APP_EVIDENCE, type ExtractedProject } from '../model.js';

const TOOLING_FOLDERS = new Set(['scripts', 'script', 'migrations', 'migration', 'seeds', 'seed', 'seeders', 'tools', 'bin']);
/**
 * Folders whose files are server code whatever they import (React email templates in
 * `server/emails/`). Not `api/`: a client's page about the API lives in one too.
 */
const SERVER_FOLDERS = new Set(['server', 'servers', 'backend']);

const inServerFolder = (path: string): boolean =>
  path
    .split('/')
    .slice(0, -1)
    .some((name) => SERVER_FOLDERS.has(name.toLowerCase()));

/**
 * Build, lint and test settings: `jest.config.ts`, `vite.config.mts`, `eslint.config.cjs`,
 * `.eslintrc.js`, `.prettierrc.cjs`, `Gulpfile.js`, and test setup files (`setupTests.js`, `jest.setup.ts`).
 */
const CONFIG_FILE = /(?:^|\/)(?:[^/]*\.config|\.[\w.-]*rc|gulpfile|gruntfile|setupTests|(?:jest|vitest)\.setup|test-setup)\.[cm]?[jt]sx?$/i;

/** Named like a migrations or seeds folder: `knex_migrations`, `db-migrations`, `prisma_seeds`. */
const TOOLING_SUFFIX = /[-_.](?:migrations?|seeds?|seeders)$/i;

const isToolingFolder = (name: string): boolean => TOOLING_FOLDERS.has(name.toLowerCase()) || TOOLING_SUFFIX.test(name);

/** Evidence that names what the file is rather than a package it imports. */
const KINDS: ReadonlySet<string> = new Set([...Object.values(COMPONENT_EVIDENCE), NUXT_APP_EVIDENCE]);

/** What makes a file UI, as uiImports says it: `holds JSX`, `a Vue component`, `imports react`. */
function uiEvidence(evidence: string): string {
  if (evidence === JSX_EVIDENCE) return 'holds JSX';
  return KINDS.has(evidence) ? `a ${evidence}` : `imports ${evidence}`;
}

/** Why `path` is tooling, or undefined when it is application code. */
export function toolingReason(path: string): string | undefined {
  const folders = path.split('/').slice(0, -1);
  const folder = folders.find(isToolingFolder);
  if (folder !== undefined) return `tooling: in a ${folder}/ folder (migrations, seeds, scripts run beside the services)`;
  return CONFIG_FILE.test(path) ? 'tooling: a build, lint or test configuration file' : undefined;
}

/**
 * The browser UI of the project, each file with the reason. Imports here are those that run
 * code (not type-only ones: the server naming a type of the editor's does not load the
 * editor). A file is frontend when it declares no HTTP route, touches no table, is in no
 * server/ or backend/ folder, and
 * - it is UI (imports a UI framework, or holds JSX), or it is imported, or it imports project
 *   files and nothing imports it (an entry point such as a plugin's client index), and
 * - every file that imports it is frontend, and an entry point imports no server file, and
 * - it can be reached by imports from a frontend file that is UI, or it is an entry point
 *   that imports such a file (a ring of plain files importing each other is not frontend,
 *   nor is a mock that only tests import, with what it imports).
 * That is the largest such set, found by removing files until every rule holds. Nothing is
 * frontend in a project without a route or a table: there is no server side to tell it from.
 */
export function frontendReasons(project: ExtractedProject): Map<string, string> {
  const ui = project.uiImports ?? {};
  const server = new Set([...project.routes.map((route) => route.module), ...project.tables.map((access) => access.module)]);
  if (server.size === 0 || Object.keys(ui).length === 0) return new Map();
  const importers = new Map<string, string[]>();
  const imports = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, value: string): void => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const { from, to } of project.edges.filter((edge) => !edge.typeOnly)) {
    add(importers, to, from);
    add(imports, from, to);
  }
  const entry = (path: string): boolean => ui[path] === undefined && !importers.has(path);
  const serverSide = (path: string): boolean => server.has(path) || inServerFolder(path);
  const frontend = new Set(
    project.modules
      .map((module) => module.path)
      .filter((path) => !serverSide(path) && (ui[path] !== undefined || importers.has(path) || imports.has(path))),
  );
  const outside = (paths: readonly string[] | undefined): boolean => (paths ?? []).some((path) => !frontend.has(path));
  let changed = true;
  while (changed) {
    changed = false;
    let check = [...frontend];
    while (check.length > 0) {
      const next: string[] = [];
      for (const path of check) {
        if (!frontend.has(path) || !(outside(importers.get(path)) || (entry(path) && (imports.get(path) ?? []).some(serverSide)))) continue;
        frontend.delete(path);
        changed = true;
        // What it imports has an importer outside now; an entry point that imports it imports one.
        next.push(...(imports.get(path) ?? []), ...(importers.get(path) ?? []));
      }
      check = next;
    }
    const reached = new Set<string>();
    const reach = (seeds: Iterable<string>): void => {
      const queue = [...seeds].filter((path) => !reached.has(path));
      for (const path of queue) reached.add(path);
      for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
        for (const to of imports.get(path) ?? []) {
          if (!frontend.has(to) || reached.has(to)) continue;
          reached.add(to);
          queue.push(to);
        }
      }
    };
    reach([...frontend].filter((path) => ui[path] !== undefined));
    // Then the entry points that import UI code (a plugin's client index, a story), with what only they import.
    reach([...frontend].filter((path) => entry(path) && (imports.get(path) ?? []).some((to) => reached.has(to))));
    for (const path of [...frontend]) {
      if (reached.has(path)) continue;
      frontend.delete(path);
      changed = true;
    }
  }
  // Types that only the frontend names (an Angular dialog's interfaces.ts): nothing imports them to run.
  const typeUsers = new Map<string, string[]>();
  for (const { from, to } of project.edges) if (from !== to) add(typeUsers, to, from);
  const typesOnly = new Set<string>();
  for (let grew = true; grew;) {
    grew = false;
    for (const [path, users] of typeUsers) {
      if (frontend.has(path) || typesOnly.has(path) || importers.has(path) || serverSide(path)) continue;
      if (ui[path] !== undefined || !users.every((from) => frontend.has(from) || typesOnly.has(from))) continue;
      typesOnly.add(path);
      grew = true;
    }
  }
  const reasons: Array<[string, string]> = [...typesOnly].map((path) => [
    path,
    `types named only by browser UI code (${first(typeUsers.get(path)) ?? ''})`,
  ]);
  for (const path of frontend) {
    const evidence = ui[path];
    const importer = first(importers.get(path));
    let reason: string;
    if (evidence !== undefined) reason = `browser UI (${uiEvidence(evidence)}) that no server code imports`;
    else if (importer === undefined) reason = 'an entry point that imports browser UI code and no server code';
    else reason = `imported only by browser UI code (${importer})`;
    reasons.push([path, reason]);
  }
  return new Map(reasons.sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, reason]) => [path, `frontend: ${reason}`]));
}

/** The first of `paths` in sort order. */
const first = (paths: readonly string[] | undefined): string | undefined => (paths === undefined ? undefined : [...paths].sort()[0]);

/**
 * Tooling by place or name (toolingReason), the files package.json scripts run as tools
 * (ExtractedProject.scriptRuns), and then what only tooling imports to run (a release
 * script's helpers), until nothing more is.
 */
function toolingReasons(project: ExtractedProject): Record<string, string> {
  const scripts = project.scriptRuns ?? {};
  const leftOut: Record<string, string> = {};
  for (const module of project.modules) {
    const script = scripts[module.path];
    const reason = toolingReason(module.path) ?? (script === undefined ? undefined : `tooling: run by ${script}`);
    if (reason !== undefined) leftOut[module.path] = reason;
  }
  if (Object.keys(leftOut).length === 0) return leftOut;
  const importers = new Map<string, string[]>();
  for (const { from, to } of project.edges) {
    if (from === to) continue;
    const list = importers.get(to);
    if (list) list.push(from);
    else importers.set(to, [from]);
  }
  for (let grew = true; grew;) {
    grew = false;
    for (const module of project.modules) {
      const users = importers.get(module.path);
      if (leftOut[module.path] !== undefined || users === undefined || !users.every((from) => leftOut[from] !== undefined)) continue;
      leftOut[module.path] = `tooling: imported only by tooling (${first(users) ?? ''})`;
      grew = true;
    }
  }
  return Object.fromEntries(Object.entries(leftOut).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export interface LeaveOutOptions {
  /** Keep the frontend in the boundaries (`--include-frontend`). Default false. */
  keepFrontend?: boolean;
}

/** The project without its tooling and frontend files (unless that would leave nothing), and why each was left out. */
export function leaveOut(
  project: ExtractedProject,
  options: LeaveOutOptions = {},
): { project: ExtractedProject; leftOut: Record<string, string> } {
  const leftOut = toolingReasons(project);
  if (options.keepFrontend !== true) {
    for (const [path, reason] of frontendReasons(project)) leftOut[path] ??= reason;
  }
  const count = Object.keys(leftOut).length;
  if (count === 0 || count === project.modules.length) return { project, leftOut: {} };
  const keep = (path: string): boolean => leftOut[path] === undefined;
  const kept = (edge: { from: string; to: string }): boolean => keep(edge.from) && keep(edge.to);
  return {
    leftOut,
    project: {
      ...project,
      modules: project.modules.filter((module) => keep(module.path)),
      edges: project.edges.filter(kept),
      ...(project.couplingEdges ? { couplingEdges: project.couplingEdges.filter(kept) } : {}),
      routes: project.routes.filter((route) => keep(route.module)),
      tables: project.tables.filter((access) => keep(access.module)),
      coChange: project.coChange.filter((pair) => keep(pair.a) && keep(pair.b)),
    },
  };
}
