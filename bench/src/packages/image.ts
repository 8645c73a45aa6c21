/**
 * The image of the packages figures: 3,000 dpkg packages and 100,000 files, as a legacy
 * `docker save` archive. Layer 0: the packages, their .list files and 90,000 owned files; layer 1:
 * 10,000 files of an app; layer 2: 100 packages upgraded, 50 removed (a status rewrite).
 *
 *   cd bench && tsx --conditions=source src/packages/image.ts OUT.tar   (writes it alone)
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { TarWriter, type ByteSink } from '@peel/engine';

const PACKAGES = 3000;
const FILES_PER_PACKAGE = 30;
const APP_FILES = 10_000;

type Item = { name: string; data: Buffer };
const fileOf = (name: string, data: string | Buffer): Item => ({ name, data: Buffer.from(data) });
const stanza = (i: number, version: string) => `Package: pkg${i}\nStatus: install ok installed\nPriority: optional\nInstalled-Size: ${i % 500}\nArchitecture: amd64\nSource: src${i % 700} (1.0)\nVersion: ${version}\nDescription: package ${i}\n a longer description\n .\n spanning lines\n`;

function layers(): Item[][] {
  const base: Item[] = [fileOf('var/lib/dpkg/status', Array.from({ length: PACKAGES }, (_, i) => stanza(i, '1.0')).join('\n'))];
  for (let i = 0; i < PACKAGES; i++) {
    const paths = Array.from({ length: FILES_PER_PACKAGE }, (_, j) => `usr/share/pkg${i}/f${j}`);
    base.push(fileOf(`var/lib/dpkg/info/pkg${i}.list`, `/usr\n/usr/share\n/usr/share/pkg${i}\n${paths.map((p) => `/${p}`).join('\n')}\n`));
    for (const p of paths) base.push(fileOf(p, Buffer.alloc(64 + (i % 7) * 100, i % 251)));
  }
  const app = Array.from({ length: APP_FILES }, (_, i) => fileOf(`app/mod${i % 100}/file${i}.js`, Buffer.alloc(200, 1)));
  const status = Array.from({ length: PACKAGES }, (_, i) => (i >= 100 && i < 150 ? '' : stanza(i, i < 100 ? '2.0' : '1.0'))).filter(Boolean).join('\n');
  return [base, app, [fileOf('var/lib/dpkg/status', status)]];
}

async function tarOf(items: Item[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink: ByteSink = { write: async (c) => void chunks.push(Buffer.from(c)) };
  const w = new TarWriter(sink);
  for (const it of items) await w.add({ name: it.name, type: 'file', size: it.data.length, mode: 0o644, uid: 0, gid: 0, mtime: 1_704_067_200 }, it.data);
  await w.finish();
  return Buffer.concat(chunks);
}

export async function writePackagesArchive(path: string): Promise<void> {
  const tars = await Promise.all(layers().map(tarOf));
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: tars.map((t) => `sha256:${sha(t)}`) }, history: tars.map(() => ({ created_by: 'bench' })) }));
  const manifest = Buffer.from(JSON.stringify([{ Config: `${sha(config)}.json`, RepoTags: ['bench/packages:latest'], Layers: tars.map((t) => `${sha(t)}/layer.tar`) }]));
  const out = createWriteStream(path);
  const w = new TarWriter({ write: (c) => new Promise((resolve, reject) => out.write(c, (e) => (e ? reject(e) : resolve()))) });
  const put = (name: string, data: Buffer) => w.add({ name, type: 'file', size: data.length, mode: 0o644, uid: 0, gid: 0, mtime: 0 }, data);
  for (const t of tars) await put(`${sha(t)}/layer.tar`, t);
  await put(`${sha(config)}.json`, config);
  await put('manifest.json', manifest);
  await w.finish();
  await new Promise<void>((resolve) => out.end(resolve));
}

if (process.argv[1]?.endsWith('image.ts') && process.argv[2]) await writePackagesArchive(process.argv[2]);
