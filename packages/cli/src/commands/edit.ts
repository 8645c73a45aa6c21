/** `peel edit`: the web editor's drafts, scripted: put/remove files, change config, re-export. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { DraftView, exportImage, resolvePath, type BlobStore, type DraftOp, type ExportMode, type FsLookup } from '@peel/engine';
import { defineCommand } from '../command.js';
import type { CommandContext } from '../context.js';
import { InputError, UsageError } from '../exit-codes.js';
import { resolveFrom } from '../image-source.js';
import { reportExport, writeOutput } from '../output.js';
import { pushExport, pushTarget } from '../registry-push.js';
import { CONFIG_OPTIONS, compressionOf, configPatch, createdTime } from '../build/config-flags.js';
import { cleanPath } from '../view/fs-view.js';

const MODES: readonly ExportMode[] = ['append', 'flatten', 'rewrite'];

export const editCommand = defineCommand({
  name: 'edit',
  summary: 'put or remove files and change the config of an image, then write it out',
  usage: 'IMAGE.tar [--put /PATH=FILE]… [--rm /PATH]… [--cmd JSON] [--entrypoint JSON] [--env K=V]… [--mode append|flatten|rewrite] [-t NAME:TAG] (-o OUT.tar | --push docker://REF)…',
  description: `
Applies edits to an image and writes the result, as the web editor does. All --rm are applied
first, then all --put (so \`--rm /opt/app --put /opt/app/x=./x\` gives a folder holding only x).
A put file keeps the mode of the file it replaces; a new one takes the local file's mode.

Modes: append (default) keeps every layer byte for byte and adds one layer with the changes
(a removed file is hidden by a whiteout but still stored below); flatten writes one layer
holding the edited filesystem; rewrite strips removed and replaced paths from every layer
(unchanged layers keep their digests): use it to really get rid of a leaked secret.
When an --rm names a path only lower layers still store (a file a later layer deleted, such
as a leaked secret), the default mode is rewrite, since append would keep its bytes; an
explicit --mode append then warns that those bytes still ship.

--push docker://HOST/REPO:TAG sends the result to a registry (instead of -o, or besides it):
blobs the repository has are skipped, blobs of the repository the image is named after (same
registry) are mounted, the rest uploaded, then the OCI manifest; the pushed digest is printed
(after the config digest when -o is given too). Credentials come from the Docker config
($DOCKER_CONFIG/config.json, else ~/.docker/config.json); PEEL_REGISTRY_CA is a private CA's
PEM file, PEEL_REGISTRY_INSECURE a comma-separated list of registries reached over plain HTTP
(loopback ones always may be). A registry that refuses or fails exits with 4, as an unwritable
output does.`,
  positionals: { min: 1, max: 1 },
  options: {
    put: { type: 'string', multiple: true, value: '/PATH=FILE', description: 'write the local FILE at /PATH in the image (creates parents)' },
    rm: { type: 'string', multiple: true, value: '/PATH', description: 'remove a file or folder (also one only a lower layer still stores)' },
    ...CONFIG_OPTIONS,
    mode: { type: 'string', value: 'MODE', description: 'append, flatten or rewrite (default: append; rewrite when an --rm path is only in lower layers)' },
    tag: { type: 'string', short: 't', value: 'NAME:TAG', description: 'name of the result (default: the image\'s first tag)' },
    output: { type: 'string', short: 'o', value: 'OUT.tar', description: 'the archive to write (`-` for stdout)' },
    push: { type: 'string', value: 'docker://REF', description: 'push the result to a registry (prints the pushed digest)' },
    'source-date-epoch': { type: 'string', value: 'N', description: 'created time and mtime of what the edit writes (default $SOURCE_DATE_EPOCH, else the newest time the image records)' },
    compression: { type: 'string', value: 'gzip|none', description: 'compression of the layers written (default gzip)' },
  },
  examples: [
    'peel edit tiny.tar --put /etc/os-release=./os-release -t alpyne:latest -o alpyne.tar',
    'peel edit app.tar --rm /opt/app/.env --mode rewrite -o clean.tar',
    'peel edit tiny.tar --put /etc/os-release=./os-release --push docker://registry.example:5000/team/app:2',
  ],
  async run({ positionals, values }, ctx) {
    if (!values.output && !values.push) throw new UsageError('-o OUT.tar or --push docker://REF is required (or -o - for stdout)');
    const pushTo = values.push === undefined ? null : pushTarget(values.push);
    const asked = values.mode as ExportMode | undefined;
    if (asked !== undefined && !MODES.includes(asked)) throw new UsageError(`--mode is append, flatten or rewrite, got ${JSON.stringify(values.mode)}`);
    const compression = compressionOf(values.compression);
    // Without a time given, the engine takes the image's own: the same edit gives the same bytes.
    const created = createdTime(values['source-date-epoch'], ctx.io.env, () => undefined);
    const puts = (values.put ?? []).map(parsePut);
    const removals = (values.rm ?? []).map((p) => imagePath('--rm', p));

    const img = await ctx.openImage(positionals[0]);
    const config = configPatch(values, img.image.config.config?.Env ?? []);
    const store = await ctx.store();
    const ops: DraftOp[] = removals.map((path) => ({ op: 'delete', path }));
    // Only removals can be purges: without any, the merged view is not needed.
    const purged = ops.length > 0 ? purgedBy(img.merged(), ops) : [];
    const mode = asked ?? (purged.length > 0 ? 'rewrite' : 'append');
    if (purged.length > 0 && asked === undefined) {
      ctx.warn(`${listOf(purged)} ${purged.length === 1 ? 'is' : 'are'} only in lower layers: exporting with --mode rewrite, which takes ${purged.length === 1 ? 'it' : 'them'} out of every layer (append would keep the bytes)`);
    } else if (purged.length > 0 && mode === 'append') {
      ctx.warn(`--mode append keeps the bytes of ${listOf(purged)} in the lower layers that store ${purged.length === 1 ? 'it' : 'them'}: anyone with the archive can read ${purged.length === 1 ? 'it' : 'them'}; --mode rewrite or flatten removes ${purged.length === 1 ? 'it' : 'them'}`);
    }
    for (const p of puts) ops.push(await putOp(p, store, ctx, (path) => resolvePath(img.merged(), path) !== null && !removals.some((r) => path === r || path.startsWith(`${r}/`))));

    ctx.progress.start({ label: `exporting (${mode})` });
    const result = await exportImage({ image: img.image, layers: img.layers }, { ops, config, tag: null }, { mode, store, tag: values.tag, compression, created });
    ctx.progress.finish();
    if (values.output) {
      await writeOutput(result, values.output, ctx);
      await reportExport(result, values.output, ctx, `${ops.length} change${ops.length === 1 ? '' : 's'}`);
    }
    if (pushTo) await ctx.print(await pushExport(result, pushTo, img.image.tags, ctx));
  },
});

/** The removals that reach only lower layers (the final filesystem no longer has them): purges. */
function purgedBy(merged: FsLookup, removals: DraftOp[]): string[] {
  const view = new DraftView(merged, { ops: removals, config: {}, tag: null });
  return view.changes().filter((c) => c.purgeOnly).map((c) => `/${c.path.replace(/^\/+/, '')}`);
}

