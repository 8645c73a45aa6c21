import type { Fill } from './content.js';
import type { LayerBuilder } from './plan.js';
import type { Rng } from './prng.js';

const WORDS = ['core', 'util', 'net', 'ssl', 'xml', 'json', 'http', 'crypt', 'zip', 'yaml', 'gfx', 'font', 'locale', 'perl', 'python', 'node', 'ruby', 'java', 'gcc', 'dbus', 'udev', 'audit', 'pam', 'acl', 'attr', 'cap', 'tz', 'icu', 'sql', 'mime'];
const EXTS = ['so', 'txt', 'py', 'js', 'h', 'conf', 'json', 'md', 'pyc', 'gz', 'html', 'rb'];

export interface PopulateSpec {
  /** Top directories the files go under, e.g. ['usr/lib', 'etc']. */
  roots: string[];
  files: number;
  /** Total content bytes (file sizes are log-uniform in [minSize, maxSize], then scaled to this). */
  bytes: number;
  dirs: number;
  minSize?: number;
  maxSize?: number;
  /** Share of files whose bytes do not compress. */
  randomShare?: number;
  /** How the files that do compress look (default 'text'). */
  fill?: Fill;
  /** Share of entries written as symlinks to an earlier file of this layer. */
  symlinkShare?: number;
  /** Prefix of file names, so that layers do not collide by accident. */
  tag: string;
}

/** Fills a layer with a plausible tree: nested directories, many small files, a few big ones. */
export function populate(b: LayerBuilder, rng: Rng, spec: PopulateSpec): string[] {
  const dirs: string[] = [];
  for (let i = 0; i < spec.dirs; i++) {
    const depth = rng.int(1, 3);
    let p = rng.pick(spec.roots);
    for (let d = 0; d < depth; d++) p += `/${rng.pick(WORDS)}${d === depth - 1 ? `-${i}` : ''}`;
    dirs.push(p);
  }
  const raw: number[] = [];
  let sum = 0;
  for (let i = 0; i < spec.files; i++) {
    const s = rng.logInt(spec.minSize ?? 16, spec.maxSize ?? 2 * 1024 * 1024);
    raw.push(s);
    sum += s;
  }
  const scale = spec.bytes / Math.max(1, sum);
  const made: string[] = [];
  for (let i = 0; i < spec.files; i++) {
    // Skewed towards the first directories: real trees have a few crowded folders.
    const dir = dirs[Math.floor(dirs.length * rng.next() ** 2)];
    const path = `${dir}/${spec.tag}${rng.pick(WORDS)}-${i}.${rng.pick(EXTS)}`;
    if (made.length > 0 && rng.next() < (spec.symlinkShare ?? 0)) {
      const target = made[rng.int(0, made.length - 1)];
      b.symlink(path, `/${target}`);
      continue;
    }
    const fill: Fill = rng.next() < (spec.randomShare ?? 0.3) ? 'random' : (spec.fill ?? 'text');
    b.file(path, Math.round(raw[i] * scale), fill, path.endsWith('.so') ? 0o755 : 0o644);
    made.push(path);
  }
  return made;
}

/** `n` distinct items of `xs`, deterministically. */
export function sample<T>(rng: Rng, xs: readonly T[], n: number): T[] {
  const picked = new Set<number>();
  const limit = Math.min(n, xs.length);
  while (picked.size < limit) picked.add(rng.int(0, xs.length - 1));
  return [...picked].sort((a, b) => a - b).map((i) => xs[i]);
}
