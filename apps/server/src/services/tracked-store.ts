import type { BlobStore } from '@peel/engine';

/**
 * A view of the store that remembers every blob committed through it, so whatever an export
 * wrote (finished or cut off half-way) can be handed back to the blob collector.
 */
export function trackCommits(store: BlobStore): { store: BlobStore; committed: Set<string> } {
  const committed = new Set<string>();
  const tracked: BlobStore = {
    has: (d) => store.has(d),
    size: (d) => store.size(d),
    open: (d, r) => store.open(d, r),
    delete: (d) => store.delete(d),
    files: store.files,
    indexes: store.indexes,
    create: () => {
      const w = store.create();
      return {
        get bytes() {
          return w.bytes;
        },
        write: (chunk) => w.write(chunk),
        ...(w.writeSettled ? { writeSettled: (chunk: Buffer) => w.writeSettled!(chunk) } : {}),
        ...(w.writeMany ? { writeMany: (chunks: Buffer[]) => w.writeMany!(chunks) } : {}),
        commit: async () => {
          const r = await w.commit();
          committed.add(r.digest);
          return r;
        },
        abort: () => w.abort(),
      };
    },
  };
  return { store: tracked, committed };
}
