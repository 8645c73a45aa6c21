import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { run, settle } from '../util/exec.js';

export interface ToolRun {
  ms: number;
  peakMiB: number;
}

export type Layout = 'legacy' | 'oci';

/** A TypeScript program of this package in its own Node process; its JSON line's `ms` is the time (start-up excluded). */
export async function nodeProgram(benchDir: string, script: string, args: string[]): Promise<ToolRun & { out: Record<string, number> }> {
  await settle();
  const r = await run(process.execPath, ['--conditions=source', '--import', 'tsx', join(benchDir, 'src', script), ...args], { cwd: benchDir });
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
  return { ms: out.ms, peakMiB: r.peakMiB, out };
}

export async function floor(benchDir: string, file: string): Promise<ToolRun> {
  return nodeProgram(benchDir, 'floor/main.ts', [file]);
}

/** The engine alone into a fresh blob store (no server, no SQLite). */
export async function engineOnly(benchDir: string, file: string, work: string): Promise<ToolRun> {
  const store = join(work, 'engine-store');
  await rm(store, { recursive: true, force: true });
  try {
    return await nodeProgram(benchDir, 'engine/main.ts', [file, store]);
  } finally {
    await rm(store, { recursive: true, force: true });
  }
}

/** `skopeo copy docker-archive:… oci:…` (or oci-archive:), into `dest` (left for umoci). */
export async function skopeoCopy(file: string, layout: Layout, dest: string): Promise<ToolRun> {
  await rm(dest, { recursive: true, force: true });
  await settle();
  const r = await run('skopeo', ['copy', '--quiet', `${layout === 'legacy' ? 'docker-archive' : 'oci-archive'}:${file}`, `oci:${dest}:latest`]);
  return { ms: r.ms, peakMiB: r.peakMiB };
}

/** `umoci unpack` of an OCI layout into a runtime bundle (rootfs/ is the merged filesystem). */
export async function umociUnpack(layoutDir: string, bundle: string): Promise<ToolRun> {
  await rm(bundle, { recursive: true, force: true });
  await settle();
  const rootless = process.getuid?.() === 0 ? [] : ['--rootless'];
  const r = await run('umoci', ['unpack', ...rootless, '--image', `${layoutDir}:latest`, bundle]);
  return { ms: r.ms, peakMiB: r.peakMiB };
}

/** GNU tar: extract the archive, then every layer (gzip auto-detected) over one rootfs, in order. */
export async function tarExtract(file: string, layout: Layout, dir: string): Promise<ToolRun> {
  await rm(dir, { recursive: true, force: true });
  const outer = join(dir, 'archive');
  const rootfs = join(dir, 'rootfs');
  await mkdir(outer, { recursive: true });
  await mkdir(rootfs, { recursive: true });
  await settle();
  const first = await run('tar', ['-xf', file, '-C', outer]);
  let ms = first.ms;
  let peak = first.peakMiB;
  for (const layer of await layerPaths(outer, layout)) {
    const r = await run('tar', ['-xf', join(outer, layer), '-C', rootfs]);
    ms += r.ms;
    peak = Math.max(peak, r.peakMiB);
  }
  return { ms, peakMiB: peak };
}

async function layerPaths(outer: string, layout: Layout): Promise<string[]> {
  if (layout === 'legacy') {
    const manifest = JSON.parse(await readFile(join(outer, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>;
    return manifest[0].Layers;
  }
  const index = JSON.parse(await readFile(join(outer, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  const blob = (d: string) => join('blobs', 'sha256', d.slice('sha256:'.length));
  const manifest = JSON.parse(await readFile(join(outer, blob(index.manifests[0].digest)), 'utf8')) as { layers: Array<{ digest: string }> };
  return manifest.layers.map((l) => blob(l.digest));
}
