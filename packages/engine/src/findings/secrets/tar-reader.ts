import { openEntryContent } from '../../fs/content.js';
import type { BlobFiles, BlobReader, BlobStore } from '../../store/blob-store.js';
import type { LayerEntry } from '../../types.js';

export const READ_CHUNK = 64 * 1024;

/**
 * Reads the first bytes of many small files out of the layer tars. With a store on disk, each
 * tar is opened once and read by position (thousands of files would otherwise cost thousands of
 * open/close pairs); any other store goes through its ranged `open`.
 */
export class TarReader {
  private readonly handles = new Map<string, Promise<BlobReader>>();

  constructor(private readonly store: BlobStore) {}

  /**
   * The first `length` bytes of a file. With a store on disk the chunks are views of `scratch`
   * (reused, so a 200 MB scan allocates nothing per chunk): use each before asking for the next.
   */
  async *read(tarBlob: string, entry: LayerEntry, length: number, scratch: Buffer): AsyncGenerator<Buffer> {
    const end = Math.min(length, entry.size);
    const files = this.store.files;
    if (!files) {
      yield* openEntryContent(this.store, tarBlob, entry, { start: 0, end }) as AsyncIterable<Buffer>;
      return;
    }
    const handle = await this.handle(files, tarBlob);
    for (let at = 0; at < end; ) {
      const want = Math.min(scratch.length, end - at);
      const { bytesRead } = await handle.read(scratch, 0, want, entry.dataOffset + at);
      if (bytesRead === 0) throw new Error(`layer tar ${tarBlob} ends before ${entry.path} does (offset ${entry.dataOffset + at})`);
      at += bytesRead;
      yield scratch.subarray(0, bytesRead);
    }
  }

  /** Bytes [start, start + length) of a tar in one buffer: several small neighbouring files at once. */
  async readSpan(tarBlob: string, start: number, length: number): Promise<Buffer> {
    const files = this.store.files;
    if (!files) {
      const parts: Buffer[] = [];
      for await (const chunk of this.store.open(tarBlob, { start, end: start + length })) parts.push(chunk as Buffer);
      return Buffer.concat(parts);
    }
    const handle = await this.handle(files, tarBlob);
    const buf = Buffer.allocUnsafe(length);
    for (let at = 0; at < length; ) {
      const { bytesRead } = await handle.read(buf, at, length - at, start + at);
      if (bytesRead === 0) throw new Error(`layer tar ${tarBlob} ends at ${start + at}, before ${start + length}`);
      at += bytesRead;
    }
    return buf;
  }

  async close(): Promise<void> {
    const all = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(all.map(async (h) => (await h).close()));
  }

  private handle(files: BlobFiles, tarBlob: string): Promise<BlobReader> {
    let h = this.handles.get(tarBlob);
    if (!h) this.handles.set(tarBlob, (h = files.openReader(tarBlob)));
    return h;
  }
}
