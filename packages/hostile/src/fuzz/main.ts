/**
 * `pnpm fuzz [--seconds N] [--out DIR]`: runs the fuzzing worker for a set time in a child
 * process with a heap limit, and watches it. A worker that stops reporting (a hang in
 * synchronous code) is killed; one that dies (out of memory, a crash) is restarted. Either way
 * the input it was on is kept as a finding. Exits 1 when anything was found.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const seconds = Number(arg('seconds') ?? process.env.FUZZ_SECONDS ?? 60);
const out = arg('out') ?? process.env.PEEL_FUZZ_OUT ?? join(tmpdir(), 'peel-fuzz-findings');
const HEAP_MB = 1024;
const SILENCE_MS = 60_000;
mkdirSync(out, { recursive: true });
const before = new Set(readdirSync(out));
const end = Date.now() + seconds * 1000;
let total = 0;

function keepCurrent(kind: string, why: string): void {
  const cur = join(out, 'current.bin');
  if (!existsSync(cur)) return;
  const name = `${kind}-${createHash('sha256').update(readFileSync(cur)).digest('hex').slice(0, 16)}`;
  copyFileSync(cur, join(out, `${name}.bin`));
  writeFileSync(join(out, `${name}.txt`), `${why}\n`);
  console.log(`[fuzz] FINDING ${kind}: ${why} → ${join(out, `${name}.bin`)}`);
}

function runWorker(ms: number, seed: number): Promise<void> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--conditions=source', '--import', 'tsx', join(import.meta.dirname, 'worker.ts')], {
      env: { ...process.env, PEEL_FUZZ_MS: String(ms), PEEL_FUZZ_OUT: out, PEEL_FUZZ_SEED: String(seed) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let last = Date.now();
    let hung = false;
    let seen = 0;
    child.on('message', (m: { runs?: number }) => {
      last = Date.now();
      if (typeof m.runs === 'number') {
        total += m.runs - seen;
        seen = m.runs;
      }
    });
    const watch = setInterval(() => {
      if (Date.now() - last > SILENCE_MS) {
        hung = true;
        child.kill('SIGKILL');
      }
    }, 1000);
    child.on('exit', (code, signal) => {
      clearInterval(watch);
      if (hung) keepCurrent('hang', `the worker stopped responding for ${SILENCE_MS / 1000} s`);
      else if (code !== 0) keepCurrent('died', `the worker exited with ${code ?? signal} (a crash, or out of memory at a ${HEAP_MB} MB heap)`);
      done();
    });
  });
}

console.log(`[fuzz] ${seconds} s, findings in ${out}`);
let seed = Number(process.env.PEEL_FUZZ_SEED ?? Date.now() % 1_000_000);
while (Date.now() < end - 2000) {
  await runWorker(end - Date.now(), seed++);
}
const found = readdirSync(out).filter((f) => f.endsWith('.bin') && f !== 'current.bin' && !before.has(f));
console.log(`[fuzz] done: about ${total} inputs, ${found.length} new finding(s)${found.length ? `:\n  ${found.map((f) => join(out, f)).join('\n  ')}` : ''}`);
console.log('[fuzz] to keep one as a regression test, copy its .bin into packages/hostile/test/regressions/ (see its README)');
process.exit(found.length ? 1 : 0);
