/** The human summary of a VerifyReport (what `strangler sync verify` prints). */
import type { RowKey, TableVerification, VerifyReport } from './verify.js';

const keyText = (row: RowKey): string =>
  Object.entries(row.key)
    .map(([column, value]) => `${column}=${value === null ? 'NULL' : value}`)
    .join(', ');

const show = (value: string | null): string =>
  value === null ? 'NULL' : JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);

function tableLines(table: TableVerification): string[] {
  const head = `${table.source} -> ${table.target}: ${table.sourceRows} source rows, ${table.targetRows} target rows`;
  const notes = [
    ...(table.notCompared.length > 0 ? [`  not compared (the target lacks them): ${table.notCompared.join(', ')}`] : []),
    ...(table.droppedInSource.length > 0
      ? [
          `  not compared (dropped in the source, so the target columns get no new values): ${table.droppedInSource
            .map((column) => (column.source === column.target ? column.source : `${column.source} -> ${column.target}`))
            .join(', ')}`,
        ]
      : []),
    ...table.uncastable.map(
      (column) => `  not compared, DIFFERENT: source values of ${column.column} do not fit its target type ${column.type}: ${column.error}`,
    ),
  ];
  if (table.equal) return [`${head}, equal`, ...notes];
  const { missing, extra, different } = table.counts;
  const lines = [
    `${head}, DIFFERENT: ${missing} missing in the target, ${extra} extra in the target, ${different} different (${table.rangesHashed} key ranges hashed)`,
    ...notes,
  ];
  for (const row of table.missing) lines.push(`  missing    ${keyText(row)}`);
  for (const row of table.extra) lines.push(`  extra      ${keyText(row)}`);
  for (const row of table.different) {
    lines.push(
      `  different  ${keyText(row)}: ${row.columns.map((c) => `${c.column} source ${show(c.source)} target ${show(c.target)}`).join('; ')}`,
    );
  }
  const listed = table.missing.length + table.extra.length + table.different.length;
  if (listed < missing + extra + different) lines.push(`  … ${missing + extra + different - listed} more not listed`);
  return lines;
}

export function renderVerifySummary(report: VerifyReport): string {
  const lines = report.tables.flatMap(tableLines);
  const differing = report.tables.filter((table) => !table.equal).length;
  lines.push(
    report.equal
      ? `verify: source and target agree on ${report.tables.length} table(s) (${report.durationMs} ms).`
      : `verify: ${differing} of ${report.tables.length} table(s) differ (${report.durationMs} ms).`,
  );
  return lines.join('\n') + '\n';
}
