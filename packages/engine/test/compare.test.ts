import { afterAll, describe, expect, it } from 'vitest';
import {
  alignHistory, alignLayers, ChangeTable, compareImages, comparePaths, diffConfig, diffTrees, imageSide, mergeLayers, openImageArchive, postOrder,
  treeOrderedNodes, compareNodeOf, type CompareNode, type HistoryStepRef, type ImageArchive, type LayerEntry, type MergedFs,
  type PathChange, type TreeDiffItem,
} from '../src/index.js';
import { dockerArchive, type TarItem } from './build.js';
import { layerEntry as e, openFixture, random, tempStore } from './helpers.js';

const disposers: Array<() => Promise<void>> = [];
afterAll(() => Promise.all(disposers.map((d) => d())));

async function open(layers: TarItem[][], history?: Array<{ created_by: string; empty_layer?: boolean }>): Promise<ImageArchive> {
  const { store, dispose } = await tempStore();
  disposers.push(dispose);
  return openImageArchive([await dockerArchive({ layers, history })], store);
}
const entriesOf = (ar: ImageArchive) => ar.image.layers.map((l) => ar.layerScans.get(l.blob)!.entries);
const side = (ar: ImageArchive, asOf: number | null = null) => imageSide(ar.image, entriesOf(ar), asOf);
const row = (c: PathChange) => [c.path, c.change, c.fields.join(',')].join(' ');

// The base both sides start from; B's two layers then edit it (its expected effect is spelled
// out in `expectedBvsA`), A's one layer adds a file of its own.
const L0: TarItem[] = [
  { name: 'etc', type: 'directory', mode: 0o755 },
  { name: 'etc/same.txt', data: 'same' },
  { name: 'etc/edit.txt', data: 'aaaa' },
  { name: 'etc/grow.txt', data: 'x' },
  { name: 'etc/mode.sh', data: 'm', mode: 0o644 },
  { name: 'etc/touch.txt', data: 't', mtime: 100 },
  { name: 'etc/owner.txt', data: 'o' },
  { name: 'gone.txt', data: 'g' },
  { name: 'gone-dir', type: 'directory' },
  { name: 'gone-dir/a', data: '1' },
  { name: 'gone-dir/b', data: '2' },
  { name: 'swap', data: 's' },
  { name: 'link', type: 'symlink', linkname: 'etc/same.txt' },
];
const LA: TarItem[] = [{ name: 'a-only.txt', data: 'A' }];
const LB1: TarItem[] = [
  { name: 'etc/edit.txt', data: 'bbbb' }, // same size, other bytes
  { name: 'etc/grow.txt', data: 'xyz' },
  { name: 'etc/mode.sh', data: 'm', mode: 0o755 },
  { name: 'etc/touch.txt', data: 't', mtime: 200 },
  { name: '.wh.gone.txt' },
  { name: '.wh.gone-dir' },
  { name: 'swap', type: 'directory' },
  { name: 'swap/inner', data: 'i' },
  { name: 'new/deep/file', data: 'n' },
];
const LB2: TarItem[] = [
  { name: 'link', type: 'symlink', linkname: 'etc/edit.txt' },
  { name: 'etc/owner.txt', data: 'o', uid: 1000 },
];
const HISTORY_B = [{ created_by: 'base' }, { created_by: 'ENV X=1', empty_layer: true }, { created_by: 'edit' }, { created_by: 'relink' }];

/** B against the base (L0), in tree order; mtime-only etc/touch.txt is not listed by default. */
const expectedBvsBase = [
  'etc/edit.txt modified content',
  'etc/grow.txt modified content',
  'etc/mode.sh metadata mode',
  'etc/owner.txt metadata uid',
  'gone-dir removed ',
  'gone-dir/a removed ',
  'gone-dir/b removed ',
  'gone.txt removed ',
  'link modified linkTarget',
  'new added ',
  'new/deep added ',
  'new/deep/file added ',
  'swap type ',
  'swap/inner added ',
];

