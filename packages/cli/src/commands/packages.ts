/** `peel packages`: the packages an image's databases list, with the layer that installed each. */
import { archivePackageImage, findPackages, type ImagePackage, type PackageInventory } from '@peel/engine';
import { defineCommand } from '../command.js';
import { InputError, UsageError } from '../exit-codes.js';
import { humanSize, printable, table } from '../format.js';
import type { OpenedImage } from '../image-source.js';

export const packagesCommand = defineCommand({
  name: 'packages',
  summary: 'the packages (dpkg, npm, Python) of an image, with the layer that installed each',
  usage: 'IMAGE.tar [--json] [--layer N]',
  description: `
Reads each layer's own copy of the image's package databases (dpkg's status and .list files,
node_modules/*/package.json, Python *.dist-info) and attributes every
package to the first layer whose database lists it; a later layer that lists another version
upgraded it, one whose database no longer lists it removed it. SIZE is the bytes of the files it
owns in the final filesystem. Databases that cannot be read are warnings, never a failure.
--layer N keeps the packages installed, upgraded or removed in layer N.`,
  positionals: { min: 1, max: 1 },
  options: {
    json: { type: 'boolean', description: 'print the packages, per-layer counts, unowned files and warnings as JSON' },
    layer: { type: 'string', value: 'N', description: 'only the packages layer N installed, upgraded or removed' },
  },
  examples: ['peel packages app.tar', 'peel packages app.tar --layer 3', 'docker save app | peel packages - --json | jq ".packages[].name"'],
  async run({ positionals, values }, ctx) {
    const layer = values.layer === undefined ? undefined : layerNumber(values.layer);
    const img = await ctx.openImage(positionals[0]);
    if (layer !== undefined && layer >= img.layers.length) throw new InputError(`the image has ${img.layers.length} layers (0-${img.layers.length - 1}); there is no layer ${layer}`);
    const inventory = await imagePackages(img, ctx.signal);
    const shown = layer === undefined ? inventory.packages : inventory.packages.filter((p) => touchedIn(p, layer));
    if (values.json) await ctx.print(JSON.stringify({ source: img.source, ...inventory, packages: shown }, null, 2));
    else await ctx.print(render(img.source, inventory, shown, layer));
    for (const w of inventory.warnings) ctx.warn(w);
  },
});

/** The packages of an opened archive (also what `inspect --json` reports). */
export async function imagePackages(img: OpenedImage, signal?: AbortSignal): Promise<PackageInventory> {
  const source = archivePackageImage({ layers: img.layers, tarBlobs: img.image.layers.map((l) => l.tarBlob), store: img.store, fs: img.merged() });
  try {
    return await findPackages(source, { signal });
  } finally {
    await source.close();
  }
}

function layerNumber(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`--layer takes a layer number (0 is the base), not "${text}"`);
  return Number(text);
}

const touchedIn = (p: ImagePackage, layer: number): boolean => p.layer === layer || p.removedIn === layer || p.upgrades.some((u) => u.layer === layer);

function render(source: string, inv: PackageInventory, shown: ImagePackage[], layer: number | undefined): string {
  const total = inv.packages.filter((p) => p.removedIn === null).length;
  const out = [`${source}: ${total} package${total === 1 ? '' : 's'} installed${inv.packages.length > total ? ` (${inv.packages.length - total} removed by a later layer)` : ''}`];
  if (layer !== undefined) out.push(`Layer ${layer}: ${shown.length} package${shown.length === 1 ? '' : 's'} installed, upgraded or removed there`);
  out.push('');
  const rows = [['ECOSYSTEM', 'NAME', 'VERSION', 'ARCH', 'LAYER', 'SIZE', 'FILES', 'CHANGES']];
  for (const p of [...shown].sort((a, b) => b.size - a.size || (a.name < b.name ? -1 : 1))) {
    const changes = [...p.upgrades.map((u) => `${u.from} → ${u.to} in ${u.layer}`), ...(p.removedIn === null ? [] : [`removed in ${p.removedIn}`])];
    rows.push([p.ecosystem, printable(p.name), printable(p.version), p.arch ?? '-', String(p.layer), humanSize(p.size), String(p.files), changes.join('; ')]);
  }
  out.push(table(rows, new Set([4, 5, 6])));
  if (layer === undefined) {
    out.push('', 'Per layer:');
    const perLayer = [['LAYER', 'INSTALLED', 'UPGRADED', 'REMOVED', 'BYTES']];
    for (const l of inv.layers) perLayer.push([String(l.layer), String(l.installed), String(l.upgraded), String(l.removed), humanSize(l.bytes)]);
    out.push(table(perLayer, new Set([0, 1, 2, 3, 4])).replace(/^/gm, '  '));
    out.push('', `Files no package owns: ${inv.unowned.files} (${humanSize(inv.unowned.bytes)})`);
    for (const f of inv.unowned.folders.slice(0, 10)) out.push(`  ${humanSize(f.bytes).padStart(10)}  ${printable(f.path)}  (${f.files} file${f.files === 1 ? '' : 's'})`);
  }
  if (inv.warnings.length) out.push('', `Warnings: ${inv.warnings.length} (also on stderr)`);
  return out.join('\n');
}
