/**
 * `strangler plan --candidate <id>`: the sync config fragment for the tables a candidate owns.
 * The tables it writes become mappings (same name in the service's database, to be renamed or
 * reshaped by hand); tables it shares with other candidates and tables it only reads are
 * listed as comments, because who owns them is a decision the analysis cannot make.
 */
import { StranglerError } from '../common/errors.js';
import type { AnalysisV1 } from '../common/contracts/analysis-v1.js';

const SLOT = /[^a-z0-9_]/g;

function yamlString(value: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(value) ? value : JSON.stringify(value);
}

function qualified(table: string): string {
  return table.includes('.') ? table : `public.${table}`;
}

export function syncPlanForCandidate(analysis: AnalysisV1, candidateId: string): string {
  const candidate = analysis.candidates.find((entry) => entry.id === candidateId);
  if (!candidate) {
    throw new StranglerError(
      'ANALYSIS_NO_CANDIDATE',
      `The analysis has no candidate "${candidateId}". Candidates: ${analysis.candidates.map((c) => c.id).join(', ')}.`,
    );
  }
  const shared = new Map((analysis.sharedTables ?? []).map((entry) => [entry.table, entry]));
  const owned = candidate.tables.filter(
    (table) => table.writes > 0 && !(shared.get(table.name)?.writers.some((writer) => writer !== candidateId) ?? false),
  );
  const sharedWrites = candidate.tables.filter((table) => table.writes > 0 && !owned.includes(table));
  const readOnly = candidate.tables.filter((table) => table.writes === 0);
  const name = `strangler_${candidateId.toLowerCase().replace(SLOT, '_')}`.slice(0, 63);
  const env = `${candidateId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_DATABASE_URL`;

  const lines = [
    `# strangler sync config for candidate "${candidateId}" (from ${analysis.tool.name} ${analysis.tool.version}).`,
    '# Run: strangler sync --config sync.yaml  (connection URLs come from the variables below).',
    '# Each mapping copies a table under the same name; add renames (columns), subsets',
    '# (include/exclude), computed columns and filters to match the service schema (sync/README.md).',
    'source:',
    '  urlEnv: MONOLITH_DATABASE_URL',
    'target:',
    `  urlEnv: ${env}`,
    `slot: ${name}`,
    `publication: ${name}`,
    'schemaChange: stop',
  ];
  if (owned.length === 0) {
    lines.push(`# ${candidateId} writes no table of its own: there is nothing to sync yet.`, 'tables: []');
  } else {
    lines.push(`# Tables ${candidateId} writes (and no other candidate does):`, 'tables:');
    for (const table of owned) {
      lines.push(
        `  - source: ${yamlString(qualified(table.name))}`,
        `    target: ${yamlString(table.name.split('.').pop() ?? table.name)}`,
        `    # ${table.writes} write(s), ${table.reads} read(s) in ${candidateId}`,
      );
    }
  }
  if (sharedWrites.length > 0) {
    lines.push('#', '# Shared tables: written by this candidate AND others. Decide an owner before syncing one way:');
    for (const table of sharedWrites) {
      const entry = shared.get(table.name);
      lines.push(`#   ${table.name}: writers ${entry?.writers.join(', ') ?? candidateId}; readers ${entry?.readers.join(', ') || '-'}`);
    }
  }
  if (readOnly.length > 0) {
    lines.push('#', `# Tables ${candidateId} only reads (another part owns them; sync them as read copies if the service needs them):`);
    for (const table of readOnly) {
      const entry = shared.get(table.name);
      lines.push(
        `#   - source: ${qualified(table.name)}   # ${table.reads} read(s)${entry ? `; written by ${entry.writers.join(', ')}` : ''}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
