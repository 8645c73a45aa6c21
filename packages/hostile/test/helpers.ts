import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FsBlobStore } from '@peel/engine';

export const FIXTURES = resolve(import.meta.dirname, '../../../fixtures');
export const fixture = (name: string): string => join(FIXTURES, name.endsWith('.tar') ? name : `${name}.tar`);

export const tempDir = (prefix = 'peel-hostile-'): Promise<string> => mkdtemp(join(tmpdir(), prefix));
export const removeDir = (dir: string): Promise<void> => rm(dir, { recursive: true, force: true });

/** A fresh blob store and what is in it (blobs, temp files). */
export async function tempStore(): Promise<{ store: FsBlobStore; dir: string; contents: () => Promise<{ blobs: string[]; tmp: string[] }>; dispose: () => Promise<void> }> {
  const dir = await tempDir('peel-hostile-store-');
  const store = await new FsBlobStore(dir).init();
  const contents = async () => ({ blobs: (await readdir(join(dir, 'sha256'))).sort(), tmp: await readdir(join(dir, 'tmp')) });
  return { store, dir, contents, dispose: () => removeDir(dir) };
}

/** Files whose names carry the escape marker anywhere under the usual places an escape would land. */
export async function escapedMarkers(marker: string, dirs: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const d of dirs) {
    const names = await readdir(d).catch(() => [] as string[]);
    for (const n of names) if (n.includes(marker)) found.push(join(d, n));
  }
  return found;
}
