import type { CompareConfigChange, CompareField, CompareFsSummary, CompareItem, CompareNode } from '@peel/api';
import { formatSize } from '../../lib/format-size.js';
import { formatDateTime } from '../../lib/format-time.js';
import { modeOctal } from '../../lib/mode-string.js';
import { plural } from '../../lib/plural.js';
import { joinWords } from '../../lib/shell-words.js';

/** One attribute that differs between the two sides, as text for each. */
export interface FieldChange {
  field: CompareField;
  label: string;
  a: string;
  b: string;
}

const FIELD_LABEL: Record<CompareField, string> = {
  content: 'Content',
  linkTarget: 'Link target',
  device: 'Device',
  mode: 'Mode',
  uid: 'Owner (uid)',
  gid: 'Group (gid)',
  mtime: 'Modified',
  xattrs: 'Extended attributes',
};

/** Extended attributes as `name=value` lines (values as the API gives them, base64), or "none". */
function xattrsText(node: CompareNode): string {
  const entries = Object.entries(node.xattrs ?? {}).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return entries.length ? entries.map(([name, value]) => `${name}=${value}`).join('\n') : 'none';
}

function fieldText(field: CompareField, node: CompareNode): string {
  switch (field) {
    case 'content':
      return node.digest ? `${node.digest} (${formatSize(node.size)})` : formatSize(node.size);
    case 'linkTarget':
      return node.linkTarget ?? '–';
    case 'device':
      return node.device ?? '–';
    case 'mode':
      return modeOctal(node.mode);
    case 'uid':
      return String(node.uid);
    case 'gid':
      return String(node.gid);
    case 'mtime':
      return formatDateTime(node.mtime);
    case 'xattrs':
      return xattrsText(node);
  }
}

/** Every attribute the API says differs, old (A) → new (B); the mode in octal. Empty for added and removed paths. */
export function fieldChanges(item: CompareItem): FieldChange[] {
  const { a, b } = item;
  if (!a || !b) return [];
  return item.fields.map((field) => ({ field, label: FIELD_LABEL[field], a: fieldText(field, a), b: fieldText(field, b) }));
}

/** Bytes of B minus bytes of A for one path: a file's size, a folder's changed bytes below it. */
export function sizeDelta(item: CompareItem): number {
  if (isFolder(item)) return item.bytesBelowB - item.bytesBelowA;
  return (item.b?.size ?? 0) - (item.a?.size ?? 0);
}

/** A folder on either side: it opens in the tree (a file replaced by a folder included). */
export function isFolder(item: CompareItem): boolean {
  return item.a?.type === 'dir' || item.b?.type === 'dir';
}

/** The size column of one side: a file's size, nothing for what the side lacks or what has no bytes. */
export function sideSize(node: CompareNode | null): string {
  if (!node) return '–';
  return node.type === 'file' ? formatSize(node.size) : node.type;
}

/** What a row says about the changes below a folder: "3 changes · 1 kB → 3.5 kB" (their files' bytes on A and on B). */
export function belowText(item: CompareItem): string {
  if (item.changesBelow === 0) return '';
  return `${plural(item.changesBelow, 'change')} · ${formatSize(item.bytesBelowA)} → ${formatSize(item.bytesBelowB)}`;
}

/** Which of the two sides' entries to read a path's bytes from: both must be files. */
export function bothFiles(item: CompareItem): boolean {
  return item.a?.type === 'file' && item.b?.type === 'file';
}

/** Summary counts in a line, for a title: "2 added, 1 removed, 3 modified". */
export function summaryLine(fs: CompareFsSummary): string {
  const parts: string[] = [];
  if (fs.added.count) parts.push(`${fs.added.count.toLocaleString('en-US')} added`);
  if (fs.removed.count) parts.push(`${fs.removed.count.toLocaleString('en-US')} removed`);
  if (fs.modified.count) parts.push(`${fs.modified.count.toLocaleString('en-US')} modified`);
  if (fs.type.count) parts.push(`${fs.type.count.toLocaleString('en-US')} type changed`);
  if (fs.metadata.count) parts.push(`${fs.metadata.count.toLocaleString('en-US')} metadata only`);
  return parts.length ? parts.join(', ') : 'no file changes';
}

/**
 * One side's value of a config setting as text: an Entrypoint or Cmd as the shell would read it,
 * a port or volume as there (it has no value of its own), a string as it is; null when not set.
 */
export function configValueText(field: CompareConfigChange['field'], value: CompareConfigChange['a']): string | null {
  if (value === null) return null;
  if (Array.isArray(value)) return field === 'Entrypoint' || field === 'Cmd' ? joinWords(value) : value.join(', ');
  if (value === '' && field === 'ExposedPorts') return 'exposed';
  if (value === '' && field === 'Volumes') return 'declared';
  return value === '' ? '""' : value;
}
