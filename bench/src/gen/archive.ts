import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { TarWriter } from '@peel/engine';
import { fileSink } from './file-sink.js';
import type { ImagePlan } from './plan.js';
import type { WrittenLayer } from './layer-writer.js';

export interface BuiltLayer extends WrittenLayer {
  /** Where the layer blob lies while the archives are assembled. */
  file: string;
  gzip: boolean;
  createdBy: string;
}

const CREATED = '2024-01-01T00:00:00Z';
const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
const hex = (digest: string): string => digest.slice('sha256:'.length);
const entry = (name: string, size: number, type: 'file' | 'dir' = 'file') => ({ name, type, size, mode: type === 'dir' ? 0o755 : 0o644, uid: 0, gid: 0, mtime: 1_704_067_200 });

/** The image config: true diff_ids, one history step per layer. */
export function imageConfig(plan: ImagePlan, layers: BuiltLayer[]): Buffer {
  return json({
    architecture: 'amd64',
    os: 'linux',
    created: CREATED,
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/bin/sh'], WorkingDir: '/' },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: layers.map((l) => ({ created: CREATED, created_by: l.createdBy })),
    'peel.bench': plan.name,
  });
}

/** The layout `docker save` wrote before Docker 25: <id>/layer.tar, <config>.json, manifest.json, repositories. */
export async function writeLegacyArchive(out: string, plan: ImagePlan, layers: BuiltLayer[]): Promise<void> {
  const config = imageConfig(plan, layers);
  const configName = `${sha(config)}.json`;
  const ids: string[] = [];
  let parent = '';
  for (const l of layers) {
    const id = sha(`${parent}\n${l.diffId}`);
    ids.push(id);
    parent = id;
  }
  const sink = fileSink(out);
  const tar = new TarWriter(sink);
  for (const [i, l] of layers.entries()) {
    const id = ids[i];
    const meta = json({ id, ...(i > 0 ? { parent: ids[i - 1] } : {}), created: CREATED, container_config: { Cmd: [l.createdBy] }, os: 'linux' });
    await tar.add(entry(`${id}/`, 0, 'dir'));
    await tar.add(entry(`${id}/VERSION`, 3), Buffer.from('1.0'));
    await tar.add(entry(`${id}/json`, meta.length), meta);
    await tar.add(entry(`${id}/layer.tar`, l.size), createReadStream(l.file, { highWaterMark: 1 << 20 }));
  }
  await tar.add(entry(configName, config.length), config);
  const [repo, tag] = plan.tag.split(':');
  const manifest = json([{ Config: configName, RepoTags: [plan.tag], Layers: ids.map((id) => `${id}/layer.tar`) }]);
  await tar.add(entry('manifest.json', manifest.length), manifest);
  const repositories = json({ [repo]: { [tag]: ids[ids.length - 1] } });
  await tar.add(entry('repositories', repositories.length), repositories);
  await tar.finish();
  await sink.close();
}

/** An OCI image layout archive (what `skopeo copy … oci-archive:` writes): oci-layout, index.json, blobs/sha256/…. */
export async function writeOciArchive(out: string, plan: ImagePlan, layers: BuiltLayer[]): Promise<void> {
  const config = imageConfig(plan, layers);
  const manifest = json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha(config)}`, size: config.length },
    layers: layers.map((l) => ({ mediaType: `application/vnd.oci.image.layer.v1.tar${l.gzip ? '+gzip' : ''}`, digest: l.digest, size: l.size })),
  });
  const [repo, tag] = plan.tag.split(':');
  const index = json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: `sha256:${sha(manifest)}`,
      size: manifest.length,
      platform: { architecture: 'amd64', os: 'linux' },
      annotations: { 'io.containerd.image.name': `docker.io/${repo}:${tag}`, 'org.opencontainers.image.ref.name': tag },
    }],
  });
  const layout = json({ imageLayoutVersion: '1.0.0' });
  const sink = fileSink(out);
  const tar = new TarWriter(sink);
  await tar.add(entry('oci-layout', layout.length), layout);
  await tar.add(entry('index.json', index.length), index);
  await tar.add(entry('blobs/', 0, 'dir'));
  await tar.add(entry('blobs/sha256/', 0, 'dir'));
  await tar.add(entry(`blobs/sha256/${sha(config)}`, config.length), config);
  await tar.add(entry(`blobs/sha256/${sha(manifest)}`, manifest.length), manifest);
  const seen = new Set<string>();
  for (const l of layers) {
    if (seen.has(l.digest)) continue;
    seen.add(l.digest);
    await tar.add(entry(`blobs/sha256/${hex(l.digest)}`, l.size), createReadStream(l.file, { highWaterMark: 1 << 20 }));
  }
  await tar.finish();
  await sink.close();
}
