/**
 * The expected value of an export, computed without Peel: the SOURCE image's filesystem as an
 * oracle lists it (`docker export` of the loaded source, or umoci's unpack), with the test's
 * edits applied to that listing here, by rules a reader can check against the API's contract:
 * - write: the file gets the bytes and the mode/owner the request names (always given);
 * - delete: the path and everything under it go;
 * - mkdir: a folder with the mode/owner given; symlink: a link owned by root, mode 0777;
 * - rename: the path and everything under it move, attributes unchanged;
 * - chmod/chown: the attributes change, nothing else.
 * An edit whose precondition the listing does not meet (a path missing, a target taken) throws:
 * the test then exercises less than it says, which is a failure too.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { DockerCli } from './exec.js';
import type { FsListing, FsRecord } from './fs-listing.js';

export type Edit =
  | { op: 'write'; path: string; content: Buffer; mode: number; uid: number; gid: number }
  | { op: 'delete'; path: string }
  | { op: 'mkdir'; path: string; mode: number; uid: number; gid: number }
  | { op: 'symlink'; path: string; target: string }
  | { op: 'rename'; from: string; to: string }
  | { op: 'chmod'; path: string; mode: number }
  | { op: 'chown'; path: string; uid: number; gid: number };

const rel = (p: string) => p.replace(/^\/+/, '');
const parentOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const under = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);

/** Applies `edits` in order to a copy of `source`. */
export function applyEdits(source: FsListing, edits: readonly Edit[]): FsListing {
  const fs: FsListing = new Map(source);
  const need = (p: string, why: string): FsRecord => {
    const r = fs.get(p);
    if (!r) throw new Error(`${why}: ${p} is not in the source listing (as edited so far)`);
    return r;
  };
  const free = (p: string, why: string) => {
    if (fs.has(p)) throw new Error(`${why}: ${p} already exists`);
    const parent = parentOf(p);
    if (parent && need(parent, why).type !== 'dir') throw new Error(`${why}: the parent of ${p} is not a folder`);
  };
  for (const e of edits) {
    switch (e.op) {
      case 'write': {
        const p = rel(e.path);
        const old = fs.get(p);
        if (old && old.type !== 'file') throw new Error(`write: ${p} is a ${old.type}`);
        if (!old) free(p, 'write');
        const digest = `sha256:${createHash('sha256').update(e.content).digest('hex')}`;
        fs.set(p, record(p, { type: 'file', mode: e.mode, uid: e.uid, gid: e.gid, size: e.content.length, digest }));
        break;
      }
      case 'delete': {
        const p = rel(e.path);
        need(p, 'delete');
        for (const k of [...fs.keys()]) if (under(k, p)) fs.delete(k);
        break;
      }
      case 'mkdir':
        free(rel(e.path), 'mkdir');
        fs.set(rel(e.path), record(rel(e.path), { type: 'dir', mode: e.mode, uid: e.uid, gid: e.gid }));
        break;
      case 'symlink':
        free(rel(e.path), 'symlink');
        fs.set(rel(e.path), record(rel(e.path), { type: 'symlink', mode: 0o777, uid: 0, gid: 0, link: e.target }));
        break;
      case 'rename': {
        const from = rel(e.from);
        const to = rel(e.to);
        need(from, 'rename');
        free(to, 'rename');
        for (const [k, r] of [...fs]) {
          if (!under(k, from)) continue;
          fs.delete(k);
          const moved = to + k.slice(from.length);
          fs.set(moved, { ...r, path: moved });
        }
        break;
      }
      case 'chmod': {
        const p = rel(e.path);
        fs.set(p, { ...need(p, 'chmod'), mode: e.mode });
        break;
      }
      case 'chown': {
        const p = rel(e.path);
        fs.set(p, { ...need(p, 'chown'), uid: e.uid, gid: e.gid });
        break;
      }
    }
  }
  return fs;
}

function record(path: string, r: Pick<FsRecord, 'type' | 'mode' | 'uid' | 'gid'> & Partial<FsRecord>): FsRecord {
  return { path, size: null, digest: null, link: null, device: null, ...r };
}

/**
 * `docker load` of an archive, re-tagged `tag` at once (a fixture's own name may be loaded and
 * removed by other suites sharing the daemon).
 */
export async function dockerLoadAs(docker: DockerCli, file: string, tag: string): Promise<void> {
  const out = await docker.text(['load', '-i', file]);
  const ref = /Loaded image(?: ID)?: (\S+)/.exec(out)?.[1];
  expect(ref, out).toBeTruthy();
  if (ref !== tag) await docker.run(['tag', ref!, tag]);
}
