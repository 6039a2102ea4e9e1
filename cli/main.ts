#!/usr/bin/env node
/**
 * The `strangler` command. Thin: parses flags, calls the parts' public APIs, prints, and
 * decides the exit code. Only this folder writes to the terminal or exits.
 */
import { isStranglerError, messageOf } from '../common/errors.js';
import { packageVersion } from '../common/package-info.js';
import { closestName } from '../common/suggest.js';
import { parseArgs } from './_args.js';
import { EXIT, renderHelp, type CommandIO } from './_command.js';
import { COMMANDS } from './_registry.js';

/** Error codes that mean "the command line or the input is wrong" (exit 2). */
const INPUT_ERRORS = ['CLI_', 'CONFIG_', 'ANALYZE_NO_', 'ANALYZE_BAD_', 'ANALYSIS_'];

function topLevelHelp(): string {
  const width = Math.max(...COMMANDS.map((entry) => entry.name.length)) + 2;
  return [
    'strangler — move a TypeScript/JavaScript monolith to services one piece at a time.',
    '',
    'Usage: strangler <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((entry) => `  ${entry.name.padEnd(width)}${entry.summary}`),
    '',
    'Options:',
    '  -h, --help     Show help (also: strangler <command> --help).',
    '  -v, --version  Print the version.',
    '',
    'Exit codes: 0 success; 1 the work failed or found a problem (e.g. verify found differences);',
    '2 bad command line or input (nothing was done); 130 interrupted.',
    '',
  ].join('\n');
}

/**
 * Output streams whose reader went away (`strangler analyze … | head`): what is still to be
 * printed there is dropped and the command goes on (its reports are still written).
 */
const closedOutputs = new Set<NodeJS.WriteStream>();
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    closedOutputs.add(stream);
  });
}
const print =
  (stream: NodeJS.WriteStream) =>
  (text: string): void => {
    if (!closedOutputs.has(stream)) stream.write(text);
  };
const stdout = print(process.stdout);
const stderr = print(process.stderr);

function makeIO(): CommandIO {
  const interrupted = new Promise<NodeJS.Signals>((resolve) => {
    const once = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', once);
      process.off('SIGTERM', once);
      // A second Ctrl-C while cleaning up means "now".
      process.once('SIGINT', () => process.exit(EXIT.interrupted));
      resolve(signal);
    };
    process.on('SIGINT', once);
    process.on('SIGTERM', once);
  });
  return {
    stdout,
    stderr,
    env: process.env,
    cwd: process.cwd(),
    interrupted,
    isTTY: process.stderr.isTTY,
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    const target = first === 'help' ? COMMANDS.find((entry) => entry.name === rest[0]) : undefined;
    if (target) stdout(renderHelp(await target.load()));
    else stdout(topLevelHelp());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '-v' || first === '--version') {
    stdout(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS.find((candidate) => candidate.name === first);
  if (!entry) {
    const hint = closestName(
      first,
      COMMANDS.map((c) => c.name),
    );
    stderr(
      `strangler: unknown command "${first}"${hint ? ` (did you mean "${hint}"?)` : ''}. Commands: ${COMMANDS.map((c) => c.name).join(', ')}. Run strangler --help.\n`,
    );
    return EXIT.usage;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    stdout(renderHelp(command));
    return EXIT.ok;
  }
  let args;
  try {
    args = command.rawArgs ? { positionals: [...rest], options: {} } : parseArgs(rest, command.options);
  } catch (error) {
    stderr(`strangler ${command.name}: ${messageOf(error)}\n`);
    return EXIT.usage;
  }
  try {
    return await command.run(args, makeIO());
  } catch (error) {
    if (isStranglerError(error)) {
      stderr(`strangler ${command.name}: ${error.message} [${error.code}]\n`);
      return INPUT_ERRORS.some((prefix) => error.code.startsWith(prefix)) ? EXIT.usage : EXIT.failed;
    }
    stderr(`strangler ${command.name}: unexpected error: ${messageOf(error)}\n`);
    if (process.env.STRANGLER_DEBUG) stderr(`${error instanceof Error ? (error.stack ?? '') : ''}\n`);
    stderr('This is a bug; please report it with the command you ran (set STRANGLER_DEBUG=1 for a stack trace).\n');
    return EXIT.failed;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    stderr(`strangler: ${messageOf(error)}\n`);
    process.exitCode = EXIT.failed;
  },
);
