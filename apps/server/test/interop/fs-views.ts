/**
 * The edited filesystem three ways, in the engine interop suite's comparable form (FsListing):
 * as Peel's draft view shows it, as Docker runs it (`docker export` of a created container,
 * listed by GNU tar), and as umoci unpacks it (walked with lstat, files hashed).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { encodePathParam, type FsEntry } from '@peel/api';
import type { FsListing, FsRecord } from '../../../../packages/engine/test/interop/fs-listing.js';
import { getJson } from '../helper.js';

/** What `docker create` adds, and Docker's view of a loaded image: see the engine suite's docker-view.ts. */
export { RUNTIME_PATHS as RUNTIME_ENTRIES, INIT_LAYER_DIRS, dockerExportListing as dockerListing } from '../../../../packages/engine/test/interop/docker-view.js';

/** Peel's listing of an image (or with `&draft=1`, of its draft), hard links folded into files. */
export async function peelListing(app: FastifyInstance, id: string, query = ''): Promise<FsListing> {
  const entries: FsEntry[] = [];
  const dirs = ['/'];
  while (dirs.length) {
    const dir = dirs.pop()!;
    for (const e of await getJson<FsEntry[]>(app, `/api/images/${id}/fs?path=${encodePathParam(dir)}${query}`)) {
      entries.push(e);
      if (e.type === 'dir') dirs.push(e.path);
    }
  }
  return listingOfEntries(entries);
}

/** A whole filesystem's entries as the API gives them → the comparable form, hard links folded into files. */
export function listingOfEntries(entries: FsEntry[]): FsListing {
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const listing: FsListing = new Map();
  for (const e of entries) {
    const isFile = e.type === 'file' || e.type === 'hardlink';
    const content = e.type === 'hardlink' ? byPath.get(`/${e.linkTarget}`) : e;
    const record: FsRecord = {
      path: e.path.slice(1),
      type: isFile ? 'file' : e.type,
      mode: e.mode,
      uid: e.uid,
      gid: e.gid,
      size: isFile ? (content?.size ?? null) : null,
      digest: isFile ? (e.digest ?? null) : null,
      link: e.type === 'symlink' ? e.linkTarget : null,
      device: e.type === 'char' || e.type === 'block' ? `${e.devMajor},${e.devMinor}` : null,
    };
    listing.set(record.path, record);
  }
  return listing;
}

/** umoci's view: the unpacked bundle's rootfs, walked without following links. */
export async function rootfsListing(rootfs: string): Promise<FsListing> {
  const listing: FsListing = new Map();
  const walk = async (rel: string): Promise<void> => {
    for (const name of await readdir(path.join(rootfs, rel))) {
      const p = rel ? `${rel}/${name}` : name;
      const abs = path.join(rootfs, p);
      const st = await lstat(abs);
      const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFIFO() ? 'fifo' : st.isCharacterDevice() ? 'char' : st.isBlockDevice() ? 'block' : 'other';
      listing.set(p, {
        path: p,
        type,
        mode: st.mode & 0o7777,
        uid: st.uid,
        gid: st.gid,
        size: type === 'file' ? st.size : null,
        digest: type === 'file' ? await fileDigest(abs) : null,
        link: type === 'symlink' ? await readlink(abs) : null,
        device: type === 'char' || type === 'block' ? `${Math.floor(st.rdev / 256)},${st.rdev % 256}` : null,
      });
      if (type === 'dir') await walk(p);
    }
  };
  await walk('');
  return listing;
}

async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** A copy of a listing without some paths (those Docker's runtime hides). */
export function without(listing: FsListing, paths: readonly string[]): FsListing {
  const out = new Map(listing);
  for (const p of paths) out.delete(p);
  return out;
}
