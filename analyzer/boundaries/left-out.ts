/**
 * Files that belong to no service and to no shared library: migrations, seeds and one-off
 * scripts run beside the application (by a deploy step or a person), not inside it. Left
 * in, a migration script that touches every table would tie candidates together and claim
 * `schema_migrations` for one of them. They are left out of the boundaries (candidate
 * `null` in analysis.json), with the reason.
 */
import type { ExtractedProject } from '../model.js';

const TOOLING_FOLDERS = new Set(['scripts', 'script', 'migrations', 'migration', 'seeds', 'seed', 'seeders', 'tools', 'bin']);

/** Why `path` is tooling, or undefined when it is application code. */
export function toolingReason(path: string): string | undefined {
  const folders = path.split('/').slice(0, -1);
  const folder = folders.find((name) => TOOLING_FOLDERS.has(name.toLowerCase()));
  return folder === undefined ? undefined : `tooling: in a ${folder}/ folder (migrations, seeds, scripts run beside the services)`;
}

/** The project without its tooling files (unless that would leave nothing), and why each was left out. */
export function leaveOutTooling(project: ExtractedProject): { project: ExtractedProject; leftOut: Record<string, string> } {
  const leftOut: Record<string, string> = {};
  for (const module of project.modules) {
    const reason = toolingReason(module.path);
    if (reason !== undefined) leftOut[module.path] = reason;
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
