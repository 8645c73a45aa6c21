import type { LayerFiles, PackageLimits } from '../../src/packages/types.js';

/** One layer's files as an in-memory map: the readers' input in unit tests. */
export function memoryLayer(entries: Record<string, Buffer | string>): LayerFiles & { reads: string[]; maxBytesAsked: number[] } {
  const files = new Map(Object.entries(entries).map(([path, data]) => [path, Buffer.isBuffer(data) ? data : Buffer.from(data)]));
  const reads: string[] = [];
  const maxBytesAsked: number[] = [];
  return {
    reads,
    maxBytesAsked,
    async read(path, maxBytes) {
      reads.push(path);
      maxBytesAsked.push(maxBytes);
      const data = files.get(path);
      if (data === undefined) return null;
      return data.length > maxBytes ? { tooBig: data.length } : data;
    },
    async list(dir) {
      const prefix = dir.endsWith('/') ? dir : `${dir}/`;
      const names = new Set<string>();
      for (const path of files.keys()) if (path.startsWith(prefix)) names.add(path.slice(prefix.length).split('/')[0]!);
      return [...names].sort();
    },
  };
}

export const LIMITS: PackageLimits = { maxDatabaseBytes: 64 << 20, maxLineBytes: 1 << 20, maxPackages: 100_000 };
