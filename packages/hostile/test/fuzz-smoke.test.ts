import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@peel/server';
import { applyMutations, headerOffsets, mutationArb } from '../src/fuzz/mutate.js';
import { archiveArb, seeds } from '../src/fuzz/seeds.js';
import { checkIngest, checkReader, checkTarParser } from '../src/fuzz/targets.js';
import { removeDir, tempDir } from './helpers.js';

const REGRESSIONS = join(import.meta.dirname, 'regressions');

/**
 * The fuzzer's checks, in the test command: every saved regression input, then a short
 * fixed-seed run of each property (the full, timed run is `pnpm fuzz`).
 */
describe('fuzz regressions and a fixed-seed smoke run', () => {
  let dir: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = await tempDir();
    app = await buildApp({ dataDir: dir });
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  it('replays every saved regression input', async () => {
    const files = readdirSync(REGRESSIONS).filter((f) => f.endsWith('.bin'));
    for (const f of files) {
      const bytes = readFileSync(join(REGRESSIONS, f));
      for (const chunk of [1 + (bytes.length % 997), 65_536]) {
        checkTarParser(bytes, chunk);
        await checkReader(bytes, chunk);
      }
      await checkIngest(app, dir, bytes);
    }
  });

  it('mutated real fixtures and corpus cases through the reader (fixed seed)', async () => {
    const all = seeds().map((s) => ({ ...s, headers: headerOffsets(s.bytes) }));
    const arb = fc.integer({ min: 0, max: all.length - 1 }).chain((i) =>
      fc.record({ seed: fc.constant(i), mutations: fc.array(mutationArb(all[i].bytes.length, all[i].headers.length), { minLength: 1, maxLength: 4 }), chunk: fc.integer({ min: 1, max: 70_000 }) }));
    const outcomes = new Map<string, number>();
    await fc.assert(fc.asyncProperty(arb, async (v) => {
      const bytes = applyMutations(all[v.seed].bytes, all[v.seed].headers, v.mutations);
      checkTarParser(bytes, v.chunk);
      const outcome = await checkReader(bytes, v.chunk);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }), { seed: 20261127, numRuns: 120 });
    // The mutations reach past the first checks: several kinds of refusal, and some ingests.
    expect(outcomes.size).toBeGreaterThan(4);
  });

  it('generated archives through the ingest path (fixed seed)', async () => {
    const statuses = new Set<number>();
    await fc.assert(fc.asyncProperty(archiveArb, async (bytes) => {
      statuses.add(await checkIngest(app, dir, bytes));
    }), { seed: 20261127, numRuns: 60 });
    expect([...statuses].some((s) => s === 201)).toBe(true);
  });
});
