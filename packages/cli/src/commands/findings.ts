/** `peel findings`: sizes, waste and baked-in secrets of an image; `--fail-on` for CI (exit 3). */
import { analyzeImage, layersFromArrays, withAbsolutePaths, type Findings } from '@peel/engine';
import { defineCommand } from '../command.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { humanSize, printable, table } from '../format.js';

/** One `--fail-on` check, e.g. `secrets`, `waste>10%`, `waste>50MB`, `efficiency<90%`. */
interface Check {
  text: string;
  /** The measured value, in words, and whether it is over the threshold. */
  test(f: Findings): { value: string; failed: boolean };
}

export const command = defineCommand({
  name: 'findings',
  summary: 'sizes, waste and baked-in secrets (deleted ones too) of an image',
  usage: 'IMAGE.tar [--json] [--fail-on LIST]',
  description: `
Reads every layer, the deleted and overwritten files included, and the config (Env, labels,
command, history) for secrets: .env files, private keys, cloud credentials, tokens with a known
shape, registry logins, and generated-looking values of *_KEY/*_TOKEN/*_SECRET/PASSWORD names.
Each is shown masked, with its layer, line and whether a later layer deleted it (the bytes still
ship). Waste is exact: reclaimable = shipped − unique, where shipped is every file copy in every
layer and unique the distinct contents of the final filesystem; efficiency = unique ÷ shipped.

--fail-on takes a comma-separated list; the exit code is 3 when any of them holds:
  secrets          any secret was found
  waste>N%         reclaimable bytes are more than N% of the shipped bytes
  waste>SIZE       reclaimable bytes are more than SIZE (e.g. 50MB, 1.5GiB, 4096)
  efficiency<N%    efficiency is below N%`,
  positionals: { min: 1, max: 1 },
  options: {
    json: { type: 'boolean', description: 'print the findings (and the --fail-on results) as JSON' },
    'fail-on': { type: 'string', value: 'LIST', description: 'exit 3 when a check holds: secrets, waste>N%, waste>SIZE, efficiency<N%' },
  },
  examples: ['peel findings app.tar', 'peel findings app.tar --fail-on secrets,waste>10%', 'docker save app | peel findings - --json | jq .secrets'],
  async run({ positionals, values }, ctx) {
    const checks = values['fail-on'] === undefined ? [] : parseFailOn(values['fail-on']);
    const img = await ctx.openImage(positionals[0]);
    const f = withAbsolutePaths(await analyzeImage({
      layers: layersFromArrays(img.layers),
      layerFacts: img.image.layers,
      history: img.image.history,
      config: img.image.config,
      store: img.store,
      options: { signal: ctx.signal },
    }));
    const results = checks.map((c) => ({ check: c.text, ...c.test(f) }));
    if (values.json) await ctx.print(JSON.stringify({ source: img.source, ...f, failOn: results }, null, 2));
    else await ctx.print(render(img.source, f, results));
    const failed = results.filter((r) => r.failed);
    if (failed.length === 0) return EXIT.ok;
    ctx.warn(`over the --fail-on threshold: ${failed.map((r) => `${r.check} (${r.value})`).join('; ')}`);
    return EXIT.findings;
  },
});

const SIZE_UNITS: Record<string, number> = { '': 1, B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3 };

/** Parses `secrets,waste>10%,efficiency<90%`; a wrong item is a usage error naming it. */
export function parseFailOn(list: string): Check[] {
  return list.split(',').map((raw) => raw.trim()).filter(Boolean).map((text): Check => {
    if (text === 'secrets') {
      return { text, test: (f) => ({ value: `${f.secrets.length} found`, failed: f.secrets.length > 0 }) };
    }
    let m = /^waste\s*>\s*(\d+(?:\.\d+)?)\s*%$/.exec(text);
    if (m) {
      const limit = Number(m[1]);
      return { text, test: (f) => {
        const share = f.waste.shipped === 0 ? 0 : (f.waste.bytes / f.waste.shipped) * 100;
        return { value: `${share.toFixed(1)}% of ${humanSize(f.waste.shipped)} shipped`, failed: share > limit };
      } };
    }
    m = /^waste\s*>\s*(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text);
    if (m && SIZE_UNITS[m[2].toUpperCase()] !== undefined) {
      const limit = Number(m[1]) * SIZE_UNITS[m[2].toUpperCase()];
      return { text, test: (f) => ({ value: `${humanSize(f.waste.bytes)} reclaimable`, failed: f.waste.bytes > limit }) };
    }
    m = /^efficiency\s*<\s*(\d+(?:\.\d+)?)\s*%$/.exec(text);
    if (m) {
      const limit = Number(m[1]);
      return { text, test: (f) => ({ value: `${(f.waste.efficiency * 100).toFixed(1)}%`, failed: f.waste.efficiency * 100 < limit }) };
    }
    throw new UsageError(`--fail-on: cannot read "${text}" (use secrets, waste>N%, waste>SIZE such as 50MB, or efficiency<N%)`);
  });
}

