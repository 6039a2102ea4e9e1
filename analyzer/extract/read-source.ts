/**
 * Reads one source file with the guards a real repository needs: a size limit (bundled or
 * generated files), binary content (a NUL byte in the first 8 KB), byte order marks
 * (UTF-8, UTF-16 LE/BE) and unreadable files. One open, one stat and one read per file.
 */
import { closeSync, fstatSync, openSync, readFile, readSync } from 'node:fs';
import { join } from 'node:path';
import { messageOf } from '../../common/errors.js';
import type { Warning } from '../model.js';

export type ReadOutcome = { text: string; warning?: undefined } | { text?: undefined; warning: Warning };

const BINARY_PROBE = 8192;

const kilobytes = (bytes: number): string => `${Math.ceil(bytes / 1024)} KB`;

/** Text of a file's bytes, or undefined when they look binary. */
export function decodeSource(bytes: Buffer): string | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.toString('utf16le', 2);
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    return swapped.swap16().toString('utf16le');
  }
  if (bytes.subarray(0, BINARY_PROBE).includes(0)) return undefined;
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return bytes.toString('utf8', bom ? 3 : 0);
}

const tooLarge = (path: string, size: number, maxBytes: number): Warning => ({
  code: 'FILE_TOO_LARGE',
  path,
  message: `${path} is ${kilobytes(size)}, over the ${kilobytes(maxBytes)} limit (likely generated or bundled); skipped. Raise maxFileBytes to analyze it.`,
});

const unreadable = (path: string, error: unknown): Warning => ({
  code: 'UNREADABLE',
  path,
  message: `cannot read ${path}: ${messageOf(error)}; skipped.`,
});

const binary = (path: string): Warning => ({ code: 'BINARY_FILE', path, message: `${path} has binary content (a NUL byte); skipped.` });

function outcome(path: string, bytes: Buffer): ReadOutcome {
  const text = decodeSource(bytes);
  return text === undefined ? { warning: binary(path) } : { text };
}

/**
 * The same as `readSource`, with the read off the main thread so reads overlap parsing. One
 * `readFile` call per file (a FileHandle costs four round trips and measurably more CPU); a
 * file over the limit is read before it is refused, which only the rare huge file pays for.
 */
export function readSourceAsync(root: string, path: string, maxBytes: number): Promise<ReadOutcome> {
  return new Promise((resolve) => {
    readFile(join(root, path), (error, bytes) => {
      if (error) resolve({ warning: unreadable(path, error) });
      else if (bytes.length > maxBytes) resolve({ warning: tooLarge(path, bytes.length, maxBytes) });
      else resolve(outcome(path, bytes));
    });
  });
}

export function readSource(root: string, path: string, maxBytes: number): ReadOutcome {
  let fd: number;
  try {
    fd = openSync(join(root, path), 'r');
  } catch (error) {
    return { warning: unreadable(path, error) };
  }
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) return { warning: tooLarge(path, size, maxBytes) };
    const bytes = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const read = readSync(fd, bytes, filled, size - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    return outcome(path, bytes.subarray(0, filled));
  } catch (error) {
    return { warning: unreadable(path, error) };
  } finally {
    closeSync(fd);
  }
}
