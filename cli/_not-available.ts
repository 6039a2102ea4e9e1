import { EXIT, type Command, type OptionSpec } from './_command.js';

/**
 * A subcommand whose feature has not landed yet: `--help` shows what it will do, and
 * running it says so and exits with EXIT.notAvailable. Never a fake success.
 */
export function notAvailable(spec: { name: string; summary: string; usage: string; issue: string; options?: OptionSpec[] }): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    details: `Status: not available yet (tracked in ${spec.issue}).`,
    options: spec.options ?? [],
    rawArgs: true,
    run(_args, io) {
      io.stderr(
        `strangler ${spec.name}: not available yet — this tool has not landed in this version (tracked in ${spec.issue}). Nothing was done.\n`,
      );
      return Promise.resolve(EXIT.notAvailable);
    },
  };
}
