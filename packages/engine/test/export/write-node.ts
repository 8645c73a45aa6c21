import type { Readable } from 'node:stream';
import type { BlobStore } from '../../src/store/blob-store.js';
import type { DraftNode } from '../../src/draft/types.js';
import type { TarWriter } from '../../src/tar/writer.js';
import { openEntryContent } from '../../src/fs/content.js';
import { headerOf, type ExportSource } from '../../src/export/source.js';

/** The bytes of a draft node: from an image layer by offset, or from a draft blob. */
function openNodeBytes(store: BlobStore, source: ExportSource, node: DraftNode): Readable {
  if (node.source.kind === 'image') return openEntryContent(store, source.image.layers[node.source.layer].tarBlob, node.source.entry);
  if (node.source.kind === 'blob') return store.open(node.source.blob);
  throw new Error(`${node.path} has no content`);
}

/**
 * The reference the planned writers are checked against: one node at a time through TarWriter.
 * Writes one node of the edited filesystem into a layer. Files stream their bytes from the
 * image (by offset) or the draft's blob; a hard link is written as a link only when its
 * content was already written in this same layer (`linked`), else as a full copy — never a
 * link to another layer.
 */
export async function writeNode(tar: TarWriter, store: BlobStore, source: ExportSource, node: DraftNode, linked: Map<string, string> | null, mtime?: number): Promise<void> {
  const h = headerOf(node, node.path, mtime);
  if (h.type !== 'file') {
    await tar.add(h);
    return;
  }
  const key = contentKey(node);
  const first = key && linked ? linked.get(key) : undefined;
  if (first !== undefined) {
    await tar.add({ ...h, type: 'hardlink', size: 0, linkName: first });
    return;
  }
  if (key && linked) linked.set(key, node.path);
  if (h.size === 0) {
    await tar.add(h, Buffer.alloc(0));
    return;
  }
  await tar.add(h, openNodeBytes(store, source, node));
}

/** Identity of a file's bytes in the image (a hard-link group shares it). */
function contentKey(node: DraftNode): string | null {
  if (node.source.kind !== 'image') return null;
  return `${node.source.layer}:${node.source.entry.headerOffset}`;
}
