import type { HistoryStep, LayerEntry } from '../types.js';

export type ExportMode = 'append' | 'flatten' | 'rewrite';

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  comment?: string;
  author?: string;
  empty_layer?: boolean;
}

/**
 * The new config: the original's keys kept (unknown ones too), `config` patched, rootfs and
 * history made to agree (non-empty history entries == layers, or docker load refuses it).
 */
export function buildConfig(configRaw: Buffer, patch: Record<string, unknown>, diffIds: string[], history: HistoryEntry[], created: Date): Buffer {
  const cfg = JSON.parse(configRaw.toString('utf8')) as Record<string, unknown>;
  const container = { ...((cfg.config as Record<string, unknown> | undefined) ?? {}) };
  // Keys the image lacks are added in name order: the same patch gives the same bytes, whatever order it was made in.
  for (const [k, v] of Object.entries(patch).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (v === null) delete container[k];
    else container[k] = v;
  }
  cfg.config = container;
  cfg.created = created.toISOString();
  cfg.rootfs = { type: 'layers', diff_ids: diffIds };
  cfg.history = history;
  return Buffer.from(JSON.stringify(cfg));
}

/**
 * The time an export records when it is given none: the newest time the image itself records
 * (the config's `created` and its history's), else the newest mtime in its layers, else 1970 —
 * never the clock, so the same draft exported again gives the same bytes. Times before 1970
 * (Go's zero time, which some builders write) count as unset: a tar mtime cannot hold them.
 */
export async function imageTime(configRaw: Buffer, layers: ReadonlyArray<() => AsyncIterable<LayerEntry>>): Promise<Date> {
  const cfg = JSON.parse(configRaw.toString('utf8')) as { created?: unknown; history?: unknown };
  const history = Array.isArray(cfg.history) ? (cfg.history as Array<{ created?: unknown } | null>) : [];
  let newest = -1;
  for (const t of [cfg.created, ...history.map((h) => h?.created)]) {
    const ms = typeof t === 'string' ? Date.parse(t) : NaN;
    if (ms >= 0 && ms > newest) newest = ms;
  }
  if (newest >= 0) return new Date(newest);
  let mtime = 0;
  for (const entries of layers) for await (const e of entries()) if (e.mtime > mtime) mtime = e.mtime;
  return new Date(mtime * 1000);
}

export function originalHistory(configRaw: Buffer): HistoryEntry[] {
  const cfg = JSON.parse(configRaw.toString('utf8')) as { history?: unknown };
  return Array.isArray(cfg.history) ? (cfg.history as HistoryEntry[]) : [];
}

export function describeDraft(mode: ExportMode, changes: number, configKeys: string[]): string {
  const parts = [`${changes} file change${changes === 1 ? '' : 's'}`];
  if (configKeys.length) parts.push(`config ${configKeys.join(', ')}`);
  return `peel ${mode}: ${parts.join('; ')}`;
}

export type { HistoryStep };
