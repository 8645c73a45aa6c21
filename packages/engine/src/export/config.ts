import type { HistoryStep } from '../types.js';

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
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete container[k];
    else container[k] = v;
  }
  cfg.config = container;
  cfg.created = created.toISOString();
  cfg.rootfs = { type: 'layers', diff_ids: diffIds };
  cfg.history = history;
  return Buffer.from(JSON.stringify(cfg));
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
