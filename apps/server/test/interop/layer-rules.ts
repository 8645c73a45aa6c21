/**
 * What no layer an export writes may contain (issue 5): a path twice, a path and its whiteout,
 * a whiteout of a folder plus entries under it (an opaque marker is the way), a hard link to
 * something outside the layer (or later in it). Checked on GNU tar's listing of each layer.
 */
import path from 'node:path';
import { listTar } from '../../../../packages/engine/test/interop/gnu-tar.js';
import type { ExportedImage } from './export-archive.js';

export async function layerRuleViolations(image: ExportedImage): Promise<string[]> {
  const problems: string[] = [];
  for (const [i, layer] of image.manifest.layers.entries()) {
    const records = await listTar(path.join(image.dir, 'blobs', 'sha256', layer.digest.slice('sha256:'.length)));
    const seen = new Set<string>();
    const whiteouts: string[] = [];
    for (const r of records) {
      if (r.path === '') continue;
      if (seen.has(r.path)) problems.push(`layer ${i}: ${r.path} appears twice`);
      if (r.type === 'h' && !seen.has(r.link ?? '')) problems.push(`layer ${i}: hard link ${r.path} -> ${r.link}, which is not earlier in the layer`);
      seen.add(r.path);
      const base = path.posix.basename(r.path);
      if (base.startsWith('.wh.') && base !== '.wh..wh..opq') whiteouts.push(path.posix.join(path.posix.dirname(r.path), base.slice(4)));
    }
    for (const w of whiteouts) {
      const target = w.startsWith('./') ? w.slice(2) : w;
      for (const p of seen) {
        if (p === target || p.startsWith(`${target}/`)) problems.push(`layer ${i}: ${p} is written in the same layer as the whiteout of ${target}`);
      }
    }
  }
  return problems;
}