describe('compareImages: two images', () => {
  it('finds every kind of change, same-size edits by digest, and totals them', async () => {
    const a = await open([L0, LA]);
    const b = await open([L0, LB1, LB2], HISTORY_B);
    const r = await compareImages(side(a), side(b));
    expect(r.changes.map(row)).toEqual(['a-only.txt removed ', ...expectedBvsBase]);
    const edit = r.changes.find((c) => c.path === 'etc/edit.txt')!;
    expect([edit.a!.size, edit.b!.size]).toEqual([4, 4]);
    expect(r.equal).toBe(false);
    expect(r.summary).toEqual({
      entries: { a: 14, b: 13 },
      bytes: { a: 17, b: 16 },
      added: { count: 4, bytes: 2 },
      removed: { count: 5, bytes: 4 },
      modified: { count: 3, bytesA: 5, bytesB: 7, content: 2, linkTarget: 1, device: 0 },
      type: { count: 1, bytesA: 1, bytesB: 0 },
      metadata: { count: 2, mode: 1, uid: 1, gid: 0, mtime: 0, xattrs: 0 },
      mtimeOnly: { count: 1 },
      bytesAdded: 9,
      bytesRemoved: 10,
      net: -1,
    });
    expect(r.folders).toEqual([
      { path: '', changesBelow: 15, bytesBelowA: 12, bytesBelowB: 11 },
      { path: 'etc', changesBelow: 4, bytesBelowA: 7, bytesBelowB: 9 },
      { path: 'gone-dir', changesBelow: 2, bytesBelowA: 2, bytesBelowB: 0 },
      { path: 'new', changesBelow: 2, bytesBelowA: 0, bytesBelowB: 1 },
      { path: 'new/deep', changesBelow: 1, bytesBelowA: 0, bytesBelowB: 1 },
      { path: 'swap', changesBelow: 1, bytesBelowA: 0, bytesBelowB: 1 },
    ]);
    expect(r.layers.shared).toBe(1);
    expect(r.layers.text).toBe('layer 0 identical, then A has 1 layer, B has 2 layers');
    expect(r.layers.onlyB.map((l) => l.index)).toEqual([1, 2]);
  });

  it('onChange hands each change over instead of collecting it; a ChangeTable gives every one back as it was', async () => {
    const a = await open([L0, LA]);
    const b = await open([L0, LB1, LB2], HISTORY_B);
    const collected = await compareImages(side(a), side(b), { includeMtime: true });
    const table = new ChangeTable();
    const handed = await compareImages(side(a), side(b), { includeMtime: true, onChange: (c) => table.push(c) });
    expect(handed.changes).toEqual([]);
    expect([handed.equal, handed.summary, handed.folders]).toEqual([collected.equal, collected.summary, collected.folders]);
    expect(collected.changes.length).toBeGreaterThan(10);
    expect(Array.from({ length: table.length }, (_, i) => table.get(i))).toEqual(collected.changes);
    expect(Array.from({ length: table.length }, (_, i) => [table.path(i), table.kind(i), table.size(i, 'a'), table.size(i, 'b')]))
      .toEqual(collected.changes.map((c) => [c.path, c.change, c.a?.size ?? 0, c.b?.size ?? 0]));
  });

  it('a ChangeTable keeps what few entries have: xattrs, devices, link targets, a digest of another form, big ids and times', () => {
    const node = (over: Partial<CompareNode>): CompareNode => ({
      path: 'x', type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 1_700_000_000, size: 3, digest: `sha256:${'ab'.repeat(32)}`,
      linkTarget: null, device: null, xattrs: null, layer: 0, ...over,
    });
    const changes: PathChange[] = [
      { path: 'x', change: 'metadata', fields: ['uid', 'xattrs'], mtimeOnly: false, a: node({ uid: 4_000_000_000 }), b: node({ xattrs: { 'user.k': 'dg==' }, layer: 3 }) },
      { path: 'y', change: 'modified', fields: ['device'], mtimeOnly: false, a: node({ path: 'y', type: 'char', size: 0, digest: null, device: '1,3' }), b: node({ path: 'y', type: 'char', size: 0, digest: null, device: '1,5' }) },
      { path: 'z', change: 'added', fields: [], mtimeOnly: false, a: null, b: node({ path: 'z', type: 'symlink', mode: 0o777, size: 0, digest: null, linkTarget: '../t' }) },
      { path: 'w', change: 'modified', fields: ['content', 'mtime'], mtimeOnly: false, a: node({ path: 'w', digest: 'blob:1', mtime: 1.5e12 }), b: node({ path: 'w', size: 2 ** 40, digest: `sha256:${'0f'.repeat(32)}` }) },
      { path: 'v', change: 'metadata', fields: ['mtime'], mtimeOnly: true, a: node({ path: 'v', mtime: 1 }), b: node({ path: 'v', mtime: 2 }) },
    ];
    const table = new ChangeTable();
    for (const c of changes) table.push(c);
    expect(changes.map((_, i) => table.get(i))).toEqual(changes);
  });

  it('lists mtime-only changes and counts them in folders only when asked', async () => {
    const a = await open([L0]);
    const b = await open([L0, LB1, LB2], HISTORY_B);
    const r = await compareImages(side(a), side(b), { includeMtime: true });
    const touch = r.changes.find((c) => c.path === 'etc/touch.txt')!;
    expect(touch).toMatchObject({ change: 'metadata', fields: ['mtime'], mtimeOnly: true });
    expect(r.folders.find((f) => f.path === 'etc')!.changesBelow).toBe(5);
    expect(r.summary.mtimeOnly.count).toBe(1);
  });

  it('equal images: nothing changes, the layer stacks are the same, equal is true', async () => {
    const a = await open([L0, LB1, LB2], HISTORY_B);
    const b = await open([L0, LB1, LB2], HISTORY_B);
    const r = await compareImages(side(a), side(b));
    expect(r.equal).toBe(true);
    expect(r.sameLayers).toBe(true);
    expect(r.changes).toEqual([]);
    expect(r.config).toEqual([]);
    expect(r.history.map((h) => h.status)).toEqual(['same', 'same', 'same', 'same']);
    expect(r.layers.text).toBe('layers 0–2 identical: the same layers');
    expect(r.summary.entries).toEqual({ a: 13, b: 13 });
  });

  it('one image written by two tools (docker save, skopeo to OCI with zstd) is equal to itself', async () => {
    const { store, dispose } = await tempStore();
    try {
      const saved = await openFixture('multi-docker-legacy.tar', store);
      const oci = await openFixture('multi-oci-zstd.tar', store);
      const r = await compareImages(side(saved), side(oci), { includeMtime: true });
      expect(r).toMatchObject({ equal: true, sameLayers: true, changes: [], config: [] });
      expect(r.summary.entries.a).toBe(r.summary.entries.b);
      expect(r.summary.entries.a).toBeGreaterThan(10);
    } finally {
      await dispose();
    }
  });

  it('an mtime-only difference is equal by default and different with includeMtime', async () => {
    const a = await open([[{ name: 'f', data: 'x', mtime: 1 }]]);
    const b = await open([[{ name: 'f', data: 'x', mtime: 2 }]]);
    expect((await compareImages(side(a), side(b))).equal).toBe(true);
    expect((await compareImages(side(a), side(b), { includeMtime: true })).equal).toBe(false);
  });

  it('root limits the comparison to one subtree', async () => {
    const a = await open([L0]);
    const b = await open([L0, LB1, LB2], HISTORY_B);
    const r = await compareImages(side(a), side(b), { root: 'new' });
    expect(r.changes.map(row)).toEqual(['new added ', 'new/deep added ', 'new/deep/file added ']);
    expect(r.summary.entries).toEqual({ a: 0, b: 3 });
    // Part of the tree is about files only: B's history has more steps, but none is compared.
    expect([r.config, r.history]).toEqual([[], []]);
    expect((await compareImages(side(a), side(b), { root: 'etc/same.txt' })).equal).toBe(true);
  });
});

