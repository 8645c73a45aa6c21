import type { LayerFiles } from '../../src/index.js';

/** LayerFiles over an in-memory map of absolute paths; records every read for the bound checks. */
export function memoryFiles(files: Record<string, string | Buffer>): LayerFiles & { reads: Array<{ path: string; maxBytes: number }> } {
  const reads: Array<{ path: string; maxBytes: number }> = [];
  return {
    reads,
    async read(path, maxBytes) {
      reads.push({ path, maxBytes });
      const f = files[path];
      if (f === undefined) return null;
      const b = Buffer.from(f);
      return b.length > maxBytes ? { tooBig: b.length } : b;
    },
    async list(dir) {
      const prefix = `${dir.replace(/\/$/, '')}/`;
      return [...new Set(Object.keys(files).filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length).split('/')[0]))].sort();
    },
  };
}
