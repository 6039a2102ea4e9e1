/**
 * Pieces of the Prometheus text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format):
 * UTF-8, `\n` line endings, the last line ends with `\n`; `# HELP` escapes `\` and line
 * feed; label values escape `\`, `"` and line feed; sample values are Go floats, so
 * infinities are `+Inf`/`-Inf` and not-a-number is `NaN`.
 */

/** The Content-Type a scrape response carries. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

/** Label names matching the format; names starting with `__` are reserved for Prometheus. */
export function isLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && !name.startsWith('__');
}

/** HELP text: backslash and line feed are escaped. */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A label value: backslash, double quote and line feed are escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** `name="value",…` without braces, values escaped; empty when there are no labels. */
export function formatLabelPairs(names: readonly string[], values: readonly string[]): string {
  let out = '';
  for (let i = 0; i < names.length; i++) {
    if (i > 0) out += ',';
    out += `${names[i] ?? ''}="${escapeLabelValue(values[i] ?? '')}"`;
  }
  return out;
}

/** The label block of a sample, `{…}` or nothing; `extra` is appended pre-formatted (e.g. `le="0.5"`). */
export function labelBlock(pairs: string, extra = ''): string {
  if (pairs === '' && extra === '') return '';
  if (pairs === '') return `{${extra}}`;
  if (extra === '') return `{${pairs}}`;
  return `{${pairs},${extra}}`;
}
