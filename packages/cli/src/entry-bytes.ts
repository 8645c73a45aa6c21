import { Readable } from 'node:stream';
import { openEntryContent, type BlobStore, type LayerEntry } from '@peel/engine';

/**
 * A file entry's bytes from its layer tar. Empty files are not read at all: FsBlobStore.open
 * throws on an empty range under Node 20 (createReadStream rejects `end: -1`).
 */
export function entryBytes(store: BlobStore, tarBlob: string, entry: LayerEntry): Readable {
  return entry.size === 0 ? Readable.from([]) : openEntryContent(store, tarBlob, entry);
}
