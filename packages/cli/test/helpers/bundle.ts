/**
 * `peel` as one JavaScript file in a folder of its own, for running as another user: the checkout
 * may sit in a folder that user cannot enter (`mktemp -d` makes mode 700), and bin/peel.js needs
 * the checkout's sources and node_modules. The engine and the CLI are bundled from their sources
 * ("source" condition) with the esbuild that tsx itself uses, so no dependency is added.
 */
import { chmod } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from './run.js';

type Build = (options: Record<string, unknown>) => Promise<unknown>;

/** Writes `peel.mjs` (world-readable) into `dir` and returns its path. */
export async function bundlePeel(dir: string): Promise<string> {
  const cliRoot = path.join(repoRoot, 'packages/cli');
  const fromTsx = createRequire(createRequire(path.join(cliRoot, 'package.json')).resolve('tsx/package.json'));
  const { build } = fromTsx('esbuild') as { build: Build };
  const outfile = path.join(dir, 'peel.mjs');
  await build({
    entryPoints: [path.join(cliRoot, 'src/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    logLevel: 'warning',
  });
  await chmod(outfile, 0o644);
  return outfile;
}
