/** `peel build`: the walkthrough's `FROM scratch` + `COPY . .`, without a Docker daemon. */
import { stat } from 'node:fs/promises';
import { emptyDraft, exportImage, scratchSource, type ExportSource } from '@peel/engine';
import { defineCommand } from '../command.js';
import { InputError, UsageError } from '../exit-codes.js';
import { humanSize } from '../format.js';
import { resolveFrom } from '../image-source.js';
import { hostPlatform, parsePlatform } from '../platform.js';
import { reportExport, writeOutput } from '../output.js';
import { draftFromDir, type OwnerPolicy } from '../build/dir-draft.js';
import { CONFIG_OPTIONS, compressionOf, configPatch, createdTime } from '../build/config-flags.js';

export const buildCommand = defineCommand({
  name: 'build',
  summary: 'build an image from a folder (FROM scratch or --from a base), reproducibly',
  usage: 'DIR -t NAME:TAG -o OUT.tar [--cmd JSON] [--entrypoint JSON] [--env K=V]… [--workdir P] [--from IMAGE.tar] [--source-date-epoch N]',
  description: `
Makes an image whose filesystem is DIR (the recipe's \`FROM scratch\` + \`COPY . .\`), or DIR
copied over a base image with --from (its layers are kept byte for byte, DIR becomes one new
layer). The archive is written in the same all-loaders format as the web export: docker load,
podman load, skopeo and ctr import all accept it.

Reproducible: entries are sorted, every mtime and the image's created time are
--source-date-epoch (else $SOURCE_DATE_EPOCH, else 0), so the same folder always gives the same
image ID. As with Docker's COPY, owners are 0:0 unless --chown or --keep-owners; modes are kept.
Hard-linked files become separate files (same bytes); fifos, sockets and devices are skipped.
--platform sets the platform of a scratch image (default: this host's) or picks the base's.`,
  positionals: { min: 1, max: 1 },
  options: {
    tag: { type: 'string', short: 't', value: 'NAME:TAG', description: 'the image name, e.g. alpyne:latest' },
    output: { type: 'string', short: 'o', value: 'OUT.tar', description: 'the archive to write (`-` for stdout)' },
    from: { type: 'string', value: 'IMAGE.tar', description: 'base image archive (default: scratch, an empty image)' },
    ...CONFIG_OPTIONS,
    'source-date-epoch': { type: 'string', value: 'N', description: 'created time and mtimes, seconds since 1970 (default $SOURCE_DATE_EPOCH, else 0)' },
    chown: { type: 'string', value: 'UID:GID', description: 'owner of every entry (default 0:0)' },
    'keep-owners': { type: 'boolean', description: 'keep the owners the files have in DIR' },
    compression: { type: 'string', value: 'gzip|none', description: 'compression of the new layer (default gzip)' },
  },
  examples: [
    'peel build rootfs/ -t alpyne:latest -o alpyne.tar --cmd \'["/bin/sh"]\'',
    'peel build app/ --from base.tar -t app:1 -o - --workdir /app | docker load',
  ],
  async run({ positionals, values }, ctx) {
    if (!values.output) throw new UsageError('-o OUT.tar is required (or -o - for stdout)');
    const dir = resolveFrom(ctx.io.cwd, positionals[0]);
    const st = await stat(dir).catch(() => null);
    if (!st?.isDirectory()) throw new InputError(`${positionals[0]} is not a folder`);
    if (values.chown !== undefined && values['keep-owners']) throw new UsageError('--chown and --keep-owners exclude each other');
    const owners = ownerPolicy(values.chown, values['keep-owners'] === true);
    const compression = compressionOf(values.compression);
    const created = createdTime(values['source-date-epoch'], ctx.io.env, () => new Date(0));

    const base = values.from ? await ctx.openImage(values.from) : null;
    const source: ExportSource = base
      ? { image: base.image, layers: base.layers }
      : scratchSource(values.platform ? parsePlatform(values.platform) : hostPlatform());
    const baseEnv = base?.image.config.config?.Env ?? [];
    const config = configPatch(values, baseEnv);

    const store = await ctx.store();
    ctx.progress.start({ label: `reading ${positionals[0]}` });
    const exclude = values.output === '-' ? undefined : resolveFrom(ctx.io.cwd, values.output);
    const found = await draftFromDir(dir, { store, owners, warn: ctx.warn, progress: ctx.progress, signal: ctx.signal, exclude });
    ctx.progress.finish();
    const draft = { ...emptyDraft(), ops: found.ops, config };
    ctx.progress.start({ label: 'building the layer' });
    const result = await exportImage(source, draft, { mode: base ? 'append' : 'flatten', store, tag: values.tag, compression, created });
    ctx.progress.finish();
    await writeOutput(result, values.output, ctx);
    await reportExport(result, values.output, ctx, `${found.files} files, ${humanSize(found.bytes)}`);
  },
});

function ownerPolicy(chown: string | undefined, keep: boolean): OwnerPolicy {
  if (keep) return { kind: 'keep' };
  if (chown === undefined) return { kind: 'fixed', uid: 0, gid: 0 };
  const m = /^(\d+):(\d+)$/.exec(chown);
  if (!m) throw new UsageError(`--chown takes numeric UID:GID, got ${JSON.stringify(chown)}`);
  return { kind: 'fixed', uid: Number(m[1]), gid: Number(m[2]) };
}
