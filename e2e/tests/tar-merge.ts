import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

/** One path of a merged filesystem as GNU tar lists it. */
export interface TarEntry {
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';
  mode: number;
  uid: number;
  gid: number;
  /** As GNU tar prints it (`--full-time`): compared for equality only. */
  mtime: string;
  size: number;
  linkTarget: string | null;
  device: string | null;
  /** sha256 of a file's bytes, else null. */
  digest: string | null;
}

const TYPES: Record<string, TarEntry['type']> = { '-': 'file', d: 'dir', l: 'symlink', h: 'hardlink', c: 'char', b: 'block', p: 'fifo' };

/** `rwsr-xr-t` → 0o5755. */
function modeOf(perms: string): number {
  let mode = 0;
  const bits = [0o400, 0o200, 0o100, 0o40, 0o20, 0o10, 0o4, 0o2, 0o1];
  for (let i = 0; i < 9; i++) {
    const c = perms[i];
    if (c !== '-' && c !== 'S' && c !== 'T') mode |= bits[i];
  }
  if (/[sS]/.test(perms[2])) mode |= 0o4000;
  if (/[sS]/.test(perms[5])) mode |= 0o2000;
  if (/[tT]/.test(perms[8])) mode |= 0o1000;
  return mode;
}

const absolute = (name: string) => `/${name.replace(/^\.?\/+/, '').replace(/\/+$/, '')}`;

/** One layer tar (plain or gzip) listed by GNU tar, with each file's sha256 read by GNU tar too. */
function listLayer(bytes: Buffer): Array<[string, TarEntry]> {
  const plain = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  const lines = execFileSync('tar', ['-tv', '--numeric-owner', '--full-time', '--quoting-style=literal', '-f', '-'], { input: plain, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\n')
    .filter(Boolean);
  return lines.map((line) => {
    const m = /^(\S)(\S{9})\s+(\d+)\/(\d+)\s+(\S+)\s+(\S+ \S+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`cannot read GNU tar's line: ${line}`);
    const type = TYPES[m[1]];
    let name = m[7];
    let linkTarget: string | null = null;
    if (type === 'symlink') [name, linkTarget] = name.split(' -> ');
    if (type === 'hardlink') [name, linkTarget] = name.split(' link to ');
    const device = type === 'char' || type === 'block' ? m[5].replace(/\s/g, '') : null;
    const size = type === 'file' ? Number(m[5]) : 0;
    const digest = type === 'file' ? createHash('sha256').update(execFileSync('tar', ['-xO', '-f', '-', name], { input: plain, maxBuffer: 256 * 1024 * 1024 })).digest('hex') : null;
    return [name, { type, mode: modeOf(m[2]), uid: Number(m[3]), gid: Number(m[4]), mtime: m[6], size, linkTarget, device, digest }];
  });
}

/**
 * The merged filesystem of a `docker save` style archive (manifest.json and its layer tars),
 * applying each layer's whiteouts the OCI way: `.wh.name` deletes a path and what is below it,
 * `.wh..wh..opq` empties its folder of what lower layers put there.
 */
export function mergedFilesystem(archive: string): Map<string, TarEntry> {
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', archive, 'manifest.json'], { encoding: 'utf8' })) as Array<{ Layers: string[] }>;
  const merged = new Map<string, TarEntry>();
  const removeBelow = (dir: string, self: boolean) => {
    for (const path of [...merged.keys()]) if ((self && path === dir) || path.startsWith(`${dir === '/' ? '' : dir}/`)) merged.delete(path);
  };
  for (const layer of manifest[0].Layers) {
    const entries = listLayer(execFileSync('tar', ['-xOf', archive, layer], { maxBuffer: 512 * 1024 * 1024 }));
    for (const [name] of entries) {
      const path = absolute(name);
      const base = path.slice(path.lastIndexOf('/') + 1);
      const dir = path.slice(0, path.lastIndexOf('/')) || '/';
      if (base === '.wh..wh..opq') removeBelow(dir, false);
      else if (base.startsWith('.wh.')) removeBelow(`${dir === '/' ? '' : dir}/${base.slice(4)}`, true);
    }
    for (const [name, entry] of entries) {
      const path = absolute(name);
      if (path === '/' || path.slice(path.lastIndexOf('/') + 1).startsWith('.wh.')) continue;
      merged.set(path, entry);
    }
  }
  // A hard link compares as the file it shares its bytes with.
  for (const [path, entry] of merged) {
    if (entry.type !== 'hardlink' || entry.linkTarget === null) continue;
    const target = merged.get(absolute(entry.linkTarget));
    if (target) merged.set(path, { ...entry, type: 'file', size: target.size, digest: target.digest, linkTarget: null });
  }
  return merged;
}

/** What changed from A to B, counted the way a person reads a comparison. */
export interface TarDiff {
  added: string[];
  removed: string[];
  modified: string[];
  type: string[];
  /** Attributes other than the mtime differ (the content is the same). */
  metadata: string[];
  mtimeOnly: string[];
  bytesA: number;
  bytesB: number;
  removedBytes: number;
  addedBytes: number;
}

export function diffFilesystems(a: Map<string, TarEntry>, b: Map<string, TarEntry>): TarDiff {
  const out: TarDiff = { added: [], removed: [], modified: [], type: [], metadata: [], mtimeOnly: [], bytesA: 0, bytesB: 0, removedBytes: 0, addedBytes: 0 };
  for (const e of a.values()) out.bytesA += e.size;
  for (const e of b.values()) out.bytesB += e.size;
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(path);
    const y = b.get(path);
    if (!x && y) {
      out.added.push(path);
      out.addedBytes += y.size;
    } else if (x && !y) {
      out.removed.push(path);
      out.removedBytes += x.size;
    } else if (x && y) {
      if (x.type !== y.type) out.type.push(path);
      else if (x.digest !== y.digest || x.linkTarget !== y.linkTarget || x.device !== y.device) out.modified.push(path);
      else if (x.mode !== y.mode || x.uid !== y.uid || x.gid !== y.gid) out.metadata.push(path);
      else if (x.mtime !== y.mtime) out.mtimeOnly.push(path);
    }
  }
  return out;
}
