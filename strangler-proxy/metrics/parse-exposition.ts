/**
 * A strict reader of the text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-format-details), for
 * tests, the benchmark and the demo that read `/metrics`. It checks what a scraper would
 * reject: lines that do not parse, samples of a family whose TYPE came after them, a TYPE
 * or HELP given twice, a missing final line feed.
 */
import { StranglerError } from '../../common/errors.js';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedExposition {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function fail(line: number, message: string): never {
  throw new StranglerError('PROXY_METRICS_PARSE', `metrics line ${line}: ${message}`);
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char));
}

function parseValue(text: string, line: number): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return Number.NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) fail(line, `${JSON.stringify(text)} is not a number`);
  return value;
}

/** The family a sample belongs to: histogram samples carry a suffix. */
function familyOf(name: string, types: Map<string, string>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const type = types.get(base);
      if (type === 'histogram' || type === 'summary') return base;
    }
  }
  return name;
}

export function parseExposition(text: string): ParsedExposition {
  if (text !== '' && !text.endsWith('\n')) fail(text.split('\n').length, 'the last line must end with a line feed');
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: Sample[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '') return;
    if (trimmed.startsWith('#')) {
      const parts = /^#\s*(HELP|TYPE)\s+(\S+)\s*(.*)$/.exec(trimmed);
      if (!parts) return; // a plain comment
      const [, keyword, name = '', rest = ''] = parts;
      if (keyword === 'TYPE') {
        if (!TYPES.has(rest)) fail(line, `unknown type ${JSON.stringify(rest)}`);
        if (types.has(name)) fail(line, `second TYPE for ${name}`);
        if (seen.has(name)) fail(line, `TYPE for ${name} after its samples`);
        types.set(name, rest);
      } else {
        if (help.has(name)) fail(line, `second HELP for ${name}`);
        help.set(name, unescape(rest));
      }
      return;
    }
    const match = SAMPLE.exec(trimmed);
    if (!match) fail(line, `cannot parse ${JSON.stringify(raw)}`);
    const [, name = '', labelText = '', valueText = ''] = match;
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < labelText.length) {
      const label = LABEL.exec(labelText);
      if (!label) fail(line, `cannot parse labels {${labelText}}`);
      const [, key = '', value = ''] = label;
      if (key in labels) fail(line, `label ${key} given twice`);
      labels[key] = unescape(value);
    }
    seen.add(familyOf(name, types));
    samples.push({ name, labels, value: parseValue(valueText, line) });
  });
  return { types, help, samples };
}

/** The value of the one sample with this name and these labels (a subset), or undefined. */
export function sampleValue(parsed: ParsedExposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = parsed.samples.find(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  return found?.value;
}
