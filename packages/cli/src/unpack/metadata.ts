/**
 * DIR/metadata: every entry of the outer archive that is not a layer (manifest.json, index.json,
 * oci-layout, repositories, configs, manifests, VERSION and legacy json files, attestations…),
 * at its archive path, with its bytes from the store.
 */
import { join } from 'node:path';
import type { OpenedImage } from '../image-source.js';
import type { UnpackOptions } from './options.js';
import { SafeTree } from './safe-tree.js';

export async function unpackMetadata(img: OpenedImage, dir: string, o: UnpackOptions): Promise<{ files: number }> {
  const tree = await SafeTree.create(join(dir, 'metadata'), { ...o.tree, owners: false });
  const plain = { mode: 0o644, uid: 0, gid: 0, mtime: Date.now() / 1000 };
  let files = 0;
  for (const e of img.archive.entries) {
    if (e.path === '') continue;
    if (e.role === 'layer') continue;
    if (e.type === 'dir') await tree.dir(e.path, { ...plain, mode: 0o755 });
    else if (e.type === 'symlink') await tree.symlink(e.path, e.linkTarget ?? '', plain);
    else if (e.digest && (e.type === 'file' || e.type === 'hardlink')) {
      await tree.file(e.path, plain, img.store.open(e.digest));
      files++;
    } else o.tree.warn(`archive entry ${e.path} (${e.type}) skipped`);
  }
  await tree.finish();
  return { files };
}
