/** `peel ls`: a folder of the merged filesystem or of one layer, like `ls -1` / `ls -l`. */
import { nodeSize, type FsNode, type LayerEntry } from '@peel/engine';
import { defineCommand } from '../command.js';
import { InputError } from '../exit-codes.js';
import { isoTime, modeString, printable, table } from '../format.js';
import { cleanPath, lookup, openView, type FsView } from '../view/fs-view.js';
import { markerPath } from '../view/markers.js';

export const lsCommand = defineCommand({
  name: 'ls',
  summary: 'list a folder of the merged filesystem or of one layer',
  usage: 'IMAGE.tar [PATH] [--layer N] [--long] [--deleted] [--recursive] [--json]',
  description: `
Lists PATH (default /) in the merged filesystem a container would see, or with --layer N in
layer N's own tar (0 is the base layer, -1 the top). Symlinked folders are followed like \`ls\`.
--deleted adds what is not visible: in the merged view, entries a later layer deleted or
overwrote (still stored in their layer); in a layer view, the layer's whiteouts.`,
  positionals: { min: 1, max: 2 },
  options: {
    layer: { type: 'string', value: 'N', description: 'list layer N\'s own entries instead of the merged filesystem' },
    long: { type: 'boolean', short: 'l', description: 'mode, owner, size, time, layer and link target' },
    deleted: { type: 'boolean', description: 'include deleted/overwritten entries (merged) or whiteouts (layer)' },
    recursive: { type: 'boolean', short: 'R', description: 'everything below PATH, one full path per line' },
    json: { type: 'boolean', description: 'one JSON array of entries' },
  },
  examples: ['peel ls image.tar /etc -l', 'peel ls image.tar /opt/app --deleted', 'peel ls image.tar --layer 6 -R'],
  async run({ positionals, values }, ctx) {
    const img = await ctx.openImage(positionals[0]);
    const view = openView(img, values.layer);
    const path = positionals[1] ?? '/';
    const rows = collect(view, path, values.deleted === true, values.recursive === true);
    if (values.json) return void (await ctx.print(JSON.stringify(rows, null, 2)));
    if (values.long) {
      if (rows.length) await ctx.print(table(rows.map((r) => longRow(r, values.recursive === true)), new Set([2])));
      return;
    }
    for (const r of rows) await ctx.print(values.recursive ? printable(`/${r.path}`) + suffix(r, false) : printable(r.name) + suffix(r, true));
  },
});

export interface Row {
  path: string;
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkTarget: string | null;
  layer: number;
  /** Set for entries not in the filesystem shown: why. */
  hidden: null | { kind: 'deleted' | 'overwritten'; byLayer: number } | { kind: 'whiteout' | 'opaque' };
}

function collect(view: FsView, path: string, deleted: boolean, recursive: boolean): Row[] {
  const p = cleanPath(path);
  let dir = '';
  if (p !== '') {
    const found = lookup(view.fs, p);
    if (!found) {
      const gone = deleted ? hiddenIn(view, parentPath(p)).find((r) => r.path === p) : undefined;
      if (gone) return [gone];
      throw new InputError(`${path}: no such file or folder${view.layer === null ? '' : ` in layer ${view.layer}`}`);
    }
    if (!found.listed) return [row(view, found.node)];
    dir = found.listed.path;
  }
  const out: Row[] = [];
  const walk = (d: string) => {
    const rows = view.fs.children(d).map((n) => row(view, n));
    if (deleted) rows.push(...hiddenIn(view, d));
    rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const r of rows) {
      out.push(r);
      if (recursive && r.type === 'dir' && r.hidden === null) walk(r.path);
    }
  };
  walk(dir);
  return out;
}

function row(view: FsView, n: FsNode): Row {
  const e = n.entry;
  return {
    path: n.path,
    name: n.name,
    type: e.type,
    mode: e.mode,
    uid: e.uid,
    gid: e.gid,
    size: nodeSize(n),
    mtime: e.mtime,
    linkTarget: e.linkTarget,
    layer: view.layerOf(n),
    hidden: null,
  };
}

/** What `--deleted` adds to a folder listing. */
function hiddenIn(view: FsView, dir: string): Row[] {
  if (view.layer === null) {
    return view.fs.shadowed(dir).map((s) => ({
      ...row(view, s),
      hidden: s.deletedBy !== null ? { kind: 'deleted' as const, byLayer: s.deletedBy } : { kind: 'overwritten' as const, byLayer: s.overwrittenBy ?? -1 },
    }));
  }
  return view.markers.filter((m) => parentPath(markerPath(m)) === dir).map((m) => markerRow(view.layer!, m));
}

function markerRow(layer: number, m: LayerEntry): Row {
  const path = markerPath(m);
  return { path, name: path.slice(path.lastIndexOf('/') + 1), type: m.type, mode: m.mode, uid: m.uid, gid: m.gid, size: 0, mtime: m.mtime, linkTarget: m.type === 'whiteout' ? m.path : null, layer, hidden: { kind: m.type as 'whiteout' | 'opaque' } };
}

function parentPath(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** `/` after a folder name (short listing only), or why a hidden entry is not in the filesystem. */
function suffix(r: Row, slash = false): string {
  if (r.hidden === null) return slash && r.type === 'dir' ? '/' : '';
  if (r.hidden.kind === 'whiteout') return `  (whiteout: deletes /${r.linkTarget})`;
  if (r.hidden.kind === 'opaque') return '  (opaque: hides the folder\'s lower-layer entries)';
  return 'byLayer' in r.hidden ? `  (${r.hidden.kind} by layer ${r.hidden.byLayer})` : '';
}

function longRow(r: Row, full: boolean): string[] {
  const name = printable(full ? `/${r.path}` : r.name);
  const link = r.type === 'symlink' ? ` -> ${printable(r.linkTarget ?? '')}` : r.type === 'hardlink' ? ` link to /${printable(r.linkTarget ?? '')}` : '';
  const marker = r.hidden === null ? '' : suffix(r);
  return [modeString(r.type, r.mode), `${r.uid}/${r.gid}`, String(r.size), isoTime(r.mtime), `layer ${r.layer}`, `${name}${link}${marker}`];
}
