import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openImageArchive } from '@peel/engine';
import { DigestOnlyStore } from '../src/memory-store.js';
import { fixture } from './helpers.js';

/**
 * A real `docker save` archive cut at every 512-byte boundary, and at a few odd offsets inside
 * blocks: each prefix is refused with a typed error naming what is missing, or (cut between
 * entries after every needed file) read as exactly the whole image. Never a crash, a hang or
 * a leftover blob. (A digest-only store keeps the 6,000 runs fast; the server-side cut tests
 * use the real one.)
 */
describe('truncation at every block boundary of a real image', () => {
  // tiny-docker-legacy: a real `docker save` (about 4,000 cuts, ~30 s on 2 cores).
  for (const name of ['tiny-docker-legacy']) {
    it(name, async () => {
      const store = new DigestOnlyStore();
      const bytes = readFileSync(fixture(name));
      const whole = await openImageArchive([bytes], store);
      const wholeView = JSON.stringify({ config: whole.image.configDigest, layers: whole.image.layers.map((l) => [l.diffId, l.entryCount]) });
      const baseline = [...store.blobs.keys()].sort();
      const outcomes = new Map<string, number>();
      const cuts: number[] = [];
      for (let cut = 0; cut < bytes.length; cut += 512) cuts.push(cut);
      for (let cut = 1; cut < bytes.length; cut += 65_537) cuts.push(cut);
      for (const cut of cuts) {
        // Each prefix arrives in two chunks, split at an odd place, as a socket would deliver it.
        const prefix = bytes.subarray(0, cut);
        const split = Math.floor(cut / 3);
        const result = await openImageArchive([prefix.subarray(0, split), prefix.subarray(split)], store).then(
          (a) => ({ ok: JSON.stringify({ config: a.image.configDigest, layers: a.image.layers.map((l) => [l.diffId, l.entryCount]) }) }),
          (e: { code?: string; message: string }) => ({ code: e.code ?? `untyped: ${e.message}` }),
        );
        if ('ok' in result) {
          expect(result.ok, `cut at ${cut} read as another image`).toBe(wholeView);
          outcomes.set('whole image', (outcomes.get('whole image') ?? 0) + 1);
        } else {
          expect(['TRUNCATED', 'NOT_A_TAR', 'NOT_AN_IMAGE', 'MISSING_BLOB', 'DECOMPRESSION_FAILED', 'BAD_TAR_HEADER'], `cut at ${cut}`).toContain(result.code);
          outcomes.set(result.code, (outcomes.get(result.code) ?? 0) + 1);
        }
      }
      console.log(`[truncation] ${name}: ${cuts.length} cuts → ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`);
      expect([...store.blobs.keys()].sort(), 'no blob of a refused prefix remains').toEqual(baseline);
      expect(store.pending, 'every blob writer was committed or aborted').toBe(0);
    });
  }
});
