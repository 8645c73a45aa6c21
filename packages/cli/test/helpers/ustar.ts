/**
 * A minimal ustar writer for hand-made hostile archives (names with `..`, absolute paths,
 * symlinks pointing out, entries below symlinks): real tar writers refuse or rewrite such names,
 * which is exactly what these tests must not depend on.
 */
import { createHash } from 'node:crypto';

export interface TarItem {
  name: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'fifo';
  body?: string | Buffer;
  link?: string;
  mode?: number;
  uid?: number;
  /** major,minor of a device. */
  dev?: [number, number];
  /** Seconds since 1970 (default 1,700,000,000). */
  mtime?: number;
}

const TYPE_FLAG = { file: '0', hardlink: '1', symlink: '2', char: '3', dir: '5', fifo: '6' } as const;

export function ustar(items: TarItem[]): Buffer {
  const blocks: Buffer[] = [];
  for (const it of items) {
    const type = it.type ?? 'file';
    const body = type === 'file' ? Buffer.from(it.body ?? '') : Buffer.alloc(0);
    blocks.push(header(it, type, body.length));
    if (body.length) blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

function header(it: TarItem, type: keyof typeof TYPE_FLAG, size: number): Buffer {
  const { name, link = '', uid = 0, dev = [0, 0], mtime = 1_700_000_000 } = it;
  const mode = it.mode ?? (type === 'dir' ? 0o755 : 0o644);
  if (Buffer.byteLength(name) > 100 || Buffer.byteLength(link) > 100) throw new Error(`name too long for this test writer: ${name}`);
  const h = Buffer.alloc(512);
  h.write(name, 0, 'utf8');
  h.write(octal(mode, 8), 100);
  h.write(octal(uid, 8), 108);
  h.write(octal(uid, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(mtime, 12), 136);
  h.write('        ', 148);
  h.write(TYPE_FLAG[type], 156);
  h.write(link, 157, 'utf8');
  h.write('ustar\u000000', 257, 'latin1');
  h.write(octal(dev[0], 8), 329);
  h.write(octal(dev[1], 8), 337);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/**
 * A `docker save`-shaped archive: manifest.json, config, one uncompressed layer per item list,
 * and `extra` outer entries (to put hostile names in the outer tar too); `configKeys` are added
 * to the config's top level.
 */
export function dockerArchive(layers: TarItem[][], extra: TarItem[] = [], configKeys: Record<string, unknown> = {}): Buffer {
  const tars = layers.map(ustar);
  const diffIds = tars.map(sha256);
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map((_, i) => ({ created_by: `hand-made layer ${i}` })),
    ...configKeys,
  }));
  const configName = `${sha256(config).slice(7)}.json`;
  const layerNames = diffIds.map((d) => `${d.slice(7)}/layer.tar`);
  const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: ['hostile/test:latest'], Layers: layerNames }]));
  return ustar([
    ...extra,
    { name: configName, body: config },
    ...layerNames.flatMap((n, i) => [{ name: n.split('/')[0], type: 'dir' as const }, { name: n, body: tars[i] }]),
    { name: 'manifest.json', body: manifest },
  ]);
}
