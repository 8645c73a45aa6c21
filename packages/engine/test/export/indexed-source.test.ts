import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { DraftView, emptyDraft, exportImage, mergeLayers, type Draft, type DraftOp, type ExportMode, type FsBlobStore, type FsNode, type ImageArchive, type InMemorySource, type IndexedSource, type LoadingFsLookup } from '../../src/index.js';
import { planFlatLayer } from '../../src/export/flatten.js';
import { mergedBase } from '../../src/export/source.js';
import { parentOf } from '../../src/layer/normalize.js';
import { TarParser, type TarHeader } from '../../src/tar/reader.js';
import { openFixture, tempStore } from '../helpers.js';

let store: FsBlobStore;
let dispose: () => Promise<void>;
beforeAll(async () => ({ store, dispose } = await tempStore()));
afterAll(() => dispose());

const inMemory = (a: ImageArchive): InMemorySource => ({ image: a.image, layers: a.image.layers.map((l) => a.layerScans.get(l.blob)!.entries) });

class NotLoaded extends Error {
  constructor(readonly load: () => void) {
    super('not loaded');
  }
}

/**
 * An index as a server's store is one: nothing answered until loaded (a folder's listing, a
 * path), loads happen only inside settle, and release drops a folder's listing and its paths.
 * Counts what it holds, and how often each layer's entries were read.
 */
