/**
 * The config flags build and edit share (--cmd, --entrypoint, --env, --workdir, --user) turned
 * into a draft's `config` patch, checked before any work is done.
 */
import type { OptionSpecs } from '../command.js';
import { UsageError } from '../exit-codes.js';

export const CONFIG_OPTIONS = {
  cmd: { type: 'string', value: 'JSON', description: 'Cmd as a JSON array, e.g. \'["/bin/sh"]\' ([] clears it)' },
  entrypoint: { type: 'string', value: 'JSON', description: 'Entrypoint as a JSON array ([] clears it)' },
  env: { type: 'string', multiple: true, value: 'K=V', description: 'set an environment variable (repeatable; replaces an existing K)' },
  workdir: { type: 'string', value: 'PATH', description: 'WorkingDir, an absolute path' },
  user: { type: 'string', value: 'USER', description: 'User, e.g. 1000:1000 or app' },
} as const satisfies OptionSpecs;

export interface ConfigFlags {
  cmd?: string;
  entrypoint?: string;
  env?: string[];
  workdir?: string;
  user?: string;
}

/** The patch for Draft.config; `baseEnv` is the image's Env (merged with --env). */
export function configPatch(flags: ConfigFlags, baseEnv: string[]): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  if (flags.cmd !== undefined) patch.Cmd = jsonArgs('--cmd', flags.cmd);
  if (flags.entrypoint !== undefined) patch.Entrypoint = jsonArgs('--entrypoint', flags.entrypoint);
  if (flags.env?.length) patch.Env = mergeEnv(baseEnv, flags.env);
  if (flags.workdir !== undefined) {
    if (!flags.workdir.startsWith('/')) throw new UsageError(`--workdir must be an absolute path, got ${JSON.stringify(flags.workdir)}`);
    patch.WorkingDir = flags.workdir;
  }
  if (flags.user !== undefined) patch.User = flags.user;
  return patch;
}

function jsonArgs(flag: string, text: string): string[] | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UsageError(`${flag} takes a JSON array of strings, e.g. '["/bin/sh","-c","echo hi"]' (got ${JSON.stringify(text)})`);
  }
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new UsageError(`${flag} takes a JSON array of strings (got ${text})`);
  return v.length === 0 ? null : (v as string[]);
}

/** `--env K=V` replaces K in the image's Env (order kept) or appends it. */
export function mergeEnv(base: string[], sets: string[]): string[] {
  const env = [...base];
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new UsageError(`--env takes K=V, got ${JSON.stringify(s)}`);
    const key = s.slice(0, eq);
    const at = env.findIndex((e) => e === key || e.startsWith(`${key}=`));
    if (at >= 0) env[at] = s;
    else env.push(s);
  }
  return env;
}

/** --source-date-epoch N, else $SOURCE_DATE_EPOCH, else `fallback`. */
export function createdTime<T extends Date | undefined>(flag: string | undefined, env: Record<string, string | undefined>, fallback: () => T): Date | T {
  const text = flag ?? env.SOURCE_DATE_EPOCH;
  if (text === undefined || text === '') return fallback();
  if (!/^\d+$/.test(text)) throw new UsageError(`--source-date-epoch takes seconds since 1970 (SOURCE_DATE_EPOCH too), got ${JSON.stringify(text)}`);
  return new Date(Number(text) * 1000);
}

/** --compression of the layers an export writes. */
export function compressionOf(flag: string | undefined): 'gzip' | 'none' {
  if (flag === undefined || flag === 'gzip') return 'gzip';
  if (flag === 'none') return 'none';
  throw new UsageError(`--compression is gzip or none, got ${JSON.stringify(flag)}`);
}
