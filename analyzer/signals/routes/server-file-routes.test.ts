import { describe, expect, it } from 'vitest';
import { collect, lines } from './__fixtures__/collect-routes.js';

describe('Nuxt (Nitro) routes', () => {
  it('reads handlers under server/api and server/routes from their file paths, with the method a suffix names', () => {
    const { routes } = collect({
      'server/api/todos/index.get.ts': 'export default defineEventHandler(async (event) => useDrizzle().select().from(tables.todos));',
      'server/api/todos/index.post.ts': "import { eventHandler } from 'h3';\nexport default eventHandler(async (event) => ({}));",
      'server/api/todos/[id].patch.ts': 'export default defineEventHandler((event) => getRouterParam(event, "id"));',
      'server/api/files/[...path].ts': 'export default defineCachedEventHandler(() => null, { maxAge: 60 });',
      'server/routes/sitemap.xml.ts': 'export default defineEventHandler(() => "<urlset />");',
      'apps/web/server/api/health.ts': 'export default defineEventHandler(() => "ok");',
      'server/routes/auth/github.get.ts': 'export default defineOAuthGitHubEventHandler({ async onSuccess() {} });',
      // Not handlers: a helper, a Nitro plugin, and an express app's routes folder.
      'server/api/_shared.ts': 'export const limit = 10;',
      'server/plugins/db.ts': 'export default defineNitroPlugin(() => {});',
      'server/routes/users.js': "const router = require('express').Router();\nmodule.exports = router;",
    });
    expect(lines(routes)).toEqual([
      'ALL /api/files/* server/api/files/[...path].ts',
      'ALL /api/health apps/web/server/api/health.ts',
      'ALL /sitemap.xml server/routes/sitemap.xml.ts',
      'GET /api/todos server/api/todos/index.get.ts',
      'GET /auth/github server/routes/auth/github.get.ts',
      'PATCH /api/todos/:id server/api/todos/[id].patch.ts',
      'POST /api/todos server/api/todos/index.post.ts',
    ]);
    expect(routes.every((route) => route.framework === 'nuxt')).toBe(true);
  });
});

describe('SvelteKit routes', () => {
  it('reads +server files with the methods they export, and form actions of +page.server files', () => {
    const { routes } = collect({
      'src/routes/api/posts/+server.ts':
        'export async function GET() { return new Response("[]"); }\nexport const POST = async () => new Response(null);',
      'src/routes/(app)/posts/[slug=slug]/+server.ts': 'export const PUT = () => new Response(null);\nexport const prerender = false;',
      'src/routes/[[lang]]/files/[...rest]/+server.js': 'export function fallback() { return new Response(null); }',
      'src/routes/login/+page.server.ts': 'export const actions = { default: async () => ({}) };\nexport const load = () => ({});',
      // A page that only loads data, a page component, a +server file outside src/routes.
      'src/routes/about/+page.server.ts': 'export const load = () => ({});',
      'src/routes/about/+page.svelte': '<h1>About</h1>',
      'src/lib/+server.ts': 'export function GET() {}',
    });
    expect(lines(routes)).toEqual([
      'ALL /:lang?/files/* src/routes/[[lang]]/files/[...rest]/+server.js',
      'GET /api/posts src/routes/api/posts/+server.ts',
      'POST /api/posts src/routes/api/posts/+server.ts',
      'POST /login src/routes/login/+page.server.ts',
      'PUT /posts/:slug src/routes/(app)/posts/[slug=slug]/+server.ts',
    ]);
    expect(routes.every((route) => route.framework === 'sveltekit')).toBe(true);
  });
});
