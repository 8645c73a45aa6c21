import type { HardeningOptions } from './hardening.js';

/**
 * Reads the hardening switches from the environment: PEEL_MAX_UPLOADS, PEEL_BODY_IDLE_SECONDS,
 * PEEL_HEADERS_TIMEOUT_SECONDS, PEEL_EXPOSE=1 and PEEL_TOKEN. Unset variables keep the defaults.
 */
export function hardeningFromEnv(env: NodeJS.ProcessEnv): Partial<HardeningOptions> {
  const out: Partial<HardeningOptions> = {};
  const count = (name: string): number | undefined => {
    const v = env[name];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(v)}`);
    return n;
  };
  const uploads = count('PEEL_MAX_UPLOADS');
  if (uploads !== undefined) out.maxConcurrentUploads = Math.floor(uploads);
  const idle = count('PEEL_BODY_IDLE_SECONDS');
  if (idle !== undefined) out.bodyIdleMs = idle * 1000;
  const headers = count('PEEL_HEADERS_TIMEOUT_SECONDS');
  if (headers !== undefined) out.headersTimeoutMs = headers * 1000;
  if (env.PEEL_EXPOSE !== undefined && env.PEEL_EXPOSE !== '') out.expose = env.PEEL_EXPOSE === '1' || env.PEEL_EXPOSE === 'true';
  if (env.PEEL_TOKEN) out.token = env.PEEL_TOKEN;
  return out;
}

/** PEEL_MAX_EXPANSION_RATIO (0 turns the bomb check off), PEEL_MAX_ENTRIES_PER_LAYER and PEEL_MAX_ENTRIES_PER_ARCHIVE. */
export function archiveLimitsFromEnv(env: NodeJS.ProcessEnv): { maxExpansionRatio?: number; maxEntriesPerLayer?: number; maxEntriesPerArchive?: number } {
  const out: { maxExpansionRatio?: number; maxEntriesPerLayer?: number; maxEntriesPerArchive?: number } = {};
  const ratio = env.PEEL_MAX_EXPANSION_RATIO;
  if (ratio !== undefined && ratio !== '') {
    const n = Number(ratio);
    if (!Number.isFinite(n) || n < 0) throw new Error(`PEEL_MAX_EXPANSION_RATIO must be 0 or more, got ${JSON.stringify(ratio)}`);
    out.maxExpansionRatio = n;
  }
  const entries = positiveInteger(env, 'PEEL_MAX_ENTRIES_PER_LAYER');
  if (entries !== undefined) out.maxEntriesPerLayer = entries;
  const perArchive = positiveInteger(env, 'PEEL_MAX_ENTRIES_PER_ARCHIVE');
  if (perArchive !== undefined) out.maxEntriesPerArchive = perArchive;
  return out;
}

/** A positive whole number from the environment (unset or empty: undefined); `what` names it in the error. */
export function positiveInteger(env: NodeJS.ProcessEnv, name: string, what = 'a positive integer'): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be ${what}, got ${JSON.stringify(v)}`);
  return n;
}