describe('compareImages: one image as of a layer', () => {
  it('as of layer 0 against the whole image is what layers 1..2 did together', async () => {
    const b = await open([L0, LB1, LB2], HISTORY_B);
    const r = await compareImages(side(b, 0), side(b));
    expect(r.changes.map(row)).toEqual(expectedBvsBase);
    expect(r.layers).toMatchObject({ shared: 1, text: 'layer 0 identical, then A has none, B has 2 layers' });
    // As of layer 0, the history stops before the step that made layer 1 (the ENV after the base stays).
    expect(r.history.map((h) => [h.status, h.a?.createdBy ?? null, h.b?.createdBy ?? null])).toEqual([
      ['same', 'base', 'base'],
      ['same', 'ENV X=1', 'ENV X=1'],
      ['onlyB', null, 'edit'],
      ['onlyB', null, 'relink'],
    ]);
    expect(r.config).toEqual([]);
  });

  it('as of layer 1 against as of layer 2 is layer 2 alone', async () => {
    const b = await open([L0, LB1, LB2], HISTORY_B);
    const r = await compareImages(side(b, 1), side(b, 2));
    expect(r.changes.map(row)).toEqual(['etc/owner.txt metadata uid', 'link modified linkTarget']);
    expect(r.layers.text).toBe('layers 0–1 identical, then A has none, B has 1 layer');
  });

  it('the same layer twice is equal; a layer out of range is refused', async () => {
    const b = await open([L0, LB1, LB2], HISTORY_B);
    expect((await compareImages(side(b, 2), side(b))).equal).toBe(true);
    expect(() => side(b, 3)).toThrow(RangeError);
    expect(() => side(b, -1)).toThrow(RangeError);
  });
});

