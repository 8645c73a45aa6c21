import type { SecretFinding, WasteItem } from '@peel/api';
import { formatSize } from '../../lib/format-size.js';

/** Where a secret is, in the words the page uses: the heart of "deleted but still shipped". */
export function secretStatus(s: SecretFinding): string {
  switch (s.status) {
    case 'present':
      return `in the final filesystem (layer ${s.layer})`;
    case 'deleted':
      return `deleted in layer ${s.deletedIn} but still shipped in layer ${s.layer}`;
    case 'overwritten':
      return `overwritten in layer ${s.deletedIn} but still shipped in layer ${s.layer}`;
    case 'config':
      return SOURCE_TEXT[s.source];
  }
}

const SOURCE_TEXT: Record<SecretFinding['source'], string> = {
  file: 'in a file',
  env: 'in the config: Env',
  label: 'in the config: Labels',
  cmd: 'in the config: Cmd / Entrypoint',
  history: 'in the history (a build step)',
};

/** Where to read it: the file and line, the variable, or the history step. */
export function secretPlace(s: SecretFinding): string {
  if (s.source === 'file') return `${s.path}${s.line !== null ? `:${s.line}` : ''}`;
  if (s.source === 'env') return `Env ${s.path}`;
  if (s.source === 'label') return `label ${s.path}`;
  if (s.source === 'history') return `history step ${s.line}`;
  return 'Cmd / Entrypoint';
}

/** "layer 7 wrote 2 MB, layer 8 overwrote it" for each copy of a removed path. */
export function copySentences(item: Extract<WasteItem, { kind: 'removed' }>): string[] {
  return item.copies.map((c) => `layer ${c.layer} wrote ${formatSize(c.size)}, layer ${c.removedIn} ${c.how === 'deleted' ? 'deleted' : 'overwrote'} it`);
}

export function survivorSentence(item: Extract<WasteItem, { kind: 'removed' }>): string {
  return item.survivor ? `the copy of layer ${item.survivor.layer} (${formatSize(item.survivor.size)}) is in the final filesystem and not counted` : 'no copy is in the final filesystem';
}

/** 0.49409 → "49.4%". */
export function percent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  const p = fraction * 100;
  return `${p >= 99.95 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}
