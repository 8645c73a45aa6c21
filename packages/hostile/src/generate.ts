/**
 * `pnpm --filter @peel/hostile corpus <dir>`: writes every small corpus case to `<dir>` as
 * `<name>.tar` with a line in `<dir>/EXPECTED.tsv` (what Peel must do with it), to look at by
 * hand or feed to other tools. The bombs are not written: they are made lazily by the tests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { corpus, ingests, refusals } from './corpus.js';

// `pnpm corpus -- DIR` passes the `--` through.
const dir = resolve(process.argv.slice(2).find((a) => a !== '--') ?? 'hostile-corpus');
mkdirSync(dir, { recursive: true });
const lines = ['name\texpect\tabout'];
for (const c of corpus) {
  writeFileSync(join(dir, `${c.name}.tar`), c.bytes());
  lines.push(`${c.name}\t${ingests(c) ? `ingest ${c.expect.ingest.join(',')}` : `refuse ${refusals(c).join('|')}`}\t${c.about}`);
}
writeFileSync(join(dir, 'EXPECTED.tsv'), `${lines.join('\n')}\n`);
console.log(`${corpus.length} cases written to ${dir}`);
