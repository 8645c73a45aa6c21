/**
 * `pnpm bench`: generates the images, measures Peel against the floor and the tools people use,
 * and writes bench/RESULTS.md (a --quick run writes bench/out/RESULTS-quick.md instead).
 * Never part of `pnpm test`. See bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { imagesToRun, parseArgs } from './args.js';
import { benchFlattenVsPigz, benchImage } from './bench-image.js';
import { generateImage } from './gen/generate.js';
import { describeMachine, type Machine } from './machine.js';
import { renderReport } from './report/report.js';
import type { ImageResult } from './results.js';
import { spawnText } from './util/exec.js';
import { log } from './util/log.js';

const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(benchDir, '..');
const out = join(benchDir, 'out');

const args = parseArgs(process.argv.slice(2));
await mkdir(join(out, 'results'), { recursive: true });
const machineFile = join(out, 'machine.json');
// A report-only run describes the machine of the last measuring run, not the load of this moment.
const saved = args.reportOnly ? await readFile(machineFile, 'utf8').catch(() => null) : null;
const machine: Machine = saved ? (JSON.parse(saved) as Machine) : await describeMachine(out);
if (!args.reportOnly && !args.quick) await writeFile(machineFile, JSON.stringify(machine, null, 1));
log(`${machine.cpu}, ${machine.cores} cores, ${machine.diskFreeGiB} GiB free; load ${machine.loadAtStart.map((l) => l.toFixed(2)).join(' ')}`);

if (args.reportOnly) {
  await writeReport(await allResults(join(out, 'results')), join(benchDir, 'RESULTS.md'));
  process.exit(0);
}

if (args.flattenVsPigz) {
  for (const kind of imagesToRun(args)) {
    const img = await generateImage(out, kind, args.seed);
    const st = await benchFlattenVsPigz(img, {
      repo, benchDir, work: join(out, 'work'), webDist: null, runs: args.runs, apiRequests: 0, exportRuns: args.runs, browserRuns: 0,
      quick: args.quick, profileDir: null, layouts: ['legacy'], slowOnce: false, postgres: null,
    });
    await writeFile(join(out, `flatten-vs-pigz-${kind}.json`), JSON.stringify({ at: new Date().toISOString(), machine, ...st }, null, 1));
  }
  process.exit(0);
}

let webDist: string | null = null;
if (args.browser) {
  webDist = join(repo, 'apps', 'web', 'dist');
  if (args.build) {
    log('building the web UI (pnpm --filter @peel/web run build)');
    await spawnText('pnpm', ['--filter', '@peel/web', 'run', 'build'], { cwd: repo });
  }
  await stat(join(webDist, 'index.html')).catch(() => {
    throw new Error(`${webDist}/index.html is missing: build the web UI (drop --no-build) or pass --no-browser`);
  });
}

// --postgres: the private PostgreSQL the tests use (started if needed; its databases are the bench's own).
const postgres = args.postgres ? execFileSync('bash', [join(repo, 'scripts/postgres.sh'), 'start'], { encoding: 'utf8' }).trim() : null;
const profileDir = args.profile ? join(out, 'profiles') : null;
if (profileDir) await mkdir(profileDir, { recursive: true });
const fresh: ImageResult[] = [];
for (const kind of imagesToRun(args)) {
  const img = await generateImage(out, kind, args.seed);
  log(`${kind}: measuring (${args.runs} runs per tool and layout)`);
  const result = await benchImage(img, {
    repo,
    benchDir,
    work: join(out, 'work'),
    webDist,
    runs: args.runs,
    apiRequests: args.quick ? 20 : 50,
    exportRuns: args.quick ? 1 : 3,
    browserRuns: args.browser ? (args.quick ? 1 : 2) : 0,
    quick: args.quick,
    profileDir,
    layouts: args.layouts,
    slowOnce: args.slowOnce,
    postgres,
  });
  fresh.push(result);
  if (!args.quick) await writeFile(join(out, 'results', `${kind}.json`), JSON.stringify(result, null, 1));
}

// A full report also carries earlier results of images not run this time (e.g. huge), dated.
await writeReport(args.quick ? fresh : await allResults(join(out, 'results')), args.quick ? join(out, 'RESULTS-quick.md') : join(benchDir, 'RESULTS.md'));

async function writeReport(results: ImageResult[], target: string): Promise<void> {
  const notes = await readFile(join(benchDir, 'src', 'report', 'notes.md'), 'utf8');
  await writeFile(target, renderReport(machine, results, notes));
  log(`wrote ${target}`);
}

/** The image results kept in `dir` (the registry, compare and scale benches keep theirs beside them, in other shapes). */
async function allResults(dir: string): Promise<ImageResult[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  const read = await Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as Partial<ImageResult>));
  return read.filter((r): r is ImageResult => r.image !== undefined && r.kind !== undefined);
}
