import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TarWriter } from '@peel/engine';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface FakeImage {
  manifest: Buffer;
  manifestDigest: string;
  config: Buffer;
  configDigest: string;
  layer: Buffer;
  layerDigest: string;
}

/** A one-layer OCI image: an uncompressed layer holding `/hello.txt` and `/data.bin` of `dataBytes`. */
export async function fakeImage(dataBytes: number): Promise<FakeImage> {
  const chunks: Buffer[] = [];
  const tar = new TarWriter({ write: async (c) => void chunks.push(Buffer.from(c)) });
  const meta = { mode: 0o644, uid: 0, gid: 0, mtime: 1_700_000_000 };
  await tar.add({ name: 'hello.txt', type: 'file', size: 6, ...meta }, Buffer.from('hello\n'));
  await tar.add({ name: 'data.bin', type: 'file', size: dataBytes, ...meta }, Buffer.alloc(dataBytes, 7));
  await tar.finish();
  const layer = Buffer.concat(chunks);
  const layerDigest = sha256(layer);
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z',
    config: { Cmd: ['/hello.txt'] }, rootfs: { type: 'layers', diff_ids: [layerDigest] },
    history: [{ created: '2024-01-01T00:00:00Z', created_by: 'COPY . / # fake' }],
  }));
  const configDigest = sha256(config);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length }],
  }));
  return { manifest, manifestDigest: sha256(manifest), config, configDigest, layer, layerDigest };
}

export interface FakeRegistry {
  host: string;
  /** Every request the registry saw: `METHOD path`. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A hand-made registry serving one image as `repo:tag` (plain HTTP): what a real registry
 * cannot be made to do — serve a layer whose bytes do not match its digest, or one that stops
 * in the middle and never ends — is decided per blob by `layerBody`.
 */
export async function startFakeRegistry(image: FakeImage, layerBody: (res: ServerResponse) => void): Promise<FakeRegistry> {
  const requests: string[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0];
    requests.push(`${req.method} ${path}`);
    const send = (type: string, body: Buffer, digest: string) => {
      res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'docker-content-digest': digest });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (path === '/v2/' || path === '/v2') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    const manifest = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(path);
    if (manifest && (manifest[2] === 'v1' || manifest[2] === image.manifestDigest)) return send('application/vnd.oci.image.manifest.v1+json', image.manifest, image.manifestDigest);
    const blob = /^\/v2\/(.+)\/blobs\/(.+)$/.exec(path);
    if (blob?.[2] === image.configDigest) return send('application/octet-stream', image.config, image.configDigest);
    if (blob?.[2] === image.layerDigest) return layerBody(res);
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
