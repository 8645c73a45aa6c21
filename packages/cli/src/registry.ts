/**
 * The commands `peel` knows. Built-in commands are imported here; `findings` lives in its own
 * module (commands/findings.ts, written with the engine's findings analysis) and is picked up
 * when that file exists. Its contract is the same CommandSpec (see README "Writing a command").
 */
import { existsSync } from 'node:fs';
import type { CommandSpec, OptionSpecs } from './command.js';
import { inspectCommand } from './commands/inspect.js';
import { lsCommand } from './commands/ls.js';
import { catCommand } from './commands/cat.js';
import { unpackCommand } from './commands/unpack.js';
import { buildCommand } from './commands/build.js';
import { editCommand } from './commands/edit.js';

export type AnyCommand = CommandSpec<OptionSpecs>;

const BUILT_IN = [inspectCommand, lsCommand, catCommand, unpackCommand, buildCommand, editCommand] as unknown as AnyCommand[];

/** Modules loaded when present: `./commands/<name>.js` exporting `command` (or default) as a CommandSpec. */
const OPTIONAL = ['findings'];

export async function loadCommands(): Promise<AnyCommand[]> {
  const commands = [...BUILT_IN];
  for (const name of OPTIONAL) {
    const mod = await importOptional(`./commands/${name}.js`);
    if (!mod) continue;
    const spec = (mod.command ?? mod.default) as AnyCommand | undefined;
    if (!spec || typeof spec.run !== 'function' || spec.name !== name) {
      throw new Error(`commands/${name}.ts must export \`command\` (a CommandSpec named "${name}")`);
    }
    commands.push(spec);
  }
  return commands;
}

async function importOptional(specifier: string): Promise<Record<string, unknown> | null> {
  // Source-first: the file is commands/<name>.ts (run through tsx or vitest); a built copy would be .js.
  const present = ['.ts', '.js'].some((ext) => existsSync(new URL(specifier.replace(/\.js$/, ext), import.meta.url)));
  if (!present) return null;
  // A variable specifier: the module is optional, so the type checker must not require it.
  return (await import(specifier)) as Record<string, unknown>;
}
