import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An image archive as GNU tar reads it, with no Peel code in the way: the archive unpacked, every
 * blob checked against its name, and each layer (gzip or plain, as GNU tar detects it) unpacked
 * into a folder of its own. An oracle for what Peel stored or exported.
 */
export interface TarImage {
  /** The layers' folders, lowest first, in manifest.json's order. */
  layers: string[];
  config: { config?: Record<string, unknown>; rootfs: { diff_ids: string[] } };
}

export function unpackImage(archive: Buffer | string, dir: string): TarImage {
  mkdirSync(dir, { recursive: true });
  const file = typeof archive === 'string' ? archive : join(dir, 'archive.tar');
  if (typeof archive !== 'string') writeFileSync(file, archive);
  const outer = join(dir, 'outer');
  mkdirSync(outer);
  execFileSync('tar', ['-xf', file, '-C', outer]);
  const blobDir = join(outer, 'blobs', 'sha256');
  for (const name of safeReaddir(blobDir)) {
    const digest = createHash('sha256').update(readFileSync(join(blobDir, name))).digest('hex');
    if (digest !== name) throw new Error(`blob ${name} holds bytes of sha256:${digest}`);
  }
  const manifest = JSON.parse(readFileSync(join(outer, 'manifest.json'), 'utf8')) as Array<{ Config: string; Layers: string[] }>;
  if (manifest.length !== 1) throw new Error(`manifest.json describes ${manifest.length} images`);
  const layers = manifest[0].Layers.map((layer, i) => {
    const into = join(dir, `layer-${i}`);
    mkdirSync(into);
    execFileSync('tar', ['-xf', join(outer, layer), '-C', into, '--no-same-owner', '--no-same-permissions']);
    return into;
  });
  return { layers, config: JSON.parse(readFileSync(join(outer, manifest[0].Config), 'utf8')) };
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Every regular file under a layer folder, by path from the root ("etc/os-release"), with its sha256. */
export function fileDigests(layerDir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(layerDir, rel))) {
      const path = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(layerDir, path));
      if (st.isDirectory()) walk(path);
      else if (st.isFile()) out.set(path, createHash('sha256').update(readFileSync(join(layerDir, path))).digest('hex'));
    }
  };
  walk('');
  return out;
}

/** Every entry under a layer folder: path → "type mode size digest-or-target" (no times, no owners). */
export function layerListing(layerDir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(layerDir, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const full = join(layerDir, path);
      const st = lstatSync(full);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        out.set(path, `dir ${mode}`);
        walk(path);
      } else if (st.isSymbolicLink()) out.set(path, `symlink ${readlinkSync(full)}`);
      else out.set(path, `file ${mode} ${st.size} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
    }
  };
  walk('');
  return out;
}

/**
 * The bytes a path holds in the image: the topmost layer that has it as a regular file. Only
 * right for paths known to exist in the merged filesystem (an oracle listing says which), where
 * no later layer deleted them.
 */
export function topmostFile(image: TarImage, path: string): Buffer | null {
  for (let i = image.layers.length - 1; i >= 0; i--) {
    try {
      const full = join(image.layers[i], path);
      if (lstatSync(full).isFile()) return readFileSync(full);
    } catch {
      // not in this layer
    }
  }
  return null;
}
