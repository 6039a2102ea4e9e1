/** A small argv parser: `--name value`, `--name=value`, `--flag`, `--no-flag`, `-x`, `--`. */
import { StranglerError } from '../common/errors.js';
import { closestName } from '../common/suggest.js';
import type { OptionSpec, ParsedArgs } from './_command.js';

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const options: ParsedArgs['options'] = {};
  const positionals: string[] = [];
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const byShort = new Map(specs.filter((spec) => spec.short).map((spec) => [spec.short ?? '', spec]));
  for (const spec of specs) if (spec.default !== undefined) options[spec.name] = spec.default;

  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
    } else {
      const spec = byShort.get(arg.slice(1));
      if (!spec) throw new StranglerError('CLI_UNKNOWN_OPTION', `Unknown option ${arg}. Run with --help to see the options.`);
      name = spec.name;
    }
    let spec = byName.get(name);
    if (!spec && name.startsWith('no-')) {
      const negated = byName.get(name.slice(3));
      if (negated?.type === 'boolean') {
        options[negated.name] = false;
        continue;
      }
      // `--no-git` may itself be declared as a boolean option named `no-git`.
      spec = undefined;
    }
    if (!spec) {
      const hint = closestName(
        name,
        specs.map((s) => s.name),
      );
      throw new StranglerError(
        'CLI_UNKNOWN_OPTION',
        `Unknown option --${name}${hint ? ` (did you mean --${hint}?)` : ''}. Run with --help to see the options.`,
      );
    }
    if (spec.type === 'boolean') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false') {
        throw new StranglerError('CLI_BAD_VALUE', `--${name} is a flag; use --${name} or --no-${name}.`);
      }
      options[spec.name] = inline === undefined ? true : inline === 'true';
      continue;
    }
    const value = inline ?? argv[++index];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      throw new StranglerError('CLI_MISSING_VALUE', `--${name} needs a value${spec.placeholder ? ` ${spec.placeholder}` : ''}.`);
    }
    if (spec.type === 'number') {
      const parsed = Number(value);
      if (!Number.isFinite(parsed)) throw new StranglerError('CLI_BAD_VALUE', `--${name} needs a number, got "${value}".`);
      options[spec.name] = parsed;
    } else {
      options[spec.name] = value;
    }
  }
  return { positionals, options };
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.options[name];
  return typeof value === 'string' ? value : undefined;
}

export function numberOption(args: ParsedArgs, name: string): number | undefined {
  const value = args.options[name];
  return typeof value === 'number' ? value : undefined;
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.options[name] === true;
}
