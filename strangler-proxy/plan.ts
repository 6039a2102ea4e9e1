/**
 * `strangler plan`'s proxy part: a config fragment that routes one candidate's HTTP routes
 * to a service named after it — switched off (enabled: false, weight: 0) so pasting it
 * into a running proxy's config changes nothing until someone turns it up.
 */
import type { AnalysisV1 } from '../common/contracts/analysis-v1.js';
import { StranglerError } from '../common/errors.js';

/** Optional segments expanded one by one; past this many, the path from the first one on is `/**`. */
const MAX_OPTIONAL = 3;

/**
 * Express/Nest style route paths to this proxy's patterns: `/files/*` → `/files/**`, `(\d+)`
 * constraints dropped, and an optional `:param?` segment as two patterns, without it and
 * with it (`/uptime/:duration?` → `/uptime`, `/uptime/:duration`), so no request the route
 * serves stays with the monolith.
 */
export function routePatterns(path: string): string[] {
  let source = path.trim();
  if (!source.startsWith('/')) source = '/' + source;
  source = source.replace(/\([^)]*\)/g, '').replace(/\/{2,}/g, '/');
  const segments = source.split('/').slice(1);
  const optional = segments.filter((segment) => /^:[A-Za-z0-9_]+\?$/.test(segment)).length;
  let variants: string[][] = [[]];
  for (const [index, segment] of segments.entries()) {
    const isOptional = /^:[A-Za-z0-9_]+\?$/.test(segment);
    if (isOptional && optional > MAX_OPTIONAL) {
      variants = variants.map((parts) => [...parts, '**']);
      break;
    }
    const parts = segment === '*' && index === segments.length - 1 ? '**' : isOptional ? segment.slice(0, -1) : segment;
    variants = isOptional ? variants.flatMap((done) => [done, [...done, parts]]) : variants.map((done) => [...done, parts]);
  }
  const patterns = variants.map((parts) => {
    const pattern = '/' + parts.filter((part, index) => part !== '' || index === parts.length - 1).join('/');
    return pattern.length > 1 && pattern.endsWith('/') ? pattern.slice(0, -1) : pattern;
  });
  return [...new Set(patterns)];
}

const quote = (value: string): string => JSON.stringify(value);

export function proxyPlanForCandidate(analysis: AnalysisV1, candidateId: string): string {
  const candidate = analysis.candidates.find((item) => item.id === candidateId);
  if (!candidate) {
    throw new StranglerError(
      'PROXY_PLAN_UNKNOWN_CANDIDATE',
      `No candidate "${candidateId}" in the analysis; candidates: ${analysis.candidates.map((item) => item.id).join(', ') || '(none)'}.`,
    );
  }
  const byPattern = new Map<string, { methods: Set<string>; modules: Set<string> }>();
  for (const route of candidate.routes) {
    for (const pattern of routePatterns(route.path)) {
      const entry = byPattern.get(pattern) ?? { methods: new Set<string>(), modules: new Set<string>() };
      const method = route.method.toUpperCase();
      if (/^[A-Z]+$/.test(method) && method !== 'ALL' && method !== 'USE') entry.methods.add(method);
      else entry.methods.add('*');
      entry.modules.add(route.module);
      byPattern.set(pattern, entry);
    }
  }
  const service = candidate.id.replace(/[^a-z0-9_-]/gi, '-');
  const lines = [
    `# Proxy routes for extracting "${candidate.name}" (candidate ${candidate.id}), written by \`strangler plan\`.`,
    `# Add the service's real instances, merge into your strangler.yaml, then raise weight`,
    `# step by step (or: PUT /routes/<id>/weight on the admin API) and set enabled: true.`,
    'services:',
    `  ${service}:`,
    '    instances:',
    '      - http://127.0.0.1:4000 # TODO: the extracted service',
    '    balancer: round-robin',
    '    healthCheck:',
    '      path: /health',
    'routes:',
  ];
  if (byPattern.size === 0) lines.push('  [] # the analysis found no HTTP routes for this candidate');
  let index = 0;
  for (const [pattern, entry] of [...byPattern].sort(([a], [b]) => a.localeCompare(b))) {
    index++;
    const methods = entry.methods.has('*') ? [] : [...entry.methods].sort();
    lines.push(
      `  # from ${[...entry.modules].sort().join(', ')}`,
      `  - id: ${quote(`${candidate.id}-${index}`)}`,
      '    match:',
      `      path: ${quote(pattern)}`,
      `      methods: [${methods.map(quote).join(', ')}]${methods.length === 0 ? ' # every method' : ''}`,
      `    service: ${quote(service)}`,
      '    weight: 0 # percent of matching traffic sent to the service',
      '    enabled: false',
      '    fallback: true # back to the monolith when the service fails',
    );
  }
  return lines.join('\n') + '\n';
}
