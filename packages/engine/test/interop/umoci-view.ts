/**
 * A second oracle for the image alone: `umoci raw unpack` applies the layers onto a directory
 * (no container, so no runtime entries), and GNU tar re-packs it for the same listing. When it
 * agrees with Docker's export less the runtime entries, the exclusions in docker-view.ts are
 * exactly Docker's additions and nothing of the image was dropped with them.
 */
import path from 'node:path';
import { run } from './exec.js';
import { listTar, tarFileDigests } from './gnu-tar.js';
import { listingFromTar, type FsListing } from './fs-listing.js';
import type { InteropImage } from './image-fixture.js';

export async function readUmociView(image: InteropImage): Promise<FsListing> {
  const layout = path.join(image.workDir, 'umoci-layout');
  const rootfs = path.join(image.workDir, 'umoci-rootfs');
  const tar = path.join(image.workDir, 'umoci-rootfs.tar');
  // umoci 0.4.7 reads gzip layers only, so it gets its own copy of the image (skopeo compresses).
  await run('skopeo', ['--insecure-policy', 'copy', '-q', `docker-archive:${image.archives.legacy}`, `oci:${layout}:latest`]);
  await run('umoci', ['raw', 'unpack', '--image', `${layout}:latest`, rootfs]);
  await run('tar', ['-C', rootfs, '--numeric-owner', '--sort=name', '-cf', tar, '.']);
  const [records, digests] = await Promise.all([listTar(tar), tarFileDigests(tar)]);
  return listingFromTar(records, digests);
}
