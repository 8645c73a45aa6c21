/**
 * runCli: one `peel` invocation, from argv to exit code. Process-free (streams, env and cwd come
 * in `io`), so tests run it in-process; main.ts binds it to the real process.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readFileSync } from 'node:fs';
import { isEngineError } from '@peel/engine';
import { GLOBAL_OPTIONS, type OptionSpecs, type OptionValues } from './command.js';
import { createContext, type CliIo } from './context.js';
import { CliError, EXIT, UsageError, type ExitCode } from './exit-codes.js';
import { commandHelp, commandUsage, generalHelp } from './help.js';
import { Progress, shouldDraw } from './progress.js';
import { loadCommands, type AnyCommand } from './registry.js';
import { openStore, type StoreHandle } from './store.js';
import { printable } from './format.js';

export type { CliIo } from './context.js';
export { EXIT } from './exit-codes.js';

export async function runCli(argv: string[], io: CliIo, signal: AbortSignal = new AbortController().signal): Promise<ExitCode> {
  const commands = await loadCommands();
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(generalHelp(commands));
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const cmd = rest[0] ? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(cmd ? commandHelp(cmd) : generalHelp(commands));
    return EXIT.ok;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`peel ${version()}\n`);
    return EXIT.ok;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.stderr.write(`peel: unknown command ${JSON.stringify(name)}; commands: ${commands.map((c) => c.name).join(', ')} (peel --help)\n`);
    return EXIT.usage;
  }
  return runCommand(cmd, rest, io, signal);
}

async function runCommand(cmd: AnyCommand, args: string[], io: CliIo, signal: AbortSignal): Promise<ExitCode> {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    const options = { ...GLOBAL_OPTIONS, ...cmd.options };
    parsed = parseArgs({ args: joinNegativeValues(args, options), options: toParseArgs(options), allowPositionals: true, strict: true });
    if (parsed.values.help) {
      io.stdout.write(commandHelp(cmd));
      return EXIT.ok;
    }
    const n = parsed.positionals.length;
    if (n < cmd.positionals.min) throw new UsageError(`missing argument (expected ${cmd.usage.split(' [')[0]})`);
    if (n > cmd.positionals.max) throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[cmd.positionals.max])}`);
  } catch (e) {
    const message = e instanceof UsageError ? e.message : (e as Error).message;
    io.stderr.write(`peel ${cmd.name}: ${message}\n${commandUsage(cmd)}\n`);
    return EXIT.usage;
  }

  const quiet = parsed.values.quiet === true;
  const progress = new Progress(shouldDraw({ isTTY: io.stderrIsTTY, env: io.env, quiet, force: parsed.values.progress === true }) ? io.stderr : null);
  // Opened on first use: commands that read no image (help, usage errors) make no temp folder.
  const held: { store: Promise<StoreHandle> | null } = { store: null };
  const ctx = createContext({
    io,
    progress,
    signal,
    quiet,
    platform: parsed.values.platform as string | undefined,
    store: async () => (await (held.store ??= openStore(parsed.values.store as string | undefined, io.env))).store,
  });
  try {
    return (await cmd.run({ positionals: parsed.positionals, values: parsed.values as OptionValues<OptionSpecs> }, ctx)) ?? EXIT.ok;
  } catch (e) {
    progress.finish();
    return report(cmd, e, io, signal);
  } finally {
    progress.finish();
    const handle = await held.store?.catch(() => null);
    await handle?.dispose();
  }
}

function report(cmd: AnyCommand, e: unknown, io: CliIo, signal: AbortSignal): ExitCode {
  const say = (text: string) => io.stderr.write(`peel ${cmd.name}: ${printable(text)}\n`);
  if (signal.aborted) {
    say('interrupted');
    return EXIT.interrupted;
  }
  // The engine's message is in plain words; its technical account follows on a line of its own.
  const sayDetail = (err: unknown) => {
    const engine = isEngineError(err) ? err : err instanceof Error && isEngineError(err.cause) ? err.cause : null;
    if (engine?.detail) say(`detail: ${engine.detail}`);
  };
  if (e instanceof CliError) {
    say(e.message);
    sayDetail(e);
    if (e instanceof UsageError) io.stderr.write(`${commandUsage(cmd)}\n`);
    return e.exitCode;
  }
  if (isEngineError(e)) {
    say(`${e.message} [${e.code}]`);
    sayDetail(e);
    return EXIT.input;
  }
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'EPIPE') return EXIT.ok; // the reader went away (`peel cat … | head`)
  say(`internal error: ${err?.stack ?? String(e)}`);
  return EXIT.internal;
}

function toParseArgs(options: OptionSpecs): NonNullable<ParseArgsConfig['options']> {
  const out: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, o] of Object.entries(options)) out[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  return out;
}

/** `--layer -1` → `--layer=-1`: parseArgs would take a value starting with `-` for a flag. */
function joinNegativeValues(args: string[], options: OptionSpecs): string[] {
  const takesValue = (a: string) => Object.entries(options).some(([name, o]) => o.type === 'string' && (a === `--${name}` || (o.short !== undefined && a === `-${o.short}`)));
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (takesValue(args[i]) && /^-\d+$/.test(args[i + 1] ?? '')) out.push(`${args[i]}=${args[++i]}`);
    else out.push(args[i]);
  }
  return out;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
