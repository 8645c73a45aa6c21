/**
 * The fuzzing process (started by main.ts, which watches it for hangs and memory blow-ups):
 * fast-check properties over mutated real fixtures, corpus cases and generated archives,
 * against the archive reader and the ingest path, until the deadline. A failing input is
 * shrunk by fast-check and saved to the findings folder.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildApp } from '@peel/server';
import { applyMutations, headerOffsets, mutationArb } from './mutate.js';
import { archiveArb, seeds, wholeArchiveArb } from './seeds.js';
import { checkIngest, checkReader, checkTarParser, Finding } from './targets.js';

const deadline = Date.now() + Number(process.env.PEEL_FUZZ_MS ?? 60_000);
const out = process.env.PEEL_FUZZ_OUT ?? join(tmpdir(), 'peel-fuzz-findings');
const seed = Number(process.env.PEEL_FUZZ_SEED ?? Date.now() % 1_000_000);
mkdirSync(out, { recursive: true });

let runs = 0;
const beat = setInterval(() => process.send?.({ runs }), 1000);

/** Written before every run: if this process hangs or dies, main.ts keeps it as the finding. */
function current(bytes: Buffer): void {
  writeFileSync(join(out, 'current.bin'), bytes);
  runs++;
}

function save(kind: string, bytes: Buffer, detail: string): void {
  const name = `${kind}-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
  writeFileSync(join(out, `${name}.bin`), bytes);
  writeFileSync(join(out, `${name}.txt`), `${detail}\n`);
  console.log(`[fuzz] FINDING ${kind}: ${detail.split('\n')[0]} → ${join(out, `${name}.bin`)}`);
}

const all = seeds().map((s) => ({ ...s, headers: headerOffsets(s.bytes) }));
const chunkArb = fc.oneof(fc.constant(65_536), fc.integer({ min: 1, max: 70_000 }));

const mutatedSeed = fc.integer({ min: 0, max: all.length - 1 }).chain((i) =>
  fc.record({ seed: fc.constant(i), mutations: fc.array(mutationArb(all[i].bytes.length, all[i].headers.length), { minLength: 1, maxLength: 5 }), chunk: chunkArb }),
);
const bytesOf = (v: { seed: number; mutations: Parameters<typeof applyMutations>[2] }): Buffer => applyMutations(all[v.seed].bytes, all[v.seed].headers, v.mutations);

const mutatedGenerated = wholeArchiveArb.chain((bytes) => {
  const headers = headerOffsets(bytes);
  return fc.record({ bytes: fc.constant(bytes), mutations: fc.array(mutationArb(bytes.length, headers.length), { maxLength: 3 }), chunk: chunkArb }).map((v) => ({ ...v, out: applyMutations(v.bytes, headers, v.mutations) }));
});

/** Runs one property until the deadline (or `share` of what is left); saves a shrunk failure. */
async function runProperty<T>(name: string, arb: fc.Arbitrary<T>, toBytes: (v: T) => Buffer, check: (v: T, bytes: Buffer) => Promise<unknown>, ms: number): Promise<void> {
  const details = await fc.check(
    fc.asyncProperty(arb, async (v) => {
      const bytes = toBytes(v);
      current(bytes);
      await check(v, bytes);
    }),
    { seed: seed + runs, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: ms, markInterruptAsFailure: false, endOnFailure: false },
  );
  if (details.failed && details.counterexample) {
    const v = details.counterexample[0];
    const err = details.errorInstance as Error;
    const kind = err instanceof Finding ? err.kind : 'crash';
    save(kind, toBytes(v), `${name}: ${err?.message}\nfast-check seed ${details.seed}, path ${details.counterexample ? details.counterexamplePath : ''}\n${err?.stack ?? ''}`);
  }
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'peel-fuzz-data-'));
  const app = await buildApp({ dataDir });
  console.log(`[fuzz] worker seed ${seed}: ${all.length} seeds (${all.filter((s) => !s.name.startsWith('corpus')).length} real fixtures), findings go to ${out}`);
  try {
    while (Date.now() < deadline) {
      const slice = Math.min(20_000, deadline - Date.now());
      await runProperty('reader/mutated seed', mutatedSeed, bytesOf, async (v, bytes) => {
        checkTarParser(bytes, v.chunk);
        await checkReader(bytes, v.chunk);
      }, slice * 0.45);
      await runProperty('reader/generated archive', mutatedGenerated, (v) => v.out, async (v, bytes) => {
        checkTarParser(bytes, v.chunk);
        await checkReader(bytes, v.chunk);
      }, slice * 0.25);
      await runProperty('ingest/mutated seed', mutatedSeed, bytesOf, (_v, bytes) => checkIngest(app, dataDir, bytes), slice * 0.15);
      await runProperty('ingest/generated archive', archiveArb, (b) => b, (_v, bytes) => checkIngest(app, dataDir, bytes), slice * 0.15);
    }
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
    clearInterval(beat);
  }
  console.log(`[fuzz] worker done: ${runs} inputs`);
}

await main();
process.exit(0);
