/**
 * Compares the engine's entries of one layer with GNU tar's listing of the same layer tar, in
 * tar order. GNU tar shows whiteouts as the files they are on the wire (`dir/.wh.name`,
 * `dir/.wh..wh..opq`); the engine decodes them into `whiteout`/`opaque` entries for the path
 * they delete or make opaque, so the oracle side is decoded the same way first.
 */
import type { LayerEntry } from '../../src/index.js';
import type { TarRecord } from './gnu-tar.js';

const TYPES: Record<string, string> = { '-': 'file', d: 'dir', l: 'symlink', h: 'hardlink', c: 'char', b: 'block', p: 'fifo' };

interface Row {
  path: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  link: string | null;
}

function fromTar(r: TarRecord): Row {
  const slash = r.path.lastIndexOf('/');
  const dir = r.path.slice(0, slash + 1);
  const name = r.path.slice(slash + 1);
  let path = r.path;
  let type = TYPES[r.type] ?? `tar type ${r.type}`;
  if (name === '.wh..wh..opq') [path, type] = [dir.replace(/\/$/, ''), 'opaque'];
  else if (name.startsWith('.wh.')) [path, type] = [dir + name.slice(4), 'whiteout'];
  return { path, type, mode: r.mode, uid: r.uid, gid: r.gid, size: r.size, link: r.link };
}

function fromEngine(e: LayerEntry): Row {
  return { path: e.path, type: e.type, mode: e.mode, uid: e.uid, gid: e.gid, size: e.size, link: e.linkTarget };
}

/** Every difference between the two listings of layer `n`, as sentences; [] when equal. */
export function compareLayerEntries(n: number, tar: TarRecord[], engine: readonly LayerEntry[]): string[] {
  const want = tar.map(fromTar);
  const got = engine.map(fromEngine);
  const problems: string[] = [];
  if (want.length !== got.length) problems.push(`layer ${n}: ${want.length} entries per GNU tar, ${got.length} per the engine`);
  for (let i = 0; i < Math.min(want.length, got.length); i++) {
    const w = want[i]!;
    const g = got[i]!;
    for (const field of Object.keys(w) as Array<keyof Row>) {
      if (w[field] !== g[field]) {
        problems.push(`layer ${n} entry ${i} (${w.path}): ${field} expected ${show(field, w)} per GNU tar, got ${show(field, g)} per the engine`);
      }
    }
  }
  return problems;
}

function show(field: keyof Row, row: Row): string {
  return field === 'mode' ? row.mode.toString(8).padStart(4, '0') : JSON.stringify(row[field]);
}
