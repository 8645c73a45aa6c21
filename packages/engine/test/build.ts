import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';

/** Test-side archive builder on tar-stream: an independent writer to check our reader against. */
export interface TarItem {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  data?: Buffer | string;
  linkname?: string;
  mode?: number;
  /** Seconds since the epoch (default 0). */
  mtime?: number;
  uid?: number;
}

export async function tar(items: TarItem[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  for (const it of items) {
    const data = it.data === undefined ? ((it.type ?? 'file') === 'file' ? Buffer.alloc(0) : undefined) : Buffer.from(it.data);
    await new Promise<void>((resolve, reject) => {
      const header = { name: it.name, type: it.type ?? 'file', linkname: it.linkname, mode: it.mode, uid: it.uid, mtime: new Date((it.mtime ?? 0) * 1000) } as const;
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (data) pack.entry(header, data, cb);
      else pack.entry(header, cb);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface ImageSpec {
  layers: TarItem[][];
  gzip?: boolean;
  history?: Array<{ created_by: string; empty_layer?: boolean }>;
  tag?: string;
}

/** A Docker legacy archive (manifest.json + config + <n>/layer.tar). */
export async function dockerArchive(spec: ImageSpec, mutate?: (files: Map<string, Buffer>) => void): Promise<Buffer> {
  const layerTars = await Promise.all(spec.layers.map((l) => tar(l)));
  const blobs = layerTars.map((t) => (spec.gzip ? gzipSync(t) : t));
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: { Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: layerTars.map(sha256) },
    history: spec.history ?? spec.layers.map((_, i) => ({ created_by: `step ${i}` })),
  }));
  const cfgName = `${sha256(config).slice(7)}.json`;
  const files = new Map<string, Buffer>();
  files.set(cfgName, config);
  blobs.forEach((b, i) => files.set(`layer${i}/layer.tar`, b));
  files.set('manifest.json', Buffer.from(JSON.stringify([{ Config: cfgName, RepoTags: [spec.tag ?? 'test/image:1'], Layers: blobs.map((_, i) => `layer${i}/layer.tar`) }])));
  mutate?.(files);
  return tar([...files].map(([name, data]) => ({ name, data })));
}

/** An OCI image layout archive (oci-layout + index.json + blobs), optionally with a nested index. */
export async function ociArchive(spec: ImageSpec, mutate?: (files: Map<string, Buffer>, refs: { manifest: string; config: string; layers: string[] }) => void): Promise<Buffer> {
  const layerTars = await Promise.all(spec.layers.map((l) => tar(l)));
  const blobs = layerTars.map((t) => (spec.gzip ? gzipSync(t) : t));
  const files = new Map<string, Buffer>();
  const put = (b: Buffer) => {
    const d = sha256(b);
    files.set(`blobs/sha256/${d.slice(7)}`, b);
    return d;
  };
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: layerTars.map(sha256) }, history: spec.layers.map((_, i) => ({ created_by: `step ${i}` })) }));
  const configDigest = put(config);
  const layerDigests = blobs.map(put);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers: blobs.map((b, i) => ({ mediaType: spec.gzip ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar', digest: layerDigests[i], size: b.length })),
  }));
  const manifestDigest = put(manifest);
  files.set('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
  files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': spec.tag ?? 'test/image:1' } }] })));
  mutate?.(files, { manifest: manifestDigest, config: configDigest, layers: layerDigests });
  return tar([...files].map(([name, data]) => ({ name, data })));
}

export const simpleLayers: TarItem[][] = [
  [{ name: 'etc/', type: 'directory' }, { name: 'etc/os-release', data: 'NAME="Test"\n' }, { name: 'bin/tool', data: 'x'.repeat(3000), mode: 0o755 }],
  [{ name: 'etc/os-release', data: 'NAME="Changed"\n' }, { name: 'bin/.wh.tool' }],
];
