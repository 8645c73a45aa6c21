/** Help text, built from the same CommandSpec data the parser uses (so it cannot drift). */
import { GLOBAL_OPTIONS, type OptionSpecs } from './command.js';
import type { AnyCommand } from './registry.js';
import { EXIT } from './exit-codes.js';

export function commandUsage(cmd: AnyCommand): string {
  return `usage: peel ${cmd.name} ${cmd.usage}`;
}

export function commandHelp(cmd: AnyCommand): string {
  const parts = [commandUsage(cmd), '', cmd.description.trim()];
  if (Object.keys(cmd.options).length) parts.push('', 'Options:', optionLines(cmd.options));
  parts.push('', 'Global options:', optionLines(GLOBAL_OPTIONS));
  if (cmd.examples?.length) parts.push('', 'Examples:', ...cmd.examples.map((e) => `  ${e}`));
  return `${parts.join('\n')}\n`;
}

export function generalHelp(commands: AnyCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'peel: inspect, list, read, unpack, build, edit and compare container image archives (docker save, OCI) without a Docker daemon.',
    '',
    'usage: peel COMMAND [ARGS] [OPTIONS]      (IMAGE.tar may be `-` for stdin)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `peel COMMAND --help` for a command\'s arguments and options.',
    '',
    'Exit codes:',
    `  ${EXIT.ok}   success`,
    `  ${EXIT.usage}   usage error (unknown command or flag, missing argument)`,
    `  ${EXIT.input}   bad input (not a readable image, no such path or layer, impossible edit)`,
    `  ${EXIT.findings}   findings over the --fail-on thresholds`,
    `  ${EXIT.output}   the output could not be written`,
    `  ${EXIT.different}   diff: the two images differ`,
    `  ${EXIT.internal}  internal error (a bug: please report it with the message)`,
    `  ${EXIT.interrupted} interrupted`,
    '',
  ].join('\n');
}

function optionLines(options: OptionSpecs): string {
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}${o.multiple ? ' …' : ''}`;
    return [flag, o.description];
  });
  const width = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`).join('\n');
}
