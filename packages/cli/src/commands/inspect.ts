/** `peel inspect`: what `docker image inspect` + `docker history` say, without a daemon. */
import type { ContainerConfig, ImageLayer } from '@peel/engine';
import { defineCommand } from '../command.js';
import { UsageError } from '../exit-codes.js';
import { humanSize, printable, table } from '../format.js';
import type { OpenedImage } from '../image-source.js';
import { imagePackages } from './packages.js';

export const inspectCommand = defineCommand({
  name: 'inspect',
  summary: 'format, tags, platforms, config and layers of an image archive',
  usage: 'IMAGE.tar [--json [--no-packages]] [--no-trunc]',
  description: `
Reads the archive (docker save, OCI layout, containerd export; gzip/zstd layers) and prints its
format, tags, platform(s), config summary and one row per history step with the layer it made:
stored size, uncompressed tar size, content size (what \`docker history\` calls SIZE) and entries.
--json adds the packages, as \`peel packages --json\` lists them (\`"packages"\`); --no-packages
leaves them out, which spares reading every layer's package databases on a large image.`,
  positionals: { min: 1, max: 1 },
  options: {
    json: { type: 'boolean', description: 'print everything as one JSON document' },
    'no-trunc': { type: 'boolean', description: 'do not shorten history commands and digests' },
    'no-packages': { type: 'boolean', description: 'with --json: leave the packages out (spares reading every layer\'s package databases)' },
    packages: { type: 'boolean', description: 'with --json: add the packages (the default; kept for scripts written when it was not)' },
  },
  examples: ['peel inspect fixtures/multi-oci.tar', 'docker save alpine | peel inspect - --json | jq .layers'],
  async run({ positionals, values }, ctx) {
    if (values.packages && values['no-packages']) throw new UsageError('--packages and --no-packages contradict each other: give one');
    if ((values.packages || values['no-packages']) && !values.json) throw new UsageError(`${values.packages ? '--packages' : '--no-packages'} is about the JSON document's packages: use it with --json (or run peel packages)`);
    const img = await ctx.openImage(positionals[0]);
    const report = describe(img);
    // The packages need the layers merged and every layer's databases read: in the JSON document
    // only, where scripts look for them; the table stays as quick as it was.
    if (values.json) await ctx.print(JSON.stringify(values['no-packages'] ? report : { ...report, packages: await imagePackages(img, ctx.signal) }, null, 2));
    else await ctx.print(render(report, values['no-trunc'] === true));
  },
});

type Report = ReturnType<typeof describe>;

function describe(img: OpenedImage) {
  const { archive, image } = img;
  const stepOf = new Map(image.history.filter((h) => h.layer !== null).map((h) => [h.layer, h.createdBy]));
  return {
    source: img.source,
    format: archive.format,
    archive: { digest: archive.archiveDigest, size: archive.archiveSize, compression: archive.outerCompression },
    tags: image.tags,
    platform: image.platform,
    platforms: archive.platforms,
    imageId: image.configDigest,
    manifestDigest: image.manifestDigest,
    created: image.config.created ?? null,
    config: image.config.config ?? {},
    layers: image.layers.map((l, i) => ({
      index: l.index,
      digest: l.digest,
      diffId: l.diffId,
      mediaType: l.mediaType,
      compression: l.compression,
      size: l.size,
      uncompressedSize: l.uncompressedSize,
      contentSize: l.contentSize,
      entries: l.entryCount,
      files: img.layers[i].filter((e) => e.type === 'file' || e.type === 'hardlink').length,
      createdBy: stepOf.get(l.index) ?? null,
    })),
    history: image.history,
    problems: archive.problems,
  };
}

function render(r: Report, full: boolean): string {
  const cut = (s: string, n: number) => (full || s.length <= n ? s : `${s.slice(0, n - 1)}…`);
  const digest = (d: string | null) => (d === null ? '-' : full ? d : d.slice(0, 19));
  const platform = (p: { os: string; architecture: string; variant?: string }) => [p.os, p.architecture, p.variant].filter(Boolean).join('/');
  const lines = [
    `${r.source}: ${r.format} archive, ${humanSize(r.archive.size)}${r.archive.compression === 'none' ? '' : ` (${r.archive.compression})`}`,
    `Tags:      ${r.tags.join(', ') || '(none)'}`,
    `Platform:  ${platform(r.platform)}${r.platforms.length > 1 ? `   (in the archive: ${r.platforms.map((p) => `${platform(p.platform)}${p.available ? '' : ' [blobs missing]'}`).join(', ')})` : ''}`,
    `Image ID:  ${r.imageId}`,
    `Manifest:  ${r.manifestDigest ?? '(none: manifest.json only)'}`,
    `Created:   ${r.created ?? '-'}`,
    'Config:',
    configLines(r.config),
    '',
    `Layers: ${r.layers.length}, ${humanSize(sum(r.layers, 'size'))} stored, ${humanSize(sum(r.layers, 'uncompressedSize'))} uncompressed`,
  ];
  const rows = [['LAYER', 'STORED', 'TAR', 'CONTENT', 'ENTRIES', 'FILES', 'DIGEST', 'CREATED BY']];
  const shown = new Set<number>();
  const layerRow = (l: Report['layers'][number] | undefined, createdBy: string | null) =>
    l
      ? [String(l.index), humanSize(l.size), humanSize(l.uncompressedSize), humanSize(l.contentSize), String(l.entries), String(l.files), digest(l.digest), cut(printable(createdBy ?? ''), 70)]
      : ['-', '-', '-', '-', '-', '-', '-', cut(printable(createdBy ?? ''), 70)];
  for (const h of r.history) {
    if (h.layer !== null) shown.add(h.layer);
    rows.push(layerRow(h.layer === null ? undefined : r.layers[h.layer], h.createdBy));
  }
  for (const l of r.layers) if (!shown.has(l.index)) rows.push(layerRow(l, null));
  lines.push(table(rows, new Set([1, 2, 3, 4, 5])));
  if (r.problems.length) {
    lines.push('', 'Problems:');
    for (const p of r.problems) lines.push(`  ${p.severity} ${p.code}${p.layer !== undefined ? ` (layer ${p.layer})` : ''}: ${printable(p.message)}`);
  }
  return lines.join('\n');
}

function configLines(c: ContainerConfig): string {
  const rows: string[][] = [];
  const add = (k: string, v: unknown) => {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) return;
    if (Array.isArray(v) && k === 'Env') v.forEach((e, i) => rows.push([i === 0 ? k : '', printable(String(e))]));
    else if (typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.entries(v as Record<string, unknown>).map(([kk, vv]) => (typeof vv === 'string' ? `${kk}=${vv}` : kk));
      keys.forEach((e, i) => rows.push([i === 0 ? k : '', printable(e)]));
    } else rows.push([k, printable(typeof v === 'string' ? v : JSON.stringify(v))]);
  };
  for (const k of ['Entrypoint', 'Cmd', 'WorkingDir', 'User', 'Env', 'ExposedPorts', 'Volumes', 'Labels', 'StopSignal'] as const) add(k, c[k]);
  return rows.length ? table(rows.map((r) => ['', ...r])) : '  (empty)';
}

function sum(layers: ImageLayer[] | Report['layers'], key: 'size' | 'uncompressedSize'): number {
  return layers.reduce((t, l) => t + l[key], 0);
}