const nodes = (layers: LayerEntry[][]) => [...treeOrderedNodes(mergeLayers(layers))].map(compareNodeOf);
async function changesOf(a: Iterable<CompareNode> | AsyncIterable<CompareNode>, b: Iterable<CompareNode> | AsyncIterable<CompareNode>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of diffTrees(a, b)) if (item.kind === 'change') out.push(row(item.change));
  return out;
}

describe('diffTrees', () => {
  it('a hard link compares as the file it shares bytes and attributes with', async () => {
    const data = e('data', 'file', { digest: 'sha256:same', size: 5 });
    const a = nodes([[data, e('copy', 'hardlink', { linkTarget: 'data', mode: 0o600 })]]);
    const b = nodes([[data, e('copy', 'file', { digest: 'sha256:same', size: 5 })]]);
    expect(await changesOf(a, b)).toEqual([]);
    const c = nodes([[data, e('copy', 'file', { digest: 'sha256:other', size: 5 })]]);
    expect(await changesOf(a, c)).toEqual(['copy modified content']);
  });

  it('devices by number, xattrs by value, uid and gid apart', async () => {
    const a = nodes([[e('dev', 'char', { devMajor: 1, devMinor: 3 }), e('cap', 'file', { xattrs: { 'security.capability': 'AQ==' } }), e('own', 'file', { uid: 1, gid: 1 })]]);
    const b = nodes([[e('dev', 'char', { devMajor: 1, devMinor: 5 }), e('cap', 'file', { xattrs: { 'security.capability': 'Ag==' } }), e('own', 'file', { uid: 1, gid: 2 })]]);
    expect(await changesOf(a, b)).toEqual(['cap metadata xattrs', 'dev modified device', 'own metadata gid']);
    const c = nodes([[e('cap', 'file')]]);
    expect(await changesOf(a.filter((n) => n.path === 'cap'), c)).toEqual(['cap metadata xattrs']);
  });

  it('reads async streams as well as arrays', async () => {
    const a = nodes([[e('d', 'dir'), e('d/x')]]);
    const b = nodes([[e('d', 'dir'), e('d/y')]]);
    async function* slowly(list: CompareNode[]) {
      for (const n of list) yield await Promise.resolve(n);
    }
    expect(await changesOf(slowly(a), slowly(b))).toEqual(['d/x removed ', 'd/y added ']);
  });

  it('refuses a side that is not in tree order instead of answering wrongly', async () => {
    const a = nodes([[e('a-c'), e('a', 'dir'), e('a/b')]]);
    expect(a.map((n) => n.path)).toEqual(['a', 'a/b', 'a-c']);
    await expect(changesOf([a[0], a[2], a[1]], a)).rejects.toThrow(/not in the path order: "a\/b" comes after "a-c"/);
  });

  it('post-order sources (a folder after its subtree, as a streaming merge gives them) give the same changes and totals', async () => {
    // Post-order by plain recursion over the merged tree: children by name, then the folder.
    const postOrdered = (fs: MergedFs) => {
      const out: CompareNode[] = [];
      const walk = (dir: string) => {
        for (const n of fs.children(dir).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
          if (n.entry.type === 'dir') walk(n.path);
          out.push(compareNodeOf(n));
        }
      };
      walk('');
      return out;
    };
    const layersA = [[e('d', 'dir'), e('d/x'), e('d/sub', 'dir'), e('d/sub/y'), e('d-z'), e('k', 'dir'), e('k/same')]];
    const layersB = [[e('d', 'dir', { mode: 0o700 }), e('d/sub', 'dir'), e('d/sub/y', 'file', { digest: 'sha256:other' }), e('d/sub/new'), e('d-z', 'dir'), e('d-z/in'), e('k', 'dir'), e('k/same')]];
    const items = async (a: CompareNode[], b: CompareNode[], order: 'pre' | 'post') => {
      const out: TreeDiffItem[] = [];
      for await (const item of diffTrees(a, b, { order })) out.push(item);
      return out;
    };
    const pre = await items(nodes(layersA), nodes(layersB), 'pre');
    const post = await items(postOrdered(mergeLayers(layersA)), postOrdered(mergeLayers(layersB)), 'post');
    const changes = (list: TreeDiffItem[]) => list.flatMap((i) => (i.kind === 'change' ? [row(i.change)] : []));
    const folders = (list: TreeDiffItem[]) => list.flatMap((i) => (i.kind === 'folder' ? [JSON.stringify(i.folder)] : []));
    expect(changes(pre)).toEqual(['d metadata mode', 'd/sub/new added ', 'd/sub/y modified content', 'd/x removed ', 'd-z type ', 'd-z/in added ']);
    expect(changes(post)).toEqual(['d/sub/new added ', 'd/sub/y modified content', 'd/x removed ', 'd metadata mode', 'd-z/in added ', 'd-z type ']);
    expect(folders(post).sort()).toEqual(folders(pre).sort());
    expect(folders(pre)).toEqual([
      { path: 'd/sub', changesBelow: 2, bytesBelowA: 3, bytesBelowB: 6 },
      { path: 'd', changesBelow: 3, bytesBelowA: 6, bytesBelowB: 6 },
      { path: 'd-z', changesBelow: 1, bytesBelowA: 0, bytesBelowB: 3 },
      { path: '', changesBelow: 6, bytesBelowA: 9, bytesBelowB: 9 },
    ].map((f) => JSON.stringify(f)));
    await expect(items(postOrdered(mergeLayers(layersA)), postOrdered(mergeLayers(layersB)), 'pre')).rejects.toThrow(/not in the path order/);
  });
});

