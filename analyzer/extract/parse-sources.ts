/**
 * Reads and parses every source file once, shows each syntax tree to the collectors, and
 * keeps only the summaries (the trees are dropped file by file, so memory stays flat).
 */
import { messageOf } from '../../common/errors.js';
import type { SourceModule, Warning } from '../model.js';
import type { ExportSummary, SourceRef } from './file-summary.js';
import { parseSourceFile, summarizeFile } from './parse-file.js';
import { readSource, readSourceAsync, type ReadOutcome } from './read-source.js';
import { sourceLanguage } from './source-rules.js';
import type { FileCollector } from './types.js';

export interface ParsedSources {
  modules: SourceModule[];
  refs: Map<string, SourceRef[]>;
  exports: Map<string, ExportSummary>;
  /** Files of UI markup (FileSummary.markup), with what they hold. */
  markup: Map<string, string>;
  /** Source files skipped (too large, binary, unreadable). */
  skipped: string[];
  nonLiteralImports: number;
  warnings: Warning[];
}

export interface ParseSourcesOptions {
  maxFileBytes: number;
  collectors: readonly FileCollector[];
  progress: (done: number, total: number) => void;
}

const PROGRESS_EVERY = 100;
/** Reads in flight ahead of the parser. */
const READ_AHEAD = 32;

export async function parseSources(root: string, paths: readonly string[], options: ParseSourcesOptions): Promise<ParsedSources> {
  const parsed: ParsedSources = {
    modules: [],
    refs: new Map(),
    exports: new Map(),
    markup: new Map(),
    skipped: [],
    nonLiteralImports: 0,
    warnings: [],
  };
  const withParents = options.collectors.length > 0;
  const reads = new Map<number, Promise<ReadOutcome>>();
  const useAsync = process.env.EXTRACT_SYNC_READS === undefined;
  for (const [index, path] of paths.entries()) {
    if (index % PROGRESS_EVERY === 0) options.progress(index, paths.length);
    const language = sourceLanguage(path.slice(path.lastIndexOf('/') + 1));
    let read: ReadOutcome;
    if (useAsync) {
      for (let ahead = index; ahead < Math.min(paths.length, index + READ_AHEAD); ahead++) {
        if (!reads.has(ahead)) reads.set(ahead, readSourceAsync(root, paths[ahead] ?? '', options.maxFileBytes));
      }
      read = await (reads.get(index) ?? readSourceAsync(root, path, options.maxFileBytes));
      reads.delete(index);
    } else read = readSource(root, path, options.maxFileBytes);
    if (language === undefined || read.warning) {
      if (read.warning) parsed.warnings.push(read.warning);
      parsed.skipped.push(path);
      continue;
    }
    const sourceFile = parseSourceFile(path, read.text, language, withParents);
    const summary = summarizeFile(sourceFile, language, read.text);
    if (summary.parseError) {
      parsed.warnings.push({
        code: 'PARSE_ERROR',
        path,
        message: `${path}:${summary.parseError.line}: ${summary.parseError.message} (syntax error); the imports that parsed are kept.`,
      });
    }
    parsed.modules.push({ path, loc: summary.loc, language });
    parsed.refs.set(path, summary.refs);
    if (summary.markup !== undefined) parsed.markup.set(path, summary.markup);
    if (summary.exports.local.size + summary.exports.forwarded.size + summary.exports.star.length > 0)
      parsed.exports.set(path, summary.exports);
    parsed.nonLiteralImports += summary.nonLiteralImports;
    for (const collector of options.collectors) {
      try {
        // The text the tree was parsed from: a component's scripts, at their places.
        collector.visit({ path, text: sourceFile.text, sourceFile });
      } catch (error) {
        parsed.warnings.push({
          code: 'COLLECTOR_ERROR',
          path,
          message: `a signal collector failed on ${path}: ${messageOf(error)}; the run goes on.`,
        });
      }
    }
  }
  options.progress(paths.length, paths.length);
  return parsed;
}
