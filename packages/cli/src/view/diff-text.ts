/** The human output of `peel diff` (summary first) and its `--stat` lines. */
import type { ChangeKind, CompareNode, ConfigChange, HistoryRow, ImageComparison, PathChange } from '@peel/engine';
import { parentOf } from '@peel/engine';
import { humanSize, isoTime, octalMode, printable, table } from '../format.js';
import { absolute, type DiffOptionsShown, type SideInfo } from './diff-json.js';

const LETTER: Record<ChangeKind, string> = { added: 'A', removed: 'D', modified: 'M', type: 'T', metadata: 'm' };
const HISTORY_MARK: Record<HistoryRow['status'], string> = { same: '=', changed: '~', onlyA: '-', onlyB: '+' };
const MAX_COMMAND = 100;

const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0');
const signedSize = (n: number) => (n > 0 ? `+${humanSize(n)}` : n < 0 ? `−${humanSize(-n)}` : '0 B');
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function renderDiff(sides: [SideInfo, SideInfo], r: ImageComparison, o: DiffOptionsShown): string {
  const s = r.summary;
  const out: string[] = [];
  out.push(...sides.map((side, i) => `${i ? 'B' : 'A'}: ${describeSide(side)}`));
  out.push(`layers: ${r.layers.text}`);
  const where = o.root === '' ? '' : ` in ${printable(absolute(o.root))}`;
  if (r.equal) {
    const hidden = s.mtimeOnly.count && !o.includeMtime ? ` (${plural(s.mtimeOnly.count, 'mtime-only change')} not counted: --include-mtime)` : '';
    out.push(`same: no file${where || ' or config'} differs${hidden}`);
  }
  const kinds = [
    `${s.added.count} added`, `${s.removed.count} removed`, `${s.modified.count} modified`, `${s.type.count} type changed`,
    `${s.metadata.count} metadata only${metadataDetail(s.metadata)}`,
    `${s.mtimeOnly.count} mtime only${s.mtimeOnly.count && !o.includeMtime ? ' (not listed: --include-mtime)' : ''}`,
  ];
  out.push(`files${where}: ${kinds.join(', ')}`);
  out.push(`bytes: ${signedSize(s.bytesAdded)} added, ${signedSize(-s.bytesRemoved)} removed; ${humanSize(s.bytes.a)} → ${humanSize(s.bytes.b)} (net ${signedSize(s.net)})`);
  if (r.config.length) out.push('', 'config:', ...r.config.map((c) => `  ${configLine(c)}`));
  if (r.history.some((h) => h.status !== 'same')) out.push('', 'history (= same, ~ changed, - only A, + only B):', ...historyLines(r.history).map((l) => `  ${l}`));
  const top = r.folders.filter((f) => f.path !== o.root && parentOf(f.path) === o.root);
  if (top.length) {
    out.push('', 'folders:');
    out.push(indent(table(top.map((f) => [printable(absolute(f.path)), plural(f.changesBelow, 'change'), `${humanSize(f.bytesBelowA)} → ${humanSize(f.bytesBelowB)}`]))));
  }
  if (r.changes.length) {
    out.push('', 'changes (A added, D removed, M modified, T type changed, m metadata):');
    out.push(indent(table(r.changes.map((c) => [LETTER[c.change], printable(absolute(c.path)), what(c)]))));
  }
  return out.join('\n');
}

/** `--stat`: one line per changed path — kind, size change in bytes, path, then the sizes. */
export function renderStat(changes: PathChange[]): string[] {
  if (!changes.length) return [];
  const rows = changes.map((c) => [LETTER[c.change], signed((c.b?.size ?? 0) - (c.a?.size ?? 0)), printable(absolute(c.path)), `${c.a ? c.a.size : '-'} → ${c.b ? c.b.size : '-'}`]);
  return table(rows, new Set([1])).split('\n');
}

function describeSide(s: SideInfo): string {
  const tags = s.tags.length ? s.tags.join(', ') : 'untagged';
  const layers = s.asOfLayer === null ? plural(s.layers, 'layer') : `as of layer ${s.asOfLayer}`;
  return `${printable(s.source === '-' ? 'stdin' : s.source)} (${printable(tags)}, ${s.imageId.slice(0, 19)}, ${layers})`;
}

function metadataDetail(m: ImageComparison['summary']['metadata']): string {
  const parts = (['mode', 'uid', 'gid', 'mtime', 'xattrs'] as const).filter((f) => m[f]).map((f) => `${f} ${m[f]}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** What changed at one path, in words. */
function what(c: PathChange): string {
  const a = c.a;
  const b = c.b;
  if (!a) return `${b!.type}${b!.type === 'file' ? ` ${humanSize(b!.size)}` : ''}`;
  if (!b) return `${a.type}${a.type === 'file' ? ` ${humanSize(a.size)}` : ''}`;
  if (c.change === 'type') return `${a.type} → ${b.type}`;
  return c.fields.map((f) => field(f, a, b)).join('; ');
}

function field(f: PathChange['fields'][number], a: CompareNode, b: CompareNode): string {
  switch (f) {
    case 'content': {
      const delta = b.size - a.size;
      return `${humanSize(a.size)} → ${humanSize(b.size)}${delta ? ` (${signedSize(delta)})` : ', same size, other bytes'}`;
    }
    case 'linkTarget': return `-> ${printable(a.linkTarget ?? '')} → -> ${printable(b.linkTarget ?? '')}`;
    case 'device': return `device ${a.device} → ${b.device}`;
    case 'mode': return `mode ${octalMode(a.mode)} → ${octalMode(b.mode)}`;
    case 'uid': return `uid ${a.uid} → ${b.uid}`;
    case 'gid': return `gid ${a.gid} → ${b.gid}`;
    case 'mtime': return `mtime ${isoTime(a.mtime)} → ${isoTime(b.mtime)}`;
    case 'xattrs': return `xattrs ${xattrNames(a)} → ${xattrNames(b)}`;
  }
}

const xattrNames = (n: CompareNode) => (n.xattrs ? Object.keys(n.xattrs).sort().join(',') : 'none');

function configLine(c: ConfigChange): string {
  const name = c.key === null ? c.field : `${c.field} ${c.key}`;
  // Ports and volumes are sets: a key is there or not.
  if (c.field === 'ExposedPorts' || c.field === 'Volumes') return printable(`${name}: ${c.a === null ? 'added' : 'removed'}`);
  const show = (v: ConfigChange['a']) => (v === null ? '(none)' : JSON.stringify(v));
  return printable(`${name}: ${show(c.a)} → ${show(c.b)}`);
}

/** One line per step; a run of three or more same steps is one line. */
function historyLines(rows: HistoryRow[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < rows.length;) {
    let j = i;
    while (j < rows.length && rows[j].status === 'same') j++;
    if (j - i >= 3) {
      out.push(`= ${j - i} steps the same (${i}–${j - 1})`);
      i = j;
    } else out.push(historyLine(rows[i++]));
  }
  return out;
}

function historyLine(h: HistoryRow): string {
  const cmd = (s: HistoryRow['a']) => {
    const text = (s?.createdBy ?? '').replace(/\s+/g, ' ').trim() || '(no command)';
    return text.length > MAX_COMMAND ? `${text.slice(0, MAX_COMMAND - 1)}…` : text;
  };
  const text = h.status === 'changed' ? `${cmd(h.a)}  ⇒  ${cmd(h.b)}` : cmd(h.a ?? h.b);
  return printable(`${HISTORY_MARK[h.status]} ${text}`);
}

const indent = (text: string) => text.split('\n').map((l) => `  ${l}`).join('\n');
