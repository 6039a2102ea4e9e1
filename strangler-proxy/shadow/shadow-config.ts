/**
 * The `routes[].shadow` section: copy a share of a route's requests to the other side
 * (fire and forget) and compare the answers. Absent: no shadowing, nothing changes.
 */
import { array, boolean, duration, number, object, oneOf, refine, string, type Issue, type Schema } from '../../common/config/schema.js';
import { TOKEN } from '../http/headers.js';
import { parseJsonPath } from './json-path.js';

const SERVICE_NAME = /^[a-z0-9][a-z0-9_-]*$/i;
const METHOD = /^[A-Z]+$/;

export const SHADOW_DEFAULT_MAX_BODY = 1024 * 1024;

const compareSchema = object(
  {
    status: boolean({ default: true, description: 'Compare status codes.' }),
    headers: array(string({ pattern: TOKEN, patternHint: 'a header name' }), {
      default: [],
      description: 'Response headers to compare (case-insensitive); none by default.',
    }),
    body: oneOf(['exact', 'json', 'none'] as const, {
      default: 'json',
      description: 'exact: byte for byte; json: parsed and compared structurally, key order ignored (non-JSON: byte for byte); none.',
    }),
    ignoreJsonPaths: array(string({ minLength: 1 }), {
      default: [],
      description: 'JSONPath subset ($.a.b, $.items[*].id, $..generatedAt) skipped by the json comparison.',
    }),
  },
  { default: { status: true, headers: [], body: 'json', ignoreJsonPaths: [] } },
);

function shadowIssues(shadow: { compare: { ignoreJsonPaths: readonly string[] } }, path: string): Issue[] {
  const issues: Issue[] = [];
  shadow.compare.ignoreJsonPaths.forEach((source, index) => {
    const parsed = parseJsonPath(source);
    if (typeof parsed === 'string')
      issues.push({ path: `${path}.compare.ignoreJsonPaths[${index}]`, message: `${JSON.stringify(source)} ${parsed}` });
  });
  return issues;
}

export const shadowSchema = refine(
  object({
    service: string({
      pattern: SERVICE_NAME,
      patternHint: 'a service name or "monolith"',
      description:
        'Where copies go ("monolith" or a key of `services`); when that side answered the client, the copy goes to the other side.',
    }),
    percent: number({ default: 100, min: 0, max: 100, description: 'Share of matching requests copied.' }),
    methods: array(string({ pattern: METHOD, patternHint: 'an upper-case HTTP method' }), {
      default: ['GET', 'HEAD'],
      description: 'Methods copied. Unsafe methods (POST, PUT, ...) only if listed: the copy has side effects on the shadow side.',
    }),
    compare: compareSchema,
    maxBodyBytes: number({
      default: SHADOW_DEFAULT_MAX_BODY,
      integer: true,
      min: 0,
      description: 'Largest body captured per side (and largest request body copied).',
    }),
    timeout: duration({ default: 5000, min: 1, description: 'The whole shadow exchange must finish within this.' }),
    maxConcurrent: number({
      default: 32,
      integer: true,
      min: 1,
      description: 'Most copies of this route running at once (more are skipped): bounds memory to about 2 × maxBodyBytes each.',
    }),
  }),
  shadowIssues,
);

type Infer<S> = S extends Schema<infer T> ? T : never;
export type ShadowConfig = Infer<typeof shadowSchema>;
