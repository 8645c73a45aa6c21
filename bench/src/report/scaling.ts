import type { ImageResult } from '../results.js';
import { int, med, mib, s, table } from './format.js';

const ORDER = ['small', 'large', 'huge', 'many-files'];

/**
 * How ingest cost grows: per entry and per byte for each image, and a least-squares fit of
 * time = a·GiB + b·(1000 entries) over all of them — if the work is linear, the fit explains
 * every image within noise.
 */
export function scalingSection(results: ImageResult[]): string {
  const rs = [...results].sort((p, q) => ORDER.indexOf(p.kind) - ORDER.indexOf(q.kind)).filter((r) => r.layouts[0]?.ingest.peel);
  if (!rs.length) return '';
  const pts = rs.map((r) => {
    const l = r.layouts[0];
    return {
      r,
      gib: r.image.uncompressedBytes / 2 ** 30,
      kEntries: r.image.entries / 1000,
      peel: med(l.ingest.peel!.ms),
      floor: med(l.ingest.floor?.ms),
      peak: med(l.ingest.peel!.peakMiB),
      idle: med(l.serverIdleMiB),
    };
  });
  const rows = pts.map((p) => [
    p.r.kind, int(p.r.image.entries), mib(p.r.image.uncompressedBytes), s(p.peel),
    `${(p.peel / p.kEntries).toFixed(0)} ms`, `${(p.peel / 1000 / p.gib).toFixed(1)} s`, `${(p.floor / 1000 / p.gib).toFixed(1)} s`,
    `${p.peak.toFixed(0)} MiB`, `${(((p.peak - p.idle) * 1024) / p.kEntries).toFixed(0)} KiB`,
  ]);
  const out = ['## Scaling (docker layout)', '', table(['image', 'entries', 'uncompressed', 'Peel ingest', 'per 1k entries', 'per GiB', 'floor per GiB', 'peak RSS', 'RSS above idle per 1k entries'], rows), ''];
  const fit = fitLinear(pts.map((p) => ({ a: p.gib, b: p.kEntries, y: p.peel })));
  if (pts.length >= 3 && fit) {
    out.push(`Least-squares fit over these images: **ingest ≈ ${(fit.a / 1000).toFixed(2)} s per GiB + ${fit.b.toFixed(1)} ms per 1,000 entries**. Measured ÷ fitted: ${pts.map((p) => `${p.r.kind} ${(p.peel / (fit.a * p.gib + fit.b * p.kEntries)).toFixed(2)}`).join(', ')} (1.00 = exactly linear; small images carry fixed costs the fit leaves out).`);
    const mem = fitLinear(pts.map((p) => ({ a: p.gib, b: p.kEntries, y: p.peak - p.idle })));
    if (mem) out.push(`Peak RSS above the idle server ≈ ${mem.a.toFixed(1)} MiB per GiB + ${mem.b.toFixed(2)} MiB per 1,000 entries: memory follows the entry count (the index), not the bytes.`);
  } else {
    out.push('(A fit of time against bytes and entries needs at least three images: run without --quick.)');
  }
  return out.join('\n');
}

/** y ≈ a·A + b·B, least squares (normal equations). */
function fitLinear(p: Array<{ a: number; b: number; y: number }>): { a: number; b: number } | null {
  let aa = 0, ab = 0, bb = 0, ay = 0, by = 0;
  for (const q of p) {
    aa += q.a * q.a;
    ab += q.a * q.b;
    bb += q.b * q.b;
    ay += q.a * q.y;
    by += q.b * q.y;
  }
  const det = aa * bb - ab * ab;
  if (Math.abs(det) < 1e-12) return null;
  return { a: (ay * bb - by * ab) / det, b: (aa * by - ab * ay) / det };
}