describe('path orders', () => {
  it('pre-order is depth-first, a folder before its subtree, siblings by name; post-order puts the folder after', () => {
    const next = random(20);
    const alphabet = ['a', 'b', '-', '.', 'é', '日', '\u{1F433}', '\uFF21', 'Z', '0'];
    const paths = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const depth = 1 + Math.floor(next() * 4);
      const parts = Array.from({ length: depth }, () => Array.from({ length: 1 + Math.floor(next() * 3) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''));
      for (let d = 1; d <= depth; d++) paths.add(parts.slice(0, d).join('/'));
    }
    // The oracle: compare the lists of components, each component as a JS string; an ancestor
    // (a shorter list that is a prefix) comes first in pre-order and last in post-order.
    const byComponents = (ancestorFirst: boolean) => (x: string, y: string) => {
      const [px, py] = [x.split('/'), y.split('/')];
      for (let i = 0; i < Math.min(px.length, py.length); i++) if (px[i] !== py[i]) return px[i] < py[i] ? -1 : 1;
      return ancestorFirst ? px.length - py.length : py.length - px.length;
    };
    expect([...paths].sort(comparePaths)).toEqual([...paths].sort(byComponents(true)));
    expect([...paths].sort(postOrder)).toEqual([...paths].sort(byComponents(false)));
    const fs = mergeLayers([[...paths].map((p) => e(p, 'dir'))]);
    expect([...treeOrderedNodes(fs)].map((n) => n.path)).toEqual([...paths].sort(byComponents(true)));
  });
});

