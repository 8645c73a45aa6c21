/**
 * The comparable form of a merged filesystem: one record per path with what both Docker and
 * the engine can state about it. Hard links are folded into plain files (content digest and
 * size of the inode they share), because which name of a pair a tar writer emits as the link
 * depends on walk order, not on the image.
 */
import type { TarRecord } from './gnu-tar.js';

export type FsType = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo';

export interface FsRecord {
  path: string;
  /** An FsType, or whatever else a side reported (e.g. a whiteout that leaked into a merged view). */
  type: FsType | string;
  /** Permission bits with setuid/setgid/sticky. */
  mode: number;
  uid: number;
  gid: number;
  /** Content size, files only. */
  size: number | null;
  /** `sha256:<hex>` of the content, files only. */
  digest: string | null;
  /** Symlink target verbatim. */
  link: string | null;
  /** `major,minor`, devices only. */
  device: string | null;
}

export type FsListing = Map<string, FsRecord>;

const TAR_TYPES: Record<string, FsType> = { '-': 'file', d: 'dir', l: 'symlink', c: 'char', b: 'block', p: 'fifo' };

/** Builds a listing from GNU tar records and content digests; the root entry (if any) is dropped. */
export function listingFromTar(records: TarRecord[], digests: Map<string, string>): FsListing {
  const byPath = new Map(records.map((r) => [r.path, r]));
  const listing: FsListing = new Map();
  for (const r of records) {
    if (r.path === '') continue; // the root: not an entry in the engine's model
    if (listing.has(r.path)) throw new Error(`tar lists ${r.path} twice`);
    let content = r;
    if (r.type === 'h') {
      const target = byPath.get(r.link ?? '');
      if (!target || target.type !== '-') throw new Error(`hard link ${r.path} points at ${r.link}, which is not a file in the tar`);
      content = target;
    }
    const type = r.type === 'h' ? 'file' : (TAR_TYPES[r.type] ?? `tar type ${r.type}`);
    const isFile = type === 'file';
    const digest = isFile ? digests.get(content.path) : undefined;
    if (isFile && digest === undefined) throw new Error(`no content digest for ${content.path}`);
    listing.set(r.path, {
      path: r.path,
      type,
      mode: r.mode,
      uid: r.uid,
      gid: r.gid,
      size: isFile ? content.size : null,
      digest: digest ?? null,
      link: type === 'symlink' ? r.link : null,
      device: r.device,
    });
  }
  return listing;
}

/** One line a person can read in a failure message. */
export function describeRecord(r: FsRecord): string {
  const parts = [r.type, r.mode.toString(8).padStart(4, '0'), `${r.uid}/${r.gid}`];
  if (r.size !== null) parts.push(`size ${r.size}`);
  if (r.digest !== null) parts.push(r.digest.slice(0, 19));
  if (r.link !== null) parts.push(`-> ${r.link}`);
  if (r.device !== null) parts.push(`dev ${r.device}`);
  return parts.join(' ');
}
