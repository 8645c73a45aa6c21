/** `peel unpack`: the walkthrough's "decompress" script, done safely. */
import { mkdir, readdir } from 'node:fs/promises';
import { defineCommand } from '../command.js';
import { OutputError } from '../exit-codes.js';
import { humanSize } from '../format.js';
import { resolveFrom } from '../image-source.js';
import { unpackLayers } from '../unpack/layers.js';
import { unpackMetadata } from '../unpack/metadata.js';
import { unpackRootfs } from '../unpack/rootfs.js';

export const unpackCommand = defineCommand({
  name: 'unpack',
  summary: 'extract metadata/, LAYER_0..N/ (and rootfs/) into a folder, safely',
  usage: 'IMAGE.tar DIR [--merged] [--no-layers]',
  description: `
Writes DIR/metadata/ (every archive entry that is not a layer: manifest.json, index.json,
oci-layout, configs, manifests…) and DIR/LAYER_0 … DIR/LAYER_N/ (each layer's own files, base
first); with --merged also DIR/rootfs/, the merged filesystem a container would see.

Extraction is safe: nothing is written outside DIR (no \`..\`, no absolute paths, never through a
symlink: every folder is created by peel, every file with O_EXCL|O_NOFOLLOW). Whiteouts are not
turned into device nodes: they are listed, one tar name per line (\`opt/.wh.gone\`,
\`opt/app/.wh..wh..opq\`), in DIR/LAYER_n.whiteouts. Modes, owners and times are kept where
allowed: owners and device nodes need root (as another user, devices are skipped with a warning
and files belong to you). DIR must be empty or not exist.`,
  positionals: { min: 2, max: 2 },
  options: {
    merged: { type: 'boolean', description: 'also write DIR/rootfs, the merged filesystem' },
    'no-layers': { type: 'boolean', description: 'skip the LAYER_n folders (with --merged: only metadata/ and rootfs/)' },
  },
  examples: ['peel unpack image.tar out/', 'docker save alpine | peel unpack - alpine/ --merged'],
  async run({ positionals, values }, ctx) {
    const dir = resolveFrom(ctx.io.cwd, positionals[1]);
    await ensureEmpty(dir, positionals[1]);
    const img = await ctx.openImage(positionals[0]);
    const root = process.getuid?.() === 0;
    if (!root) ctx.warn('not running as root: owners are not kept (files belong to you) and device nodes are skipped');
    const o = { tree: { owners: root, devices: root, warn: (m: string) => ctx.warn(m) }, progress: ctx.progress, signal: ctx.signal };
    const total = img.image.layers.reduce((t, l) => t + l.contentSize, 0);
    ctx.progress.start({ label: 'unpacking', total: values['no-layers'] ? 0 : total });
    try {
      await mkdir(dir, { recursive: true });
      const meta = await unpackMetadata(img, dir, o);
      const layers = values['no-layers'] ? null : await unpackLayers(img, dir, o);
      if (values.merged) {
        let bytes = 0;
        for (const n of img.merged().nodes()) if (n.entry.type === 'file') bytes += n.entry.size;
        ctx.progress.start({ label: 'unpacking rootfs', total: bytes });
        await unpackRootfs(img, dir, o);
      }
      ctx.progress.finish();
      if (!ctx.quiet) {
        ctx.io.stderr.write(`unpacked ${img.layers.length} layer${img.layers.length === 1 ? '' : 's'} (${humanSize(total)}), ${meta.files} metadata file${meta.files === 1 ? '' : 's'}`
          + `${layers?.whiteouts ? `, ${layers.whiteouts} whiteouts listed` : ''}${values.merged ? ', rootfs' : ''} into ${positionals[1]}\n`);
      }
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.syscall && err.code && err.code !== 'ABORT_ERR') throw new OutputError(`cannot write into ${positionals[1]}: ${err.message}`, { cause: e });
      throw e;
    }
  },
});

async function ensureEmpty(dir: string, shown: string): Promise<void> {
  const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw new OutputError(`cannot use ${shown}: ${e.code === 'ENOTDIR' ? 'not a folder' : e.message}`);
  });
  if (names.length > 0) throw new OutputError(`${shown} is not empty: unpack writes into an empty or new folder only`);
}
