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

/** Files copied into the store at once: small files are bound by syscall latency, not bandwidth. */
const PARALLEL_FILES = 16;

export async function draftFromDir(root: string, o: DirDraftOptions): Promise<DirDraft> {
  const out: DirDraft = { ops: [], files: 0, bytes: 0 };
  // Hard-linked names share one read (the draft has no hard-link op: each name becomes a file).
  const byInode = new Map<string, Promise<{ blob: string; size: number }>>();
  const limit = limiter(PARALLEL_FILES);
  // Ops keep walk order (so the draft is the same every time) while their files are stored.
  const pending: Array<Promise<void>> = [];
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
          stored = limit(() => storeFile(host, o));
          byInode.set(key, stored);
        }
        const at = out.ops.push({ op: 'write', path, blob: '', size: 0, mode, ...owner(st) }) - 1;
        pending.push(stored.then((s) => {
          out.ops[at] = { op: 'write', path, blob: s.blob, size: s.size, mode, ...owner(st) };
          out.files++;
          out.bytes += s.size;
        }));
        // Bounded memory and fail-fast: do not run far ahead of the stores.
        if (pending.length >= 4 * PARALLEL_FILES) await Promise.all(pending.splice(0));
      } else if (st.isSymbolicLink()) {
        out.ops.push({ op: 'symlink', path, target: pathString(await readlink(host, { encoding: 'buffer' })) });
      } else {
        const kind = st.isFIFO() ? 'fifo' : st.isSocket() ? 'socket' : st.isCharacterDevice() ? 'character device' : 'block device';
        o.warn(`/${path}: ${kind} skipped (an image draft holds files, folders and symlinks only)`);
      }
    }
  };
  // Every store started is settled, also when the walk fails, before the caller cleans up.
  const walked = await walk(Buffer.from(root), '').then(() => null, (e: unknown) => ({ error: e }));
  const failed = (await Promise.allSettled(pending)).find((r) => r.status === 'rejected');
  if (walked) throw walked.error;
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return out;
}

/** Runs at most `n` tasks at a time. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  const next = () => {
    if (active >= n || queue.length === 0) return;
    active++;
    queue.shift()!();
  };
  return <T>(task: () => Promise<T>) => new Promise<T>((resolve, reject) => {
    queue.push(() => task().then(resolve, reject).finally(() => { active--; next(); }));
    next();
  });
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
