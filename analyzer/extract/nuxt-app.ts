/**
 * A Nuxt app's own code: the files of `app/` beside a `nuxt.config.*` (Nuxt 4), or of the
 * folders Nuxt reads at that level without one (`pages/`, `components/`, `composables/`,
 * `layouts/`, `middleware/`, `plugins/`, `stores/`, `utils/`). Nuxt imports them itself
 * (auto-imports, file-based pages), so no import makes them UI code; `server/` is the server.
 */
import { posix } from 'node:path';

const NUXT_CONFIG = /(?:^|\/)nuxt\.config\.[cm]?[jt]s$/;
const APP_FOLDERS = ['pages', 'components', 'composables', 'layouts', 'middleware', 'plugins', 'stores', 'utils'];

/** The files of `paths` that are a Nuxt app's own code. */
export function nuxtAppFiles(paths: readonly string[]): string[] {
  const roots = paths
    .filter((path) => NUXT_CONFIG.test(path))
    .map((path) => (posix.dirname(path) === '.' ? '' : `${posix.dirname(path)}/`));
  if (roots.length === 0) return [];
  const folders = roots.flatMap((root) => {
    const app = `${root}app/`;
    return paths.some((path) => path.startsWith(app)) ? [app] : APP_FOLDERS.map((folder) => `${root}${folder}/`);
  });
  return paths.filter((path) => folders.some((folder) => path.startsWith(folder)) && !NUXT_CONFIG.test(path));
}
