/**
 * A host folder as draft ops: the recipe's `COPY . .`. Files go into the blob store (hashed while
 * copied), folders become mkdir, symlinks symlink; names are read as bytes so nothing is lost.
 * Entries are visited in byte order, so the same folder always gives the same draft.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import type { BlobStore, DraftOp } from '@peel/engine';
import { pathString } from '../fs-name.js';
import type { Progress } from '../progress.js';

export type OwnerPolicy = { kind: 'fixed'; uid: number; gid: number } | { kind: 'keep' };

export interface DirDraftOptions {
  store: BlobStore;
  owners: OwnerPolicy;
  warn: (message: string) => void;
  progress: Progress;
  signal: AbortSignal;
  /** A host path left out (the output archive when it is written inside DIR). */
  exclude?: string;
}

export interface DirDraft {
  ops: DraftOp[];
  files: number;
  bytes: number;
}

export async function draftFromDir(root: string, o: DirDraftOptions): Promise<DirDraft> {
  const out: DirDraft = { ops: [], files: 0, bytes: 0 };
  // Hard-linked names share one read (the draft has no hard-link op: each name becomes a file).
  const byInode = new Map<string, { blob: string; size: number }>();
  const owner = (st: { uid: number; gid: number }) => (o.owners.kind === 'keep' ? { uid: st.uid, gid: st.gid } : { uid: o.owners.uid, gid: o.owners.gid });

  const walk = async (dir: Buffer, rel: string): Promise<void> => {
    const names = (await readdir(dir, { encoding: 'buffer' })).sort(Buffer.compare);
    for (const name of names) {
      o.signal.throwIfAborted();
      const host = Buffer.concat([dir, Buffer.from('/'), name]);
      if (o.exclude !== undefined && host.equals(Buffer.from(o.exclude))) continue;
      const path = rel === '' ? pathString(name) : `${rel}/${pathString(name)}`;
      const st = await lstat(host);
      const mode = st.mode & 0o7777;
      if (st.isDirectory()) {
        out.ops.push({ op: 'mkdir', path, mode, ...owner(st) });
        await walk(host, path);
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        let stored = st.nlink > 1 ? byInode.get(key) : undefined;
        if (!stored) {
          stored = await storeFile(host, o);
          byInode.set(key, stored);
        }
        out.ops.push({ op: 'write', path, blob: stored.blob, size: stored.size, mode, ...owner(st) });
        out.files++;
        out.bytes += stored.size;
      } else if (st.isSymbolicLink()) {
        out.ops.push({ op: 'symlink', path, target: pathString(await readlink(host, { encoding: 'buffer' })) });
      } else {
        const kind = st.isFIFO() ? 'fifo' : st.isSocket() ? 'socket' : st.isCharacterDevice() ? 'character device' : 'block device';
        o.warn(`/${path}: ${kind} skipped (an image draft holds files, folders and symlinks only)`);
      }
    }
  };
  await walk(Buffer.from(root), '');
  return out;
}

async function storeFile(host: Buffer, o: DirDraftOptions): Promise<{ blob: string; size: number }> {
  const w = o.store.create();
  try {
    for await (const chunk of createReadStream(host)) {
      await w.write(chunk as Buffer);
      o.progress.add((chunk as Buffer).length);
    }
    const { digest, size } = await w.commit();
    return { blob: digest, size };
  } catch (e) {
    await w.abort();
    throw e;
  }
}