describe('layers, config and history', () => {
  const ref = (index: number, diffId: string) => ({ index, diffId, size: null });
  it('aligns layer stacks by diff_id up to the first difference', () => {
    const a = ['s:1', 's:2', 's:3', 's:4', 's:5', 's:a', 's:b', 's:c'].map((d, i) => ref(i, d));
    const b = ['s:1', 's:2', 's:3', 's:4', 's:5', 's:x', 's:b'].map((d, i) => ref(i, d));
    const r = alignLayers(a, b);
    expect(r.shared).toBe(5);
    expect(r.onlyA.map((l) => l.diffId)).toEqual(['s:a', 's:b', 's:c']);
    expect(r.text).toBe('layers 0–4 identical, then A has 3 layers, B has 2 layers');
    expect(alignLayers([ref(0, 's:z')], b).text).toBe('no layers in common, then A has 1 layer, B has 7 layers');
  });

  it('diffs the config by Env variable, label, port and volume, lists whole, and the platform', () => {
    const r = diffConfig(
      { os: 'linux', architecture: 'amd64', config: { Env: ['PATH=/bin', 'A=1', 'GONE=x'], Entrypoint: ['/init'], Cmd: ['sh'], WorkingDir: '/app', User: 'app', ExposedPorts: { '80/tcp': {} }, Volumes: { '/data': {} }, Labels: { v: '1', keep: 'k' } } },
      { os: 'linux', architecture: 'arm64', variant: 'v8', config: { Env: ['PATH=/bin', 'A=2', 'NEW='], Entrypoint: ['/init'], Cmd: ['sh', '-c', 'x'], User: 'root', ExposedPorts: { '80/tcp': {}, '443/tcp': {} }, Labels: { v: '2', keep: 'k' } } },
    );
    expect(r).toEqual([
      { field: 'Env', key: 'A', a: '1', b: '2' },
      { field: 'Env', key: 'GONE', a: 'x', b: null },
      { field: 'Env', key: 'NEW', a: null, b: '' },
      { field: 'Cmd', key: null, a: ['sh'], b: ['sh', '-c', 'x'] },
      { field: 'WorkingDir', key: null, a: '/app', b: null },
      { field: 'User', key: null, a: 'app', b: 'root' },
      { field: 'ExposedPorts', key: '443/tcp', a: null, b: '' },
      { field: 'Volumes', key: '/data', a: '', b: null },
      { field: 'Labels', key: 'v', a: '1', b: '2' },
      { field: 'platform', key: null, a: 'linux/amd64', b: 'linux/arm64/v8' },
    ]);
  });

  it('aligns histories on their common steps, pairing the others as changed', () => {
    const step = (index: number, createdBy: string, diffId: string | null = null): HistoryStepRef => ({ index, createdBy, created: `2024-01-0${index + 1}`, comment: null, emptyLayer: diffId === null, layer: null, diffId });
    const a = [step(0, 'FROM', 's:1'), step(1, 'ENV A=1'), step(2, 'RUN make', 's:2'), step(3, 'CMD x')];
    const b = [step(0, 'FROM', 's:1'), step(1, 'RUN make', 's:3'), step(2, 'RUN test', 's:4'), step(3, 'CMD x'), step(4, 'LABEL l')];
    expect(alignHistory(a, b).map((r) => [r.status, r.a?.createdBy ?? null, r.b?.createdBy ?? null])).toEqual([
      ['same', 'FROM', 'FROM'],
      ['changed', 'ENV A=1', 'RUN make'],
      ['changed', 'RUN make', 'RUN test'],
      ['same', 'CMD x', 'CMD x'],
      ['onlyB', null, 'LABEL l'],
    ]);
  });
});