function indexed(source: InMemorySource) {
  const fs = mergeLayers(source.layers);
  const listings = new Map<string, FsNode[]>();
  const paths = new Map<string, FsNode | undefined>();
  const held = { listings: 0, most: 0, released: 0 };
  const reads = source.layers.map(() => 0);
  const lookup: LoadingFsLookup = {
    get(path) {
      if (!paths.has(path)) throw new NotLoaded(() => void paths.set(path, fs.get(path)));
      return paths.get(path);
    },
    children(dir) {
      const list = listings.get(dir);
      if (list) return list;
      throw new NotLoaded(() => {
        const kids = fs.children(dir);
        listings.set(dir, kids);
        for (const k of kids) paths.set(k.path, k);
        held.most = Math.max(held.most, listings.size);
      });
    },
    hasShadowed: (path) => fs.hasShadowed(path),
    async settle(work) {
      for (;;) {
        try {
          return work();
        } catch (e) {
          if (!(e instanceof NotLoaded)) throw e;
          e.load();
        }
      }
    },
    release(dir) {
      for (const k of listings.get(dir) ?? []) paths.delete(k.path);
      if (listings.delete(dir)) held.released++;
    },
  };
  const index: IndexedSource = {
    image: source.image,
    index: {
      lookup,
      async *entries(n) {
        reads[n]++;
        yield* source.layers[n];
      },
      linkedContent: () => mergedBase(source).linkedContent(),
    },
  };
  return { index, held, reads, listings };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function blob(text: string): Promise<{ blob: string; size: number }> {
  const w = store.create();
  await w.write(Buffer.from(text));
  const { digest, size } = await w.commit();
  return { blob: digest, size };
}

describe('an export from an index that loads as asked', () => {
  it('ships the same bytes as from the layers in memory, in every mode, and walks a flatten a folder at a time', async () => {
    const a = await openFixture('multi-docker-legacy.tar', store);
    const source = inMemory(a);
    const edited = await blob('NAME="ALPYNE Linux"\n');
    const drafts: DraftOp[][] = [
      [],
      [{ op: 'write', path: 'etc/os-release', ...edited }],
      // The hard link's target goes: the rewrite keeps the link as a copy of its bytes.
      [{ op: 'delete', path: 'opt/app/conf/data.bin' }],
      [{ op: 'rename', from: 'opt/app', to: 'srv/app' }, { op: 'delete', path: 'srv/app/conf/keep.conf' }],
      [{ op: 'delete', path: 'opt/app/conf/data.hardlink', fromEveryLayer: true }, { op: 'delete', path: 'etc' }, { op: 'mkdir', path: 'etc' }],
    ];
    for (const ops of drafts) {
      for (const mode of ['append', 'rewrite', 'flatten'] as ExportMode[]) {
        const draft: Draft = { ...emptyDraft(), ops };
        const label = `${mode} ${JSON.stringify(ops)}`;
        const want = await exportImage(source, draft, { mode, store, tag: 'x:1', compression: 'none' });
        const { index, held, reads } = indexed(source);
        const got = await exportImage(index, draft, { mode, store, tag: 'x:1', compression: 'none' });
        expect(got.manifestDigest, label).toBe(want.manifestDigest);
        expect(got.layers.map((l) => l.blob), label).toEqual(want.layers.map((l) => l.blob));
        // Written out (a planned flat layer is built again from the index as the archive streams).
        const archive = async (r: typeof got) => {
          const chunks: Buffer[] = [];
          await r.write({ write: async (c) => void chunks.push(Buffer.from(c)) });
          return sha(Buffer.concat(chunks));
        };
        expect(await archive(got), label).toBe(await archive(want));
        if (mode === 'flatten') {
          // Every folder listing is let go once planned: the walk holds one at a time beside
          // those the draft's own changes asked for (a moved folder's).
          const before = indexed(source);
          await before.index.index.lookup.settle(() => new DraftView(before.index.index.lookup, draft).changes());
          expect(held.most, label).toBeLessThanOrEqual(before.listings.size + 1);
          expect(held.released, label).toBeGreaterThan(20);
        }
        // A rewrite reads a layer it changes twice (what it holds, then what it keeps) and no more.
        if (mode === 'rewrite') expect(Math.max(...reads), label).toBeLessThanOrEqual(ops.length ? 3 : 1);
      }
    }
  });

  it('any window of the walk gives a layer with the same entries, folders before what they hold and links after their file', async () => {
    for (const name of ['multi-oci.tar', 'multi-docker-legacy.tar', 'tiny-containerd-export.tar']) {
      const a = await openFixture(name, store);
      const source = inMemory(a);
      const view = new DraftView(mergeLayers(source.layers), emptyDraft(), 1_700_000_000);
      const listed = async (window?: number) => {
        const chunks: Buffer[] = [];
        await planFlatLayer(view, source, mergedBase(source), undefined, window).write(store, { write: async (c) => void chunks.push(Buffer.from(c)) });
        return entriesOf(Buffer.concat(chunks));
      };
      const whole = await listed();
      for (const window of [1, 2, 7]) {
        const got = await listed(window);
        const label = `${name}, window ${window}`;
        expect([...got].sort(byName), label).toEqual([...whole].sort(byName));
        const seen = new Set<string>();
        for (const e of got) {
          const parent = parentOf(e.name);
          if (parent !== '') expect(seen.has(parent), `${label}: ${e.name} before its folder`).toBe(true);
          if (e.type === 'hardlink') expect(seen.has(e.link), `${label}: link ${e.name} before ${e.link}`).toBe(true);
          seen.add(e.name);
        }
      }
      // A small window changes where files fall, not the walk: folders come in the same order.
      const dirs = (l: Listed[]) => l.filter((e) => e.type === 'dir').map((e) => e.name);
      expect(dirs(await listed(1)), name).toEqual(dirs(whole));
    }
  });
});

interface Listed {
  name: string;
  type: string;
  size: number;
  link: string;
  body: string;
}

const byName = (x: Listed, y: Listed) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);

function entriesOf(tar: Buffer): Listed[] {
  const out: Listed[] = [];
  let hash = createHash('sha256');
  let cur: TarHeader | null = null;
  const parser = new TarParser({
    entry: (h) => {
      cur = h;
      hash = createHash('sha256');
    },
    data: (c) => void hash.update(c),
    entryEnd: () => void out.push({ name: cur!.name.replace(/\/$/, ''), type: cur!.type, size: cur!.size, link: cur!.linkName ?? '', body: hash.digest('hex') }),
  });
  parser.push(tar);
  parser.end();
  return out;
}
