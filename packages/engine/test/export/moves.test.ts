import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DraftView, emptyDraft, exportImage, mergeLayers, openImageArchive, type Draft, type DraftOp, type ExportMode, type InMemorySource, type FsBlobStore, type ImageArchive, type MergedFs } from '../../src/index.js';
import { readFileSync } from 'node:fs';
import { byteOrder, fixture, mergedOf, openFixture, random, tempStore } from '../helpers.js';
import { DraftModel, offer } from '../draft-model.js';

let store: FsBlobStore;
let dispose: () => Promise<void>;
beforeAll(async () => ({ store, dispose } = await tempStore()));
afterAll(() => dispose());

const sourceOf = (a: ImageArchive): InMemorySource => ({ image: a.image, layers: a.image.layers.map((l) => a.layerScans.get(l.blob)!.entries) });
const MODES: ExportMode[] = ['append', 'flatten', 'rewrite'];

/** What a filesystem shows, one line per path: type (hard links as files), mode, size, target, digest. */
function walk(children: (dir: string) => Array<{ path: string; type: string; mode: number; size: number; linkTarget: string | null; digest: string | null }>): string[] {
  const out: string[] = [];
  const stack = [''];
  while (stack.length) {
    for (const c of children(stack.pop()!)) {
      const file = c.type === 'file' || c.type === 'hardlink';
      out.push([c.path, file ? 'file' : c.type, (c.mode & 0o7777).toString(8), file ? c.size : '', file ? '' : (c.linkTarget ?? ''), file ? c.digest : ''].join('\t'));
      if (c.type === 'dir') stack.push(c.path);
    }
  }
  return out.sort(byteOrder);
}

function viewListing(view: DraftView): string[] {
  return walk((d) => view.children(d).map((n) => ({ ...n, digest: n.source.kind === 'blob' ? n.source.blob : n.source.kind === 'image' ? n.source.entry.digest : null })));
}

function imageListing(a: ImageArchive): string[] {
  const fs = mergedOf(a);
  return walk((d) => fs.children(d).map((n) => ({ path: n.path, type: n.entry.type, mode: n.entry.mode, size: n.content ? n.content.entry.size : n.entry.size, linkTarget: n.entry.linkTarget, digest: n.content?.entry.digest ?? null })));
}

const ORACLE_TYPES: Record<string, string> = { '-': 'file', h: 'file', d: 'dir', l: 'symlink', c: 'char', b: 'block', p: 'fifo' };

/**
 * The model of multi's merged filesystem, from umoci's unpack of the image (the fixture's
 * oracle): path, type (hard links as files) and mode. Sizes and contents are not compared here.
 */
function oracleModel(base: MergedFs): DraftModel {
  const lines = readFileSync(fixture('multi.oracle/merged-fs-umoci.tsv'), 'utf8').split('\n').filter((l) => l && !l.startsWith('.\t'));
  const entries = lines.map((l) => {
    const [path, type, mode] = l.split('\t');
    return [path, { type: ORACLE_TYPES[type], size: 0, mode: parseInt(mode, 8), origin: 'image' }] as const;
  });
  // Paths only lower layers hold (a delete of one purges them): the image's own account.
  return new DraftModel(entries, (p) => base.hasShadowed(p));
}

