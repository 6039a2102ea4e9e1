import { describe, expect, it } from 'vitest';
import { collect, lines } from './__fixtures__/collect-routes.js';

describe('Next.js routes', () => {
  it('reads App Router route handlers from their folder path, with the methods they export', () => {
    const { routes } = collect({
      'src/app/api/posts/route.ts': `
        import { NextResponse } from 'next/server';
        export async function GET() { return NextResponse.json([]); }
        export const POST = async (request: Request) => NextResponse.json(await request.json());
        export const dynamic = 'force-dynamic';
      `,
      'src/app/api/posts/[postId]/route.ts': `
        async function handler() { return new Response(null); }
        export { handler as PATCH, handler as DELETE };
      `,
      'app/(marketing)/@modal/docs/[...slug]/route.tsx': 'export function GET() { return new Response(<b />); }',
      'app/api/files/[[...path]]/route.js': 'export function PUT() {}',
      // A private folder, a page, a file named like a route outside app/, a route file exporting no method.
      'app/_lib/route.ts': 'export function GET() {}',
      'app/dashboard/page.tsx': 'export default function Page() { return <main />; }',
      'src/lib/route.ts': 'export function GET() {}',
      'app/api/empty/route.ts': 'export const revalidate = 60;',
    });
    expect(lines(routes)).toEqual(
      [
        'GET /api/posts src/app/api/posts/route.ts',
        'POST /api/posts src/app/api/posts/route.ts',
        'DELETE /api/posts/:postId src/app/api/posts/[postId]/route.ts',
        'PATCH /api/posts/:postId src/app/api/posts/[postId]/route.ts',
        'PUT /api/files/* app/api/files/[[...path]]/route.js',
        'GET /docs/* app/(marketing)/@modal/docs/[...slug]/route.tsx',
      ].sort(),
    );
    expect(routes.every((route) => route.framework === 'nextjs')).toBe(true);
  });

  it('reads Pages Router API routes (every method) from files with a default export', () => {
    const { routes } = collect({
      'pages/api/auth/[...nextauth].ts': "import NextAuth from 'next-auth';\nexport default NextAuth({});",
      'src/pages/api/users/index.ts': 'export default function handler(req, res) { res.json([]); }',
      'src/pages/api/users/[id].ts': 'const handler = (req, res) => res.end();\nexport default handler;',
      'pages/api/helpers.ts': 'export const parse = () => 1;',
      'pages/about.tsx': 'export default function About() { return null; }',
    });
    expect(lines(routes)).toEqual([
      'ALL /api/auth/* pages/api/auth/[...nextauth].ts',
      'ALL /api/users src/pages/api/users/index.ts',
      'ALL /api/users/:id src/pages/api/users/[id].ts',
    ]);
  });
});
