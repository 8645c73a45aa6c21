import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExternalSort } from '../src/index.js';

/**
 * The sort on disk against Array.prototype.sort of the same rows: with no run, a few runs, and
 * hundreds of runs (whose read buffers share the merge's budget, so each is small and lines cross
 * many buffer ends), equal keys kept in the order they were added.
 */
interface Row { key: string; added: number; payload: string }

/** Deterministic rows (a fixed-seed LCG): keys that repeat, of uneven lengths, some not ASCII. */
function rows(n: number): Row[] {
  let s = 12345;
  const next = (m: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % m;
  };
  return Array.from({ length: n }, (_, added) => ({
    key: `k${next(n / 4 + 1)}${'é'.repeat(next(3))}`,
    added,
    payload: 'x'.repeat(next(200)),
  }));
}

const compare = (a: Row, b: Row): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

describe('ExternalSort', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });

  for (const [count, chunkRows] of [[1_000, 5_000], [10_000, 3_000], [60_000, 250]] as const) {
    it(`${count} rows in runs of ${chunkRows}: the order a stable in-memory sort gives, every run removed after`, async () => {
      const root = mkdtempSync(join(tmpdir(), 'peel-sort-test-'));
      roots.push(root);
      const input = rows(count);
      const sort = new ExternalSort<Row>({
        compare,
        encode: (r) => [r.key, r.added, r.payload],
        decode: ([key, added, payload]) => ({ key: key as string, added: added as number, payload: payload as string }),
        chunkRows,
        tempRoot: root,
      });
      for (const r of input) sort.add(r);
      const out: Row[] = [];
      for await (const batch of sort.sorted()) out.push(...batch);
      sort.dispose();
      expect(out.length).toBe(count);
      expect(out.map((r) => `${r.key} ${r.added}`)).toEqual([...input].sort(compare).map((r) => `${r.key} ${r.added}`));
      expect(out.every((r) => r.payload === input[r.added].payload)).toBe(true);
      expect(readdirSync(root)).toEqual([]);
    });
  }
});
