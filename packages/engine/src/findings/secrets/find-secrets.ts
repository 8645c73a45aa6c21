import { createHash } from 'node:crypto';
import type { HistoryStep, ImageConfig } from '../../types.js';
import type { BlobStore } from '../../store/blob-store.js';
import type { Copy } from '../copies.js';
import type { ScanStats, SecretFinding } from '../types.js';
import { fixFor } from './fixes.js';
import { scanConfig } from './scan-config.js';
import { scanFiles, type FileScanLimits } from './scan-files.js';

export interface SecretScanInput {
  /** The copies that may hold a secret (chosen by path), in layer and tar order, with their fates. */
  copies: readonly Copy[];
  tarBlobs: readonly string[];
  store: BlobStore;
  config: ImageConfig;
  history: readonly HistoryStep[];
  baseLayers: number;
  limits: FileScanLimits;
  stats: ScanStats;
}

/** Every secret in the files of every layer and in the config, in layer, path and line order. */
export async function findSecrets(input: SecretScanInput): Promise<SecretFinding[]> {
  const { history, baseLayers } = input;
  const stepOf = (layer: number | null) => {
    const i = layer === null ? -1 : history.findIndex((h) => h.layer === layer);
    return i < 0 ? null : i;
  };
  const out: SecretFinding[] = [];
  for (const hit of await scanFiles(input.copies, input.tarBlobs, input.store, input.limits, input.stats)) {
    const { copy } = hit;
    const step = stepOf(copy.layer);
    const partial = {
      source: 'file' as const,
      path: copy.entry.path,
      layer: copy.layer,
      deletedIn: copy.removedIn,
      status: copy.removedIn === null ? ('present' as const) : (copy.how ?? 'deleted'),
    };
    out.push({
      id: findingId(partial.source, partial.path, copy.layer, hit.line, hit.match.kind),
      kind: hit.match.kind,
      title: hit.match.title,
      ...partial,
      line: hit.line,
      name: hit.match.name,
      preview: hit.preview,
      historyStep: step,
      createdBy: step === null ? null : history[step].createdBy,
      fromBase: copy.layer < baseLayers,
      fix: fixFor(partial),
    });
  }
  for (const hit of scanConfig(input.config, history)) {
    const layer = hit.historyStep === null ? null : history[hit.historyStep].layer;
    const partial = { source: hit.source, path: hit.path, layer, deletedIn: null, status: 'config' as const };
    out.push({
      id: findingId(hit.source, hit.path, layer, hit.line, hit.match.kind),
      kind: hit.match.kind,
      title: hit.match.title,
      ...partial,
      line: hit.line,
      name: hit.match.name,
      preview: hit.preview,
      historyStep: hit.historyStep,
      createdBy: hit.historyStep === null ? null : history[hit.historyStep].createdBy,
      fromBase: hit.historyStep !== null && (layer !== null ? layer < baseLayers : false),
      fix: fixFor(partial),
    });
  }
  return out.sort(bySite);
}

function findingId(...parts: Array<string | number | null>): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

function bySite(a: SecretFinding, b: SecretFinding): number {
  const order = ['file', 'env', 'label', 'cmd', 'history'];
  return order.indexOf(a.source) - order.indexOf(b.source) || (a.layer ?? -1) - (b.layer ?? -1) ||
    Buffer.compare(Buffer.from(a.path ?? ''), Buffer.from(b.path ?? '')) || (a.line ?? 0) - (b.line ?? 0);
}
