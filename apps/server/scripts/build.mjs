// Bundles the server and the workspace packages it uses (engine, api) into dist/main.mjs, so
// `pnpm start` runs plain JavaScript: no TypeScript loader thread in the process (about 30 MB
// less resident memory, and a faster start). npm dependencies stay external, resolved from
// apps/server/node_modules as usual (better-sqlite3 is native).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = Object.keys(pkg.dependencies).filter((d) => !d.startsWith('@peel/'));

await build({
  entryPoints: [join(root, 'src/main.ts')],
  outfile: join(root, 'dist/main.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // The workspace packages export their TypeScript sources under this condition.
  conditions: ['source'],
  external,
  sourcemap: 'linked',
  logLevel: 'warning',
});
