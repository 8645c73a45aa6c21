import { LayerBuilder, type ImagePlan } from './plan.js';
import { populate } from './populate.js';
import type { Rng } from './prng.js';

const MB = 1024 * 1024;

/**
 * About 1.7 GiB that gzip takes to a fifth (5:1, like logs, JSON and source trees): 10 gzip
 * layers, 100,000 files, every file 'prose' (see content.ts). At this ratio the bytes written
 * and hashed after inflation outweigh the entries, and a stored uncompressed copy is 5× the blob.
 */
export function compressible(rng: Rng): ImagePlan {
  const layers: LayerBuilder[] = [];
  for (let n = 0; n < 10; n++) {
    const b = new LayerBuilder(true, n === 0 ? 'ADD rootfs.tar /' : `RUN build step ${n}`);
    populate(b, rng.fork(n), { roots: [`srv/part${n}`, 'usr/share/doc', 'var/log'], files: 10_000, bytes: 170 * MB, dirs: 400, maxSize: 8 * MB, randomShare: 0, fill: 'prose', tag: `p${n}` });
    layers.push(b);
  }
  return { name: 'compressible', tag: 'bench/compressible:latest', layers: layers.map((l) => l.plan()) };
}
