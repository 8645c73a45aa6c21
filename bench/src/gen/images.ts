import { LayerBuilder, type ImagePlan, type LayerPlan, type PlanEntry } from './plan.js';
import { compressible } from './compressible.js';
import { populate, sample } from './populate.js';
import { Rng } from './prng.js';

export type ImageKind =
  | 'small'
  | 'large'
  | 'many-files'
  | 'huge'
  | 'compressible'
  | 'files-3m'
  | 'files-10m'
  | 'files-100k-a'
  | 'files-100k-b';

const MB = 1024 * 1024;
const OS_ROOTS = ['usr/lib', 'usr/share', 'usr/bin', 'etc', 'var/lib', 'opt/vendor'];

/** The image plans. Every number is fixed, every choice comes from the seed: same seed, same bytes. */
export function planImage(kind: ImageKind, seed: number): ImagePlan {
  const rng = new Rng(seed);
  switch (kind) {
    case 'small':
      return small(rng);
    case 'large':
      return large(rng, 'large', { bytes: 1, files: 1, bigFile: 300 * MB });
    case 'huge':
      return large(rng, 'huge', { bytes: 5, files: 2, bigFile: 1500 * MB });
    case 'many-files':
      return manyFiles(rng);
    case 'compressible':
      return compressible(rng);
    case 'files-3m':
      return millions('files-3m', seed, 1);
    case 'files-10m':
      return millions('files-10m', seed, 3.26);
    case 'files-100k-a':
      return hundredThousand('files-100k-a', rng.fork(100), 0);
    case 'files-100k-b':
      return hundredThousand('files-100k-b', rng.fork(101), 10_000);
  }
}

/** 10 MB, 1,000 files, 3 layers: overwrites, whiteouts and an opaque directory. */
function small(rng: Rng): ImagePlan {
  const base = new LayerBuilder(true, 'ADD rootfs.tar /');
  const files = populate(base, rng.fork(0), { roots: OS_ROOTS, files: 600, bytes: 6 * MB, dirs: 60, maxSize: 256 * 1024, symlinkShare: 0.03, tag: '' });
  const app = new LayerBuilder(false, 'COPY app /opt/app');
  populate(app, rng.fork(1), { roots: ['opt/app'], files: 280, bytes: 3 * MB, dirs: 20, tag: 'a' });
  for (const p of sample(rng, files, 20)) app.file(p, rng.int(100, 4000), 'text');
  const top = new LayerBuilder(true, 'RUN apt-get purge && rm -rf /var/lib/cache');
  populate(top, rng.fork(2), { roots: ['etc', 'usr/local'], files: 100, bytes: 1 * MB, dirs: 10, tag: 't' });
  for (const p of sample(rng, files, 10)) top.whiteout(p);
  top.opaque('var/lib');
  top.file('var/lib/state.json', 200, 'text');
  return { name: 'small', tag: 'bench/small:latest', layers: [base.plan(), app.plan(), top.plan()] };
}

interface Scale {
  /** Multiplies content bytes. */
  bytes: number;
  /** Multiplies file counts (the 50,000-entry directory stays 50,000). */
  files: number;
  bigFile: number;
}

/**
 * ≥ 1 GiB (×scale.bytes), ≥ 100k files (×scale.files), 10 layers, 8 gzip: a base OS layer, a
 * 50,000-entry directory, a layer with one big file then a small last file, five app layers that
 * overwrite and delete base files, an opaque directory and a deleted directory.
 */
