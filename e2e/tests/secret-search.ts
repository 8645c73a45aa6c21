import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';

/**
 * Which of `needles` appear anywhere in an archive, by a raw byte search that owes nothing to
 * Peel: GNU tar unpacks it, and every file in it (each blob; gzip ones inflated too) is searched.
 */
export async function bytesFoundIn(archive: string, needles: readonly string[]): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'peel-e2e-search-'));
  try {
    await promisify(execFile)('tar', ['-xf', archive, '-C', dir]);
    const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    if (files.length < 3) throw new Error(`${archive} unpacked to ${files.length} files: not an image archive`);
    const found = new Set<string>();
    for (const file of files) {
      const bytes = await readFile(join(file.parentPath, file.name));
      // A zstd blob searched compressed would find nothing and prove nothing.
      if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0xfd2fb528) throw new Error(`${file.name} is zstd: this search reads plain and gzip blobs only`);
      const views = bytes[0] === 0x1f && bytes[1] === 0x8b ? [bytes, gunzipSync(bytes)] : [bytes];
      for (const view of views) for (const needle of needles) if (view.includes(needle)) found.add(needle);
    }
    return [...found].sort();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
