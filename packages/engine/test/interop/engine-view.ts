/**
 * Opens an archive with the engine and turns its merged view into the comparable listing of
 * fs-listing.ts. Hard links become plain files with the size and digest of the content entry
 * they resolve to, exactly as the oracle side folds Docker's `h` entries.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { FsBlobStore, mergeLayers, openImageArchive, type FsNode, type ImageArchive, type MergedFs, type OpenOptions } from '../../src/index.js';
import type { FsListing, FsRecord } from './fs-listing.js';

export interface EngineImage {
  store: FsBlobStore;
  archive: ImageArchive;
  merged: MergedFs;
}

/** Opens `file` into a fresh blob store under `workDir` and merges all its layers (of the platform `options` picks). */
export async function openWithEngine(file: string, workDir: string, options: OpenOptions = {}): Promise<EngineImage> {
  const store = await new FsBlobStore(await mkdtemp(path.join(workDir, 'store-'))).init();
  const archive = await openImageArchive(createReadStream(file), store, options);
  const layers = archive.image.layers.map((l) => {
    const scan = archive.layerScans.get(l.blob);
    if (!scan) throw new Error(`the engine has no scan for layer ${l.index} (${l.blob}) of ${file}`);
    return scan.entries;
  });
  return { store, archive, merged: mergeLayers(layers) };
}

export function engineListing(merged: MergedFs | Iterable<FsNode>): FsListing {
  const listing: FsListing = new Map();
  for (const node of 'nodes' in merged ? merged.nodes() : merged) listing.set(node.path, toRecord(node));
  return listing;
}

function toRecord(node: FsNode): FsRecord {
  const e = node.entry;
  const isFile = e.type === 'file' || e.type === 'hardlink';
  const content = node.content?.entry ?? null;
  const isDevice = e.type === 'char' || e.type === 'block';
  return {
    path: node.path,
    type: e.type === 'hardlink' ? 'file' : e.type,
    mode: e.mode,
    uid: e.uid,
    gid: e.gid,
    size: isFile ? (content?.size ?? null) : null,
    digest: isFile ? (content?.digest ?? null) : null,
    link: e.type === 'symlink' ? e.linkTarget : null,
    device: isDevice ? `${e.devMajor},${e.devMinor}` : null,
  };
}