const listOf = (paths: string[]): string => (paths.length <= 3 ? paths.join(', ') : `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more`);

interface Put {
  path: string;
  file: string;
}

function parsePut(text: string): Put {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1) throw new UsageError(`--put takes /PATH=FILE, got ${JSON.stringify(text)}`);
  return { path: imagePath('--put', text.slice(0, eq)), file: text.slice(eq + 1) };
}

function imagePath(flag: string, p: string): string {
  const clean = cleanPath(p);
  if (clean === '' || p.split('/').includes('..')) throw new UsageError(`${flag} needs a path in the image like /etc/os-release, got ${JSON.stringify(p)}`);
  return clean;
}

async function putOp(p: Put, store: BlobStore, ctx: CommandContext, exists: (path: string) => boolean): Promise<DraftOp> {
  const host = resolveFrom(ctx.io.cwd, p.file);
  const st = await stat(host).catch(() => null);
  if (!st?.isFile()) throw new InputError(`--put ${p.path}: ${p.file} is not a readable file`);
  const w = store.create();
  try {
    for await (const chunk of createReadStream(host)) await w.write(chunk as Buffer);
    const { digest, size } = await w.commit();
    // A replaced file keeps its mode and owner (as the web editor does); a new one takes the local mode.
    return { op: 'write', path: p.path, blob: digest, size, ...(exists(p.path) ? {} : { mode: st.mode & 0o7777 }) };
  } catch (e) {
    await w.abort();
    throw e;
  }
}