function large(rng: Rng, name: string, s: Scale): ImagePlan {
  const layers: LayerBuilder[] = [];
  const base = new LayerBuilder(true, 'ADD rootfs.tar /');
  const baseFiles = populate(base, rng.fork(0), { roots: OS_ROOTS, files: 30_000 * s.files, bytes: 260 * MB * s.bytes, dirs: 2000 * s.files, symlinkShare: 0.02, tag: '' });
  for (let i = 0; i < 20; i++) base.hardlink(`usr/bin/link-${i}`, baseFiles[i * 7]);
  layers.push(base);

  const wide = new LayerBuilder(true, 'RUN generate-icons /usr/share/wide');
  const wr = rng.fork(1);
  for (let i = 0; i < 50_000; i++) wide.file(`usr/share/wide/icon-${String(i).padStart(5, '0')}.svg`, wr.int(0, 300), 'text');
  populate(wide, rng.fork(11), { roots: ['usr/share/doc'], files: 100, bytes: 2 * MB, dirs: 10, tag: 'w' });
  layers.push(wide);

  const model = new LayerBuilder(true, 'COPY model /opt/model');
  model.file('opt/model/weights.bin', s.bigFile, 'random');
  populate(model, rng.fork(2), { roots: ['opt/model'], files: 2000 * s.files, bytes: 30 * MB * s.bytes, dirs: 50, tag: 'm' });
  // The last entry of the largest layer: its bytes sit at the far end of the layer tar.
  model.file('opt/model/zz-end-of-model.txt', 4096, 'text');
  layers.push(model);

  for (let n = 0; n < 5; n++) {
    const app = new LayerBuilder(true, `RUN install step ${n + 1}`);
    const r = rng.fork(3 + n);
    populate(app, r, { roots: [`srv/app${n}`, 'usr/local/lib'], files: 4000 * s.files, bytes: 80 * MB * s.bytes, dirs: 300, tag: `s${n}` });
    for (const p of sample(r, baseFiles, 200)) app.file(p, r.int(100, 64 * 1024), 'text');
    for (const p of sample(r, baseFiles, 100)) app.whiteout(p);
    layers.push(app);
  }

  const cleanup = new LayerBuilder(false, 'RUN rm -rf /var/lib/* && configure');
  cleanup.opaque('var/lib');
  populate(cleanup, rng.fork(9), { roots: ['var/lib', 'etc/conf.d'], files: 3000 * s.files, bytes: 50 * MB * s.bytes, dirs: 100, tag: 'c' });
  layers.push(cleanup);

  const top = new LayerBuilder(false, 'RUN rm -rf /opt/vendor && echo done');
  top.whiteout('opt/vendor');
  const tr = rng.fork(10);
  for (const p of sample(tr, baseFiles.filter((f) => f.startsWith('usr/')), 300)) top.whiteout(p);
  for (let i = 0; i < 50; i++) top.file(`etc/peel-bench/setting-${i}.conf`, tr.int(10, 2000), 'text');
  layers.push(top);

  return { name, tag: `bench/${name}:latest`, layers: layers.map((l) => l.plan()) };
}

/** 300,000 tiny files in three layers of 100,000 (about 1,000 per directory). */
function manyFiles(rng: Rng): ImagePlan {
  const layers: LayerBuilder[] = [];
  for (let n = 0; n < 3; n++) {
    const b = new LayerBuilder(n !== 1, `COPY part${n} /data/part${n}`);
    const r = rng.fork(n);
    for (let i = 0; i < 100_000; i++) {
      const dir = `data/part${n}/d${String(Math.floor(i / 1000)).padStart(3, '0')}`;
      b.file(`${dir}/f${String(i).padStart(6, '0')}.txt`, r.int(0, 512), 'text');
    }
    if (n === 2) {
      for (let i = 0; i < 1000; i++) {
        const k = (i * 97) % 100_000;
        b.whiteout(`data/part0/d${String(Math.floor(k / 1000)).padStart(3, '0')}/f${String(k).padStart(6, '0')}.txt`);
      }
    }
    layers.push(b);
  }
  return { name: 'many-files', tag: 'bench/many-files:latest', layers: layers.map((l) => l.plan()) };
}

/**
 * 100,000 small files in two layers of 50,000 (100 folders of 1,000), for comparing two unrelated
 * images: `a` and `b` draw their sizes (so their bytes) from different forks of the seed, and `b`
 * moves its last `moved` files to folders of its own (`data/moved-*`), so that a comparison finds
 * almost every file modified, some removed and as many added, and no layer in common.
 */
function hundredThousand(name: string, rng: Rng, moved: number): ImagePlan {
  const layers: LayerBuilder[] = [];
  for (let n = 0; n < 2; n++) {
    const b = new LayerBuilder(true, `COPY part${n} /data`);
    for (let i = n * 50_000; i < (n + 1) * 50_000; i++) {
      const folder = i >= 100_000 - moved ? 'moved-' : 'd';
      b.file(`data/${folder}${String(Math.floor(i / 1000)).padStart(3, '0')}/f${String(i).padStart(6, '0')}.txt`, rng.int(1, 512), 'text');
    }
    layers.push(b);
  }
  return { name, tag: `bench/${name}:latest`, layers: layers.map((l) => l.plan()) };
}

