/**
 * Whole image archives around hostile layers: a `docker save` archive and an OCI layout, each
 * with hooks to bend the config, the manifest or the outer tar itself.
 */
import { gzipSync } from 'node:zlib';
import { dir, file, sha256, tar, type Item } from './tar.js';

export type Json = Record<string, unknown>;

export interface ImageOptions {
  /** Compress every layer blob. */
  gzip?: boolean;
  /** Edit the config before it is serialised (diff_ids, history…). */
  config?: (config: Json) => void;
  /** Replace the config bytes entirely (the digest follows). */
  configBytes?: (json: Buffer) => Buffer;
  /** Edit the outer entries (add duplicates, links, drop files) before the tar is written. */
  outer?: (items: Item[]) => Item[];
}

export function baseConfig(layerTars: Buffer[]): Json {
  return {
    architecture: 'amd64',
    os: 'linux',
    created: '2024-01-01T00:00:00Z',
    config: { Env: ['PATH=/usr/bin:/bin'], Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: layerTars.map((t) => sha256(t)) },
    history: layerTars.map((_, i) => ({ created: '2024-01-01T00:00:00Z', created_by: `/bin/sh -c step ${i}` })),
  };
}

function configOf(layerTars: Buffer[], opts: ImageOptions): Buffer {
  const config = baseConfig(layerTars);
  opts.config?.(config);
  const bytes = Buffer.from(JSON.stringify(config));
  return opts.configBytes ? opts.configBytes(bytes) : bytes;
}

export interface DockerOptions extends ImageOptions {
  /** Edit manifest.json (a list of one item) before it is serialised. */
  manifest?: (manifest: Json[]) => unknown;
  /** Replace manifest.json's bytes. */
  manifestBytes?: Buffer;
}

/** A `docker save` archive: `<hex>.json`, `<n>/layer.tar`, manifest.json, repositories. */
export function dockerArchive(layerTars: Buffer[], opts: DockerOptions = {}): Buffer {
  const config = configOf(layerTars, opts);
  const configName = `${sha256(config).slice(7)}.json`;
  const layerNames = layerTars.map((_, i) => `layer${i}/layer.tar`);
  const manifest: Json[] = [{ Config: configName, RepoTags: ['hostile/test:1'], Layers: layerNames }];
  const edited = opts.manifest ? opts.manifest(manifest) ?? manifest : manifest;
  let items: Item[] = [
    file(configName, config),
    ...layerTars.flatMap((t, i) => [dir(`layer${i}/`), file(layerNames[i], opts.gzip ? gzipSync(t) : t)]),
    file('manifest.json', opts.manifestBytes ?? Buffer.from(JSON.stringify(edited))),
  ];
  if (opts.outer) items = opts.outer(items);
  return tar(items);
}

export interface OciOptions extends ImageOptions {
  /** Edit the image manifest before it is serialised. */
  manifest?: (manifest: Json) => void;
  /** Edit index.json before it is serialised. */
  index?: (index: Json, refs: { manifest: string; manifestSize: number }) => void;
}

/** An OCI image layout archive: oci-layout, index.json, blobs/sha256/<hex>. */
export function ociArchive(layerTars: Buffer[], opts: OciOptions = {}): Buffer {
  const blobs = new Map<string, Buffer>();
  const put = (b: Buffer): string => {
    const d = sha256(b);
    blobs.set(d, b);
    return d;
  };
  const config = configOf(layerTars, opts);
  const stored = layerTars.map((t) => (opts.gzip ? gzipSync(t) : t));
  const manifest: Json = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: put(config), size: config.length },
    layers: stored.map((b) => ({ mediaType: `application/vnd.oci.image.layer.v1.tar${opts.gzip ? '+gzip' : ''}`, digest: put(b), size: b.length })),
  };
  opts.manifest?.(manifest);
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const manifestDigest = put(manifestBytes);
  const index: Json = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifestBytes.length, annotations: { 'org.opencontainers.image.ref.name': 'hostile/test:1' } }],
  };
  opts.index?.(index, { manifest: manifestDigest, manifestSize: manifestBytes.length });
  let items: Item[] = [
    file('oci-layout', '{"imageLayoutVersion":"1.0.0"}'),
    file('index.json', JSON.stringify(index)),
    dir('blobs/'),
    dir('blobs/sha256/'),
    ...[...blobs].map(([d, b]) => file(`blobs/sha256/${d.slice(7)}`, b)),
  ];
  if (opts.outer) items = opts.outer(items);
  return tar(items);
}
