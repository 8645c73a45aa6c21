/**
 * One export in a process of its own, for the reproducibility test: opens a fixture into a fresh
 * store, applies a fixed draft (a file replaced, one added in a new folder, one deleted, a
 * symlink, Cmd changed) and writes the archive to a file.
 * argv: FIXTURE MODE OUT [CREATED_SECONDS]
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { exportImage, FsBlobStore, openImageArchive, type Draft, type ExportMode } from '../../src/index.js';

const [fixture, mode, out, seconds] = process.argv.slice(2);
const dir = await mkdtemp(path.join(tmpdir(), 'peel-export-process-'));
try {
  const store = await new FsBlobStore(dir).init();
  const archive = await openImageArchive(createReadStream(fixture), store);
  const put = async (text: string) => {
    const w = store.create();
    await w.write(Buffer.from(text));
    const { digest, size } = await w.commit();
    return { blob: digest, size };
  };
  const draft: Draft = {
    ops: [
      { op: 'write', path: 'etc/os-release', ...(await put('NAME="ALPYNE Linux"\nID=alpyne\n')) },
      { op: 'write', path: 'opt/new/app.conf', ...(await put('key=value\n')) },
      { op: 'symlink', path: 'opt/new/link', target: 'app.conf' },
      { op: 'delete', path: 'etc/shells' },
    ],
    config: { Cmd: ['cat', '/etc/os-release'] },
    tag: null,
  };
  const source = { image: archive.image, layers: archive.image.layers.map((l) => archive.layerScans.get(l.blob)!.entries) };
  const result = await exportImage(source, draft, {
    mode: mode as ExportMode, store, tag: 'peel-test/repro:1', ...(seconds ? { created: new Date(Number(seconds) * 1000) } : {}),
  });
  const file = createWriteStream(out);
  await result.write({ write: (c) => (file.write(c) ? Promise.resolve() : once(file, 'drain').then(() => undefined)) });
  file.end();
  await once(file, 'close');
} finally {
  await rm(dir, { recursive: true, force: true });
}