function render(source: string, f: Findings, results: Array<{ check: string; value: string; failed: boolean }>): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const out: string[] = [
    `${source}: ${f.sizes.layers.length} layer${f.sizes.layers.length === 1 ? '' : 's'}, ${humanSize(f.sizes.stored)} stored; final filesystem ${humanSize(f.sizes.final)} of ${humanSize(f.sizes.shipped)} shipped`,
    `Base image: ${f.base.baseLayers === 0 ? 'none told apart' : f.base.baseLayers === 1 ? 'layer 0' : `layers 0-${f.base.baseLayers - 1}`} (${f.base.explanation})`,
    '',
    `Secrets: ${f.secrets.length}${f.secrets.length ? '' : ' (every layer, deleted files included, and the config were read)'}`,
  ];
  for (const s of f.secrets) {
    const where = s.source === 'file' ? `${printable(s.path ?? '')}:${s.line}` : s.source === 'history' ? `history step ${s.line}` : `${s.source} ${s.path ?? ''}`.trim();
    const status = s.status === 'present' ? `in the final filesystem (layer ${s.layer})`
      : s.status === 'config' ? 'in the image config'
        : `${s.status} in layer ${s.deletedIn}, still shipped in layer ${s.layer}`;
    out.push(`  ${where}  ${s.kind}: ${s.title}`, `      ${status}`, `      ${printable(s.preview)}`);
  }
  out.push(
    '',
    `Waste: ${humanSize(f.waste.bytes)} reclaimable (${pct(f.waste.shipped ? f.waste.bytes / f.waste.shipped : 0)} of shipped), efficiency ${pct(f.waste.efficiency)}`,
    `  reclaimable = shipped − unique = ${f.waste.shipped} − ${f.waste.unique} = ${f.waste.bytes} bytes (deleted/overwritten copies ${f.waste.removed}, duplicates ${f.waste.duplicate})`,
  );
  for (const i of f.waste.items.slice(0, 15)) {
    const what = i.kind === 'removed'
      ? `${printable(i.path)}  ${i.copies.map((c) => `layer ${c.layer} ${c.how} in ${c.removedIn}`).join(', ')}`
      : `${i.copies.length} identical copies: ${i.copies.map((c) => printable(c.path)).join(', ')}`;
    out.push(`  ${humanSize(i.bytes).padStart(10)}  ${what}`);
  }
  if (f.waste.itemCount > 15) out.push(`  … ${f.waste.itemCount - 15} more (--json lists ${f.waste.items.length})`);
  out.push('', 'Layers:');
  const rows = [['LAYER', 'STORED', 'CONTENT', 'NET', 'REMOVED LATER', 'CREATED BY']];
  for (const l of f.sizes.layers) {
    const net = `${l.contribution < 0 ? '-' : '+'}${humanSize(Math.abs(l.contribution))}`;
    const by = (l.createdBy ?? '').replace(/\s+/g, ' ');
    rows.push([`${l.index}${l.fromBase ? ' (base)' : ''}`, humanSize(l.stored), humanSize(l.content), net, humanSize(l.removedLater), by.length > 60 ? `${by.slice(0, 59)}…` : by]);
  }
  out.push(table(rows, new Set([1, 2, 3, 4])).replace(/^/gm, '  '));
  out.push('', 'Biggest files:');
  for (const p of f.sizes.biggestFiles.slice(0, 10)) out.push(`  ${humanSize(p.size).padStart(10)}  ${printable(p.path)}  (layer ${p.layer})`);
  if (results.length) {
    out.push('', 'Checks (--fail-on):');
    for (const r of results) out.push(`  ${r.failed ? 'FAIL' : 'ok  '}  ${r.check}: ${r.value}`);
  }
  return out.join('\n');
}
