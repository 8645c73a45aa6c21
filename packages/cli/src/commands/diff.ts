/** `peel diff`: what changed between two images, or between layer N of one image and its top. */
import { compareImages, comparePackages, imageSide, type PackageComparison } from '@peel/engine';
import { defineCommand } from '../command.js';
import { EXIT, InputError, UsageError } from '../exit-codes.js';
import type { OpenedImage } from '../image-source.js';
import { diffJson, type SideInfo } from '../view/diff-json.js';
import { renderDiff, renderStat } from '../view/diff-text.js';
import { cleanPath, parseLayer } from '../view/fs-view.js';
import { imagePackages } from './packages.js';

export const diffCommand = defineCommand({
  name: 'diff',
  summary: 'compare two images (or one image since layer N): files, sizes, config, history',
  usage: 'A.tar B.tar | A.tar --since-layer N  [--json] [--stat] [--path P] [--include-mtime] [--packages]',
  description: `
Compares two merged filesystems path by path and prints a summary first: paths added, removed,
modified (different bytes, by sha256 — a same-size edit counts —, another symlink target or
device), type changed (a file replaced by a folder…) and metadata only (mode, uid, gid, mtime,
xattrs: each named), the bytes each way and the net size change, and which layers the two share
(by diff_id). Then the config differences (Env by variable, Entrypoint, Cmd, WorkingDir, User,
ExposedPorts, Volumes, Labels, platform), the two histories aligned step by step, the folders
just below the compared path with the changes under them, and every changed path.

With one archive and --since-layer N the sides are the image as of layer N (its layers 0..N
merged) and the whole image: what layers N+1.. did together. N counts from 0; -2 is the layer
below the top.

A hard link compares as the file it shares. Changes of the mtime alone are not shown or counted
as a difference (rebuilds touch every mtime) unless --include-mtime; the summary counts them.
History differences are shown but do not make the images differ.

--packages also reads both sides' package databases (dpkg, apk, rpm, node_modules, Python) and
lists the packages added, removed, upgraded and downgraded (in each package manager's own version
order), with both versions and the size change; in --json as "packages".

Exit status: ${EXIT.ok} when the images are the same, ${EXIT.different} when they differ (so a CI step can fail on any
change), ${EXIT.usage} for a usage error, ${EXIT.input} for an unreadable archive or a path or layer that does not exist.`,
  positionals: { min: 1, max: 2 },
  options: {
    'since-layer': { type: 'string', value: 'N', description: 'with one archive: compare it as of layer N with the whole image' },
    json: { type: 'boolean', description: 'everything as one JSON document (shape "peel-diff/1", see the README)' },
    stat: { type: 'boolean', description: 'one line per changed path: kind, size change in bytes, path, sizes' },
    path: { type: 'string', value: 'P', description: 'compare only the files at and below P (not the config and history)' },
    'include-mtime': { type: 'boolean', description: 'list mtime-only changes and count them as differences' },
    packages: { type: 'boolean', description: 'also compare the packages the two sides have installed' },
  },
  examples: [
    'peel diff app-1.0.tar app-1.1.tar',
    'peel diff app.tar --since-layer 4 --stat',
    'peel diff app-1.0.tar app-1.1.tar --path /etc --json | jq .changes',
  ],
  async run({ positionals, values }, ctx) {
    if (values.json && values.stat) throw new UsageError('--json and --stat are two different outputs: pick one');
    const since = values['since-layer'];
    if (positionals.length === 2 && since !== undefined) throw new UsageError('--since-layer compares one archive with itself: give one archive, not two');
    if (positionals.length === 1 && since === undefined) throw new UsageError('give two archives, or one archive and --since-layer N');
    const root = cleanPath(values.path ?? '/');
    const includeMtime = values['include-mtime'] === true;

    const imgA = await ctx.openImage(positionals[0]);
    const imgB = positionals.length === 2 ? await ctx.openImage(positionals[1]) : imgA;
    const asOf = since === undefined ? null : parseLayer(since, imgA.layers.length);
    const sideA = imageSide(imgA.image, imgA.layers, asOf);
    const sideB = imageSide(imgB.image, imgB.layers);
    const result = await compareImages(sideA, sideB, { root, includeMtime });
    if (root !== '' && result.summary.entries.a === 0 && result.summary.entries.b === 0) {
      throw new InputError(`--path ${values.path}: no such file or folder in either image`);
    }

    const info: [SideInfo, SideInfo] = [sideInfo(imgA, asOf), sideInfo(imgB, null)];
    let packages: (PackageComparison & { warnings: string[] }) | null = null;
    if (values.packages) {
      const inA = await imagePackages(imgA, ctx.signal);
      const inB = imgB === imgA ? inA : await imagePackages(imgB, ctx.signal);
      const compared = comparePackages(
        { packages: inA.packages, top: asOf ?? imgA.layers.length - 1, whole: asOf === null },
        { packages: inB.packages, top: imgB.layers.length - 1, whole: true },
      );
      packages = { ...compared, warnings: [...inA.warnings.map((w) => `A: ${w}`), ...(imgB === imgA ? [] : inB.warnings.map((w) => `B: ${w}`))] };
      for (const w of packages.warnings) ctx.warn(w);
    }
    if (values.json) await ctx.print(JSON.stringify({ ...diffJson(info, result, { root, includeMtime }), ...(packages ? { packages } : {}) }, null, 2));
    else if (values.stat) {
      for (const line of renderStat(result.changes)) await ctx.print(line);
      if (packages) for (const line of renderPackageStat(packages)) await ctx.print(line);
    } else {
      await ctx.print(renderDiff(info, result, { root, includeMtime }));
      if (packages) await ctx.print(renderPackages(packages));
    }
    return result.equal ? EXIT.ok : EXIT.different;
  },
});

function sideInfo(img: OpenedImage, asOfLayer: number | null): SideInfo {
  return {
    source: img.source,
    tags: img.image.tags,
    imageId: img.image.configDigest,
    layers: asOfLayer === null ? img.image.layers.length : asOfLayer + 1,
    asOfLayer,
  };
}

const MARK = { added: '+', removed: '-', upgraded: '↑', downgraded: '↓' } as const;

/** One line per package that differs: mark, name, versions, size change in bytes. */
function renderPackageStat(p: PackageComparison): string[] {
  return p.items.map((i) => `package ${i.change}\t${i.sizeDelta}\t${i.ecosystem}:${i.name}\t${i.a?.version ?? '-'}\t${i.b?.version ?? '-'}`);
}

function renderPackages(p: PackageComparison): string {
  const c = p.counts;
  const out = [`packages: ${p.packages.a} in A, ${p.packages.b} in B; ${c.added} added, ${c.removed} removed, ${c.upgraded} upgraded, ${c.downgraded} downgraded, ${c.same} the same`];
  for (const i of p.items) {
    const versions = i.a && i.b ? `${i.a.version} → ${i.b.version}` : (i.a ?? i.b)!.version;
    out.push(`  ${MARK[i.change]} ${i.ecosystem}:${i.name} ${versions} (${i.sizeDelta >= 0 ? '+' : ''}${i.sizeDelta} bytes)`);
  }
  return out.join('\n');
}
