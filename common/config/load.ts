/**
 * Reads a YAML or JSON config file into plain data. It never executes anything; the
 * caller validates the data with its tool's schema (schema.ts).
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { StranglerError, messageOf } from '../errors.js';

export async function loadConfigFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new StranglerError(
      'CONFIG_NOT_FOUND',
      `Cannot read config file ${path}: ${messageOf(cause)}. Check the path given to --config.`,
      { cause },
    );
  }
  return parseConfigText(text, path);
}

export function parseConfigText(text: string, source: string): unknown {
  if (extname(source).toLowerCase() === '.json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw new StranglerError('CONFIG_PARSE', `${source} is not valid JSON: ${messageOf(cause)}.`, { cause });
    }
  }
  // YAML 1.2 is a superset of JSON, so .yaml, .yml and anything else go through it.
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const first = document.errors[0];
  if (first) {
    throw new StranglerError('CONFIG_PARSE', `${source} is not valid YAML: ${first.message}`);
  }
  return document.toJS({ maxAliasCount: 100 }) as unknown;
}
