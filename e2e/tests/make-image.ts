import { createHash, randomBytes } from 'node:crypto';

/** One entry of a generated layer: a directory or an empty regular file. */
export interface TarEntry {
  path: string;
  type: 'file' | 'dir';
  content?: Buffer;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** A ustar header (names up to 100 bytes are all these tests need). */
function header(name: string, type: 'file' | 'dir' | 'plain', size: number): Buffer {
  const block = Buffer.alloc(512);
  if (Buffer.byteLength(name) > 100) throw new Error(`tar name too long for this test writer: ${name}`);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(type === 'dir' ? 0o755 : 0o644, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(1_704_067_200, 12), 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write(type === 'dir' ? '5' : '0', 156, 'ascii');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

/** A tar archive of the given entries (contents padded to 512-byte blocks, two zero blocks at the end). */
export function tar(entries: Array<TarEntry | { path: string; type: 'plain'; content: Buffer }>): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const content = entry.content ?? Buffer.alloc(0);
    parts.push(header(entry.type === 'dir' ? `${entry.path}/` : entry.path, entry.type, entry.type === 'dir' ? 0 : content.length));
    if (content.length) {
      parts.push(content, Buffer.alloc((512 - (content.length % 512)) % 512));
    }
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/**
 * A `docker save`-shaped archive of one layer holding `entries`, named `tag`, with a config
 * whose history says `createdBy`.
 */
export function singleLayerImage(entries: TarEntry[], tag: string, createdBy: string): Buffer {
  return layeredImage([entries], tag, createdBy);
}

/** A `docker save`-shaped archive with one layer per entry list, in order (each history step says `createdBy`). */
export function layeredImage(layers: TarEntry[][], tag: string, createdBy: string): Buffer {
  const tars = layers.map((entries) => tar(entries));
  const diffIds = tars.map((layer) => `sha256:${createHash('sha256').update(layer).digest('hex')}`);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '2024-01-01T00:00:00Z',
      config: { Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: tars.map(() => ({ created: '2024-01-01T00:00:00Z', created_by: createdBy })),
    }),
  );
  const configName = `${createHash('sha256').update(config).digest('hex')}.json`;
  // The first layer keeps the folder name a single-layer image always had.
  const folders = tars.map((_, i) => (i === 0 ? 'layer' : `layer${i}`));
  const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: folders.map((f) => `${f}/layer.tar`) }]));
  return tar([
    { path: configName, type: 'plain', content: config },
    ...tars.flatMap((layer, i): Array<TarEntry | { path: string; type: 'plain'; content: Buffer }> => [
      { path: folders[i], type: 'dir' },
      { path: `${folders[i]}/layer.tar`, type: 'plain', content: layer },
    ]),
    { path: 'manifest.json', type: 'plain', content: manifest },
  ]);
}

/**
 * A `docker save`-shaped archive with one layer holding `count` empty files in /big, generated at
 * test time so the fixture folder stays small.
 */
export function wideImage(count: number): Buffer {
  // A 20,000-line text file (about 700 KB) to page through.
  const longText = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `line ${String(i + 1).padStart(5, '0')}: ${'lorem ipsum '.repeat(2)}`).join('\n') + '\n');
  const entries: TarEntry[] = [
    { path: 'big', type: 'dir' },
    { path: 'etc', type: 'dir' },
    { path: 'etc/os-release', type: 'file', content: Buffer.from('ID=wide\n') },
    { path: 'etc/long.txt', type: 'file', content: longText },
  ];
  for (let i = 0; i < count; i += 1) entries.push({ path: `big/f${String(i).padStart(5, '0')}`, type: 'file' });
  return singleLayerImage(entries, 'wide:latest', `generated: ${count} files in /big`);
}

/**
 * A `docker save`-shaped archive with one uncompressed layer holding one file of `bytes` random
 * bytes (incompressible, so every byte crosses each stream on the way to Docker).
 */
export function randomFileImage(bytes: number, tag: string): Buffer {
  return singleLayerImage([{ path: 'data', type: 'dir' }, { path: 'data/random.bin', type: 'file', content: randomBytes(bytes) }], tag, `generated: ${bytes} random bytes`);
}
