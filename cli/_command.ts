/**
 * What a subcommand is: a name, its help, its options, and a `run` that returns an exit
 * code. Subcommands are loaded lazily, so `strangler proxy` never loads the TypeScript
 * compiler that `strangler analyze` needs.
 */
export interface OptionSpec {
  name: string;
  type: 'string' | 'boolean' | 'number';
  description: string;
  short?: string;
  /** Shown in help; the value used when the option is absent. */
  default?: string | boolean | number;
  /** Value placeholder in help, e.g. `<dir>`. */
  placeholder?: string;
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | boolean | number | undefined>;
}

export interface CommandIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Resolves when the user asks to stop (SIGINT/SIGTERM). */
  interrupted: Promise<NodeJS.Signals>;
  isTTY: boolean;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Extra help text after the options (examples, exit codes). */
  details?: string;
  options: OptionSpec[];
  /** Take the command line as it is (no option parsing): for commands that only explain themselves. */
  rawArgs?: boolean;
  run(args: ParsedArgs, io: CommandIO): Promise<number>;
}

/** Exit codes, documented in the README and in `strangler --help`. */
export const EXIT = {
  ok: 0,
  /** The work ran and found a problem (e.g. verify found differences), or failed at run time. */
  failed: 1,
  /** The command line or the input is wrong: nothing was done. */
  usage: 2,
  /** Stopped by SIGINT. */
  interrupted: 130,
} as const;

export function renderHelp(command: Command): string {
  const lines = [`${command.summary}`, '', `Usage: ${command.usage}`, ''];
  const all: OptionSpec[] = [...command.options, { name: 'help', type: 'boolean', short: 'h', description: 'Show this help.' }];
  lines.push('Options:');
  const left = all.map((option) => {
    const flag = `${option.short ? `-${option.short}, ` : '    '}--${option.name}`;
    return option.type === 'boolean' ? flag : `${flag} ${option.placeholder ?? `<${option.type === 'number' ? 'n' : 'value'}>`}`;
  });
  const width = Math.max(...left.map((text) => text.length)) + 2;
  all.forEach((option, index) => {
    const suffix = option.default === undefined || option.default === false ? '' : ` (default: ${String(option.default)})`;
    lines.push(`  ${(left[index] ?? '').padEnd(width)}${option.description}${suffix}`);
  });
  if (command.details) lines.push('', command.details.trimEnd());
  return lines.join('\n') + '\n';
}
