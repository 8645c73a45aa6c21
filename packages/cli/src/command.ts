/**
 * The contract every `peel` command module follows (see README "Writing a command"). A command is
 * plain data plus one `run` function: the registry parses flags with node:util parseArgs from
 * `options`, checks the positional count, prints `--help` from the same data, and maps what `run`
 * throws to an exit code (see exit-codes.ts).
 */
import type { ExitCode } from './exit-codes.js';
import type { CommandContext } from './context.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The flag may repeat; its value is then an array (`--env A=1 --env B=2`). */
  multiple?: boolean;
  /** Placeholder shown in help, e.g. `N`, `JSON`, `K=V`. */
  value?: string;
  description: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean'
  ? boolean
  : S['multiple'] extends true ? string[] : string;

/** The parsed flags of a command: undefined when not given. */
export type OptionValues<O extends OptionSpecs> = { [K in keyof O]?: ValueOf<O[K]> };

export interface CommandInput<O extends OptionSpecs> {
  positionals: string[];
  /** The command's flags and the global ones (--platform, --store, …). */
  values: OptionValues<O> & GlobalValues;
}

export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  name: string;
  /** One line for `peel --help`. */
  summary: string;
  /** The arguments after `peel NAME`, e.g. `IMAGE.tar [PATH] [--layer N]`. */
  usage: string;
  /** Paragraphs for `peel NAME --help`. */
  description: string;
  positionals: { min: number; max: number };
  options: O;
  examples?: string[];
  /** Returns the exit code (default 0) or throws a CliError. */
  run(input: CommandInput<O>, ctx: CommandContext): Promise<ExitCode | void>;
}

/** Identity, for type inference of `options` (literal flag types flow into `run`'s values). */
export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

/** Flags every command takes. */
export const GLOBAL_OPTIONS = {
  store: { type: 'string', value: 'DIR', description: 'keep blobs in DIR (reused across runs) instead of a temporary store deleted at exit' },
  platform: { type: 'string', value: 'OS/ARCH', description: 'the image to use in a multi-platform archive (default: this host\'s, else the first)' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress bar and no warnings' },
  progress: { type: 'boolean', description: 'draw the progress bar even when stderr is not a terminal or CI is set' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies OptionSpecs;

export type GlobalValues = OptionValues<typeof GLOBAL_OPTIONS>;