describe('exports of drafts that move folders', () => {
  it('every mode ships exactly what the draft shows, for 4 written-out drafts and 12 random ones of moves, deletes and edits', async () => {
    const a = await openFixture('multi-docker-legacy.tar', store);
    const blobs: Array<{ blob: string; size: number }> = [];
    for (const text of ['one\n', 'two, longer\n']) {
      const w = store.create();
      await w.write(Buffer.from(text));
      const { digest, size } = await w.commit();
      blobs.push({ blob: digest, size });
    }
    const base = mergeLayers(sourceOf(a).layers);
    let folderMoves = 0;
    for (let seed = -3; seed <= 12; seed++) {
      const rnd = random(seed * 104729);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
      // Seeds up to 0 are written out: orderings random drafts rarely reach.
      const written: DraftOp[][] = [
        // a delete inside a moved folder, then a moved folder deleted and made again
        [{ op: 'rename', from: 'opt/app', to: 'srv/app' }, { op: 'delete', path: 'srv/app/conf/with space.conf' }, { op: 'rename', from: 'srv/app/conf', to: 'etc/conf' }, { op: 'delete', path: 'etc/conf' }, { op: 'mkdir', path: 'etc/conf' }],
        // moved onto a path the draft deleted, then edited inside
        [{ op: 'delete', path: 'home/redis' }, { op: 'rename', from: 'opt/app/conf', to: 'home/redis' }, { op: 'delete', path: 'home/redis/keep.conf' }],
        // moved away, edited, moved back
        [{ op: 'rename', from: 'opt/app', to: 'srv2' }, { op: 'delete', path: 'srv2/conf/keep.conf' }, { op: 'rename', from: 'srv2', to: 'opt/app' }],
        // a file of the image replaced by a moved folder, and a moved folder deleted
        [{ op: 'delete', path: 'opt/app/cache/fresh.txt' }, { op: 'rename', from: 'opt/app/conf', to: 'opt/app/cache/fresh.txt' }, { op: 'rename', from: 'home/redis', to: 'srv3' }, { op: 'delete', path: 'srv3' }],
      ];
      const model = oracleModel(base);
      const ops: DraftOp[] = [];
      for (const op of seed > 0 ? [] : written[-seed]) {
        expect(offer(model, () => new DraftView(base, { ...emptyDraft(), ops: [...ops, op] }), op, `seed ${seed}`), `seed ${seed}: ${JSON.stringify(op)}`).toBe(true);
        ops.push(op);
      }
      for (let i = 0; seed > 0 && i < 3 + Math.floor(rnd() * 5); i++) {
        // Paths the draft shows now, as the model has them (byte order: the same picks every run).
        const all = [...model.entries.keys()].sort(byteOrder);
        const dirs = all.filter((p) => model.entries.get(p)!.type === 'dir');
        const kind = pick(['rename', 'rename', 'delete', 'write', 'remake'] as const);
        let next: DraftOp[];
        if (kind === 'rename') next = [{ op: 'rename', from: pick(rnd() < 0.7 ? dirs : all), to: `${pick(['', ...dirs])}/moved${i}`.replace(/^\//, '') }];
        else if (kind === 'delete') next = [{ op: 'delete', path: pick(all) }];
        else if (kind === 'write') next = [{ op: 'write', path: `${pick(dirs)}/w${i}`, ...pick(blobs) }];
        else { const d = pick(dirs); next = [{ op: 'delete', path: d }, { op: 'mkdir', path: d }, { op: 'write', path: `${d}/again`, ...blobs[0] }]; }
        // The model says whether each op applies (a folder moved into itself does not); the ops
        // of a step after one that does not apply are not offered.
        const folderMove = next[0].op === 'rename' && model.entries.get(next[0].from)?.type === 'dir';
        const tried: DraftOp[] = [];
        for (const op of next) {
          if (!offer(model, () => new DraftView(base, { ...emptyDraft(), ops: [...ops, ...tried, op] }), op, `seed ${seed}`)) break;
          tried.push(op);
        }
        ops.push(...tried);
        if (folderMove && tried.length) folderMoves++;
      }
      const draft: Draft = { ...emptyDraft(), ops };
      const view = new DraftView(base, draft);
      const want = viewListing(view);
      // The draft as the model has it (path, type, mode), from umoci's listing of the image.
      expect(want.map((l) => l.split('\t', 3).join('\t')), `seed ${seed}: ${JSON.stringify(ops)}`).toEqual([...model.entries].map(([p, e]) => `${p}\t${e.type}\t${(e.mode & 0o7777).toString(8)}`).sort(byteOrder));
      const draftChanges = view.changes();
      const typesOf = (lines: string[]) => new Map(lines.map((l) => l.split('\t', 2) as [string, string]));
      const [before, after] = [typesOf(imageListing(a)), typesOf(want)];
      // What the draft deleted, or replaced by something of another type.
      const gone = [...before].filter(([p, type]) => after.get(p) !== type).map(([p]) => p);
      for (const mode of MODES) {
        const result = await exportImage(sourceOf(a), draft, { mode, store, tag: 'moved:latest' });
        const chunks: Buffer[] = [];
        await result.write({ write: async (c) => void chunks.push(Buffer.from(c)) });
        const b = await openImageArchive([Buffer.concat(chunks)], store);
        expect(b.problems.filter((p) => p.severity !== 'info'), `${mode} seed ${seed}`).toEqual([]);
        expect(imageListing(b), `${mode} seed ${seed}: ${JSON.stringify(ops)}`).toEqual(want);
        const scans = b.image.layers.map((l) => b.layerScans.get(l.blob)!.entries);
        // Append whites out only what the image's layers hold; rewrite leaves nothing deleted in them.
        if (mode === 'append') for (const e of scans.at(-1)!) if (e.type === 'whiteout') expect(base.get(e.path), `seed ${seed} ${e.path}`).toBeDefined();
        if (mode === 'rewrite') for (const e of scans.slice(0, -1).flat()) expect(gone.includes(e.path), `seed ${seed}: ${e.path} is still in a layer`).toBe(false);
        if (mode === 'append') expect(draftChanges.filter((c) => c.purgeOnly), `seed ${seed}`).toEqual(draftChanges.filter((c) => c.purgeOnly && base.hasShadowed(c.path)));
      }
    }
    expect(folderMoves).toBeGreaterThan(8);
  });
});
