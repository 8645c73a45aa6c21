/**
 * A second oracle for the image alone: `umoci raw unpack` applies the layers onto a directory
 * (no container, so no runtime entries), and GNU tar re-packs it for the same listing. When it
 * agrees with Docker's export less the runtime entries, the exclusions in docker-view.ts are
 * exactly Docker's additions and nothing of the image was dropped with them.
 */
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { run } from './exec.js';
import { listTar, tarFileDigests } from './gnu-tar.js';
import { listingFromTar, type FsListing } from './fs-listing.js';
import type { InteropImage } from './image-fixture.js';

export async function readUmociView(image: InteropImage): Promise<FsListing> {
  return umociListing(`docker-archive:${image.archives.legacy}`, image.workDir);
}

/**
 * The merged filesystem of any image skopeo can read (`source` is a skopeo reference, e.g.
 * `oci-archive:FILE`), per umoci. `skopeoArgs` picks a platform of an index
 * (`--override-arch arm64`). umoci 0.4.7 reads gzip layers only, so skopeo writes its copy
 * with gzip layers whatever the source holds (uncompressed, zstd).
 */
export async function umociListing(source: string, workDir: string, skopeoArgs: string[] = []): Promise<FsListing> {
  const dir = await mkdtemp(path.join(workDir, 'umoci-'));
  const layout = path.join(dir, 'layout');
  const rootfs = path.join(dir, 'rootfs');
  const tar = path.join(dir, 'rootfs.tar');
  await run('skopeo', ['--insecure-policy', ...skopeoArgs, 'copy', '-q', '--dest-compress-format', 'gzip', source, `oci:${layout}:latest`]);
  await run('umoci', ['raw', 'unpack', '--image', `${layout}:latest`, rootfs]);
  await run('tar', ['-C', rootfs, '--numeric-owner', '--sort=name', '-cf', tar, '.']);
  const [records, digests] = await Promise.all([listTar(tar), tarFileDigests(tar)]);
  return listingFromTar(records, digests);
}
