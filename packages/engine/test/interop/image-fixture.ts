/**
 * Builds the interop image once per run and derives everything the suite compares against:
 * the three archives the engine opens (docker save legacy, skopeo oci-archive gzip and zstd),
 * Docker's own views (export of a created container, history, inspect) and the layer tars of
 * the saved image as written by Docker (listed with GNU tar, never with the engine).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { dockerCli, run, type DockerCli } from './exec.js';
import { writeBuildContext } from './recipe.js';

export interface DockerHistoryStep {
  createdBy: string;
  /** Bytes, as `docker history --human=false` reports them. */
  size: number;
}

export interface DockerInspect {
  Id: string;
  RepoTags: string[];
  Config: { Env?: string[]; Cmd?: string[]; WorkingDir?: string; Labels?: Record<string, string> };
  RootFS: { Type: string; Layers: string[] };
}

export interface InteropImage {
  tag: string;
  docker: DockerCli;
  workDir: string;
  archives: { legacy: string; ociGzip: string; ociZstd: string };
  /** `docker export` of `docker create` of the image. */
  exportTar: string;
  /** The legacy archive's layer tars in manifest order (base first). */
  layerTars: string[];
  /** Oldest first, like the config's history. */
  history: DockerHistoryStep[];
  inspect: DockerInspect;
}

export async function buildInteropImage(dockerHost: string): Promise<InteropImage> {
  const docker = dockerCli(dockerHost);
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'peel-interop-'));
  const tag = `peel-interop:run-${process.pid}-${Date.now()}`;
  const context = path.join(workDir, 'context');
  await writeBuildContext(context);
  // --no-cache: nothing is reused from an earlier run; --force-rm: no leftover build containers.
  await docker.run(['build', '--no-cache', '--force-rm', '--network', 'none', '-q', '-t', tag, context]);

  const archives = {
    legacy: path.join(workDir, 'legacy.tar'),
    ociGzip: path.join(workDir, 'oci-gzip.tar'),
    ociZstd: path.join(workDir, 'oci-zstd.tar'),
  };
  const exportTar = path.join(workDir, 'export.tar');
  const [, , history, inspect] = await Promise.all([
    docker.run(['save', '-o', archives.legacy, tag]),
    exportContainer(docker, tag, exportTar),
    readHistory(docker, tag),
    docker.text(['image', 'inspect', tag]).then((out) => (JSON.parse(out) as DockerInspect[])[0]!),
  ]);
  const skopeo = (dest: string, extra: string[]) =>
    run('skopeo', ['--insecure-policy', 'copy', '-q', ...extra, `docker-archive:${archives.legacy}`, `oci-archive:${dest}:peel/interop:latest`]);
  const [, , layerTars] = await Promise.all([
    skopeo(archives.ociGzip, []),
    skopeo(archives.ociZstd, ['--dest-compress-format', 'zstd']),
    extractLayerTars(archives.legacy, path.join(workDir, 'save')),
  ]);
  return { tag, docker, workDir, archives, exportTar, layerTars, history, inspect };
}

/** Removes the image (and with it its intermediate build images) and the work directory. */
export async function removeInteropImage(image: InteropImage): Promise<void> {
  await image.docker.run(['image', 'rm', '--force', image.tag]).catch(() => undefined);
  await rm(image.workDir, { recursive: true, force: true });
}

async function exportContainer(docker: DockerCli, tag: string, file: string): Promise<void> {
  const id = (await docker.text(['create', '--network', 'none', tag])).trim();
  try {
    await docker.run(['export', '-o', file, id]);
  } finally {
    await docker.run(['rm', '--force', id]);
  }
}

async function readHistory(docker: DockerCli, tag: string): Promise<DockerHistoryStep[]> {
  const out = await docker.text(['history', '--no-trunc', '--human=false', '--format', '{{json .}}', tag]);
  const rows = out.trim().split('\n').map((line) => JSON.parse(line) as { CreatedBy: string; Size: string });
  return rows.reverse().map((r) => ({ createdBy: r.CreatedBy, size: Number(r.Size) }));
}

/** Unpacks the docker save archive with GNU tar and returns its layer tars in manifest order. */
async function extractLayerTars(archive: string, dir: string): Promise<string[]> {
  await run('mkdir', ['-p', dir]);
  await run('tar', ['-xf', archive, '-C', dir]);
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>;
  if (manifest.length !== 1) throw new Error(`expected one image in ${archive}, found ${manifest.length}`);
  return manifest[0]!.Layers.map((layer) => path.join(dir, layer));
}