/**
 * About 3,070,000 entries × `scale` in 5 layers (4 gzip), 1,000 files per folder, nine in ten
 * files empty (the rest up to 200 bytes): the entry count is the load, not the bytes. Layer 1
 * overwrites 50 base folders' files (every 100th by a folder, a type change), layer 2 deletes 50
 * other folders' files one by one and 10 folders whole, layer 3 makes 10 folders of layer 1
 * opaque and overwrites files of layer 2, layer 4 adds 100 hard links and 100 symlinks. Entries
 * are generated afresh on each read (never held: 10 million would not fit the generator).
 */
function millions(name: string, seed: number, scale: number): ImagePlan {
  const k = (n: number) => Math.round(n * scale);
  const dir = (root: string, d: number) => `${root}/d${String(d).padStart(5, '0')}`;
  const file = (root: string, d: number, f: number) => `${dir(root, d)}/f${String(f).padStart(4, '0')}.txt`;
  const layer = (gzip: boolean, createdBy: string, fork: number, body: (rng: Rng) => Generator<PlanEntry>): LayerPlan => ({
    gzip,
    // Headers compress well at any level; level 1 makes generating millions of them bearable.
    gzipLevel: 1,
    createdBy,
    entries: { [Symbol.iterator]: () => body(new Rng(seed).fork(fork)) },
  });
  function* folders(rng: Rng, root: string, count: number): Generator<PlanEntry> {
    yield { type: 'dir', path: root };
    for (let d = 0; d < count; d++) {
      yield { type: 'dir', path: dir(root, d) };
      for (let f = 0; f < 1000; f++) yield tiny(rng, file(root, d, f));
    }
  }
  const tiny = (rng: Rng, path: string): PlanEntry => ({ type: 'file', path, size: rng.next() < 0.9 ? 0 : rng.int(1, 200), fill: 'text', mode: 0o644 });
  const base = k(1000);
  const layers = [
    layer(true, 'ADD rootfs.tar /', 0, function* (rng) {
      yield* folders(rng, 'base', base);
    }),
    layer(true, 'RUN install app1', 1, function* (rng) {
      yield* folders(rng, 'app1', k(600));
      yield { type: 'dir', path: 'base' };
      for (let d = 0; d < k(50); d++) {
        yield { type: 'dir', path: dir('base', d) };
        for (let f = 0; f < 1000; f++) {
          const path = file('base', d, f);
          if (f % 100 === 0) {
            yield { type: 'dir', path };
            yield tiny(rng, `${path}/now-a-folder`);
          } else yield tiny(rng, path);
        }
      }
    }),
    layer(true, 'RUN install app2 && rm -rf base parts', 2, function* (rng) {
      yield* folders(rng, 'app2', k(600));
      yield { type: 'dir', path: 'base' };
      for (let d = k(50); d < k(100); d++) {
        yield { type: 'dir', path: dir('base', d) };
        for (let f = 0; f < 1000; f++) yield { type: 'whiteout', path: file('base', d, f) };
      }
      for (let d = k(100); d < k(100) + 10; d++) yield { type: 'whiteout', path: dir('base', d) };
    }),
    layer(true, 'RUN install app3', 3, function* (rng) {
      yield* folders(rng, 'app3', k(400));
      yield { type: 'dir', path: 'app1' };
      for (let d = 0; d < 10; d++) {
        yield { type: 'dir', path: dir('app1', d) };
        yield { type: 'opaque', path: dir('app1', d) };
        yield tiny(rng, `${dir('app1', d)}/after-opaque.txt`);
      }
      yield { type: 'dir', path: 'app2' };
      for (let d = 0; d < k(20); d++) {
        yield { type: 'dir', path: dir('app2', d) };
        for (let f = 0; f < 1000; f++) yield tiny(rng, file('app2', d, f));
      }
    }),
    layer(false, 'COPY app4 /app4', 4, function* (rng) {
      yield* folders(rng, 'app4', k(340));
      yield { type: 'dir', path: 'links' };
      for (let i = 0; i < 100; i++) {
        yield { type: 'hardlink', path: `links/hard-${i}`, target: file('app4', i, 7) };
        yield { type: 'symlink', path: `links/soft-${i}`, target: `../${file('app3', i, 7)}` };
      }
    }),
  ];
  return {
    name,
    tag: `bench/${name}:latest`,
    layers,
    facts: { wideDir: `/${dir('base', k(100) + 20)}`, wideDirEntries: 1000, endFile: `/${file('base', base - 1, 999)}`, changesLayer: 2, search: 'f0999', editPath: file('app4', 0, 1) },
  };
}
