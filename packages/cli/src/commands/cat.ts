/** `peel cat`: a file's bytes to stdout, from the merged filesystem or from one layer. */
import { pipeline } from 'node:stream/promises';
import { resolvePath } from '@peel/engine';
import { entryBytes } from '../entry-bytes.js';
import { defineCommand } from '../command.js';
import { InputError } from '../exit-codes.js';
import { cleanPath, openView } from '../view/fs-view.js';

export const catCommand = defineCommand({
  name: 'cat',
  summary: 'write a file of the image (or of one layer) to stdout',
  usage: 'IMAGE.tar PATH [--layer N]',
  description: `
Writes PATH's bytes to stdout, following symlinks inside the image (never on the host). With
--layer N the file is read from layer N's own tar, so a file a later layer deleted (a leaked
secret, say) is still readable from the layer that added it.`,
  positionals: { min: 2, max: 2 },
  options: {
    layer: { type: 'string', value: 'N', description: 'read the file from layer N (0 = base, -1 = top)' },
  },
  examples: ['peel cat image.tar /etc/os-release', 'peel cat image.tar /opt/app/.env --layer 5'],
  async run({ positionals, values }, ctx) {
    const img = await ctx.openImage(positionals[0]);
    const view = openView(img, values.layer);
    const path = positionals[1];
    const where = view.layer === null ? '' : ` in layer ${view.layer}`;
    if (cleanPath(path) === '') throw new InputError(`${path} is a folder`);
    const node = resolvePath(view.fs, path);
    if (!node) throw new InputError(`${path}: no such file${where}`);
    if (node.entry.type === 'dir') throw new InputError(`${path} is a folder${where} (use \`peel ls\`)`);
    const ref = view.content(node);
    if (!ref) throw new InputError(`${path} is a ${node.entry.type}${where}, not a file with content`);
    await pipeline(entryBytes(img.store, ref.tarBlob, ref.entry), ctx.io.stdout, { end: false });
  },
});
