/**
 * The other loaders an export must satisfy: skopeo (inspect, copy to an OCI layout and to a
 * docker-archive) and umoci (unpack to a runtime bundle). Debian's packages, run with execFile.
 */
import path from 'node:path';
import { run, runText } from '../../../../packages/engine/test/interop/exec.js';

export interface SkopeoInspect {
  Digest: string;
  Layers: string[];
  Architecture: string;
  Os: string;
}

export async function skopeoInspect(ref: string): Promise<SkopeoInspect> {
  return JSON.parse(await runText('skopeo', ['inspect', ref])) as SkopeoInspect;
}

/** Copies the archive to `oci:` and `docker-archive:` and inspects both copies. */
export async function skopeoCopies(archive: string, work: string): Promise<{ oci: SkopeoInspect; dockerArchive: SkopeoInspect }> {
  const ociDir = path.join(work, 'skopeo-oci');
  const dockerTar = path.join(work, 'skopeo-docker.tar');
  await run('skopeo', ['--insecure-policy', 'copy', '-q', `oci-archive:${archive}`, `oci:${ociDir}:latest`]);
  await run('skopeo', ['--insecure-policy', 'copy', '-q', `oci-archive:${archive}`, `docker-archive:${dockerTar}:peel-interop/skopeo-copy:latest`]);
  return { oci: await skopeoInspect(`oci:${ociDir}:latest`), dockerArchive: await skopeoInspect(`docker-archive:${dockerTar}`) };
}

/** `umoci unpack` of the unpacked layout's `latest` ref; returns the bundle's rootfs. */
export async function umociUnpack(layoutDir: string, work: string): Promise<string> {
  const bundle = path.join(work, 'umoci-bundle');
  await run('umoci', ['unpack', '--image', `${layoutDir}:latest`, bundle]);
  return path.join(bundle, 'rootfs');
}
