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
import { diffCommand } from './commands/diff.js';
import { packagesCommand } from './commands/packages.js';
import { tagsCommand } from './commands/tags.js';

export type AnyCommand = CommandSpec<OptionSpecs>;

const BUILT_IN = [inspectCommand, lsCommand, catCommand, unpackCommand, buildCommand, editCommand, diffCommand, packagesCommand, tagsCommand] as unknown as AnyCommand[];

/** Modules loaded when present: `./commands/<name>.js` exporting `command` (or default) as a CommandSpec. */
const OPTIONAL = ['findings'];

/** The commands, built-in first; `optionalDir` is where optional modules are looked for (tests). */
export async function loadCommands(optionalDir = new URL('./commands/', import.meta.url)): Promise<AnyCommand[]> {
  const commands = [...BUILT_IN];
  for (const name of OPTIONAL) {
    const mod = await importOptional(new URL(`${name}.js`, optionalDir));
    if (!mod) continue;
    const spec = (mod.command ?? mod.default) as AnyCommand | undefined;
    if (!spec || typeof spec.run !== 'function' || spec.name !== name) {
      throw new Error(`commands/${name}.ts must export \`command\` (a CommandSpec named "${name}")`);
    }
    commands.push(spec);
  }
  return commands;
}

async function importOptional(url: URL): Promise<Record<string, unknown> | null> {
  // Source-first: the file is commands/<name>.ts (run through tsx or vitest); a built copy would be .js.
  const found = ['.ts', '.js'].map((ext) => new URL(url.href.replace(/\.js$/, ext))).find((u) => existsSync(u));
  if (!found) return null;
  // A computed specifier: the module is optional, so the type checker must not require it.
  return (await import(found.href)) as Record<string, unknown>;
}
