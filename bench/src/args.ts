import type { ImageKind } from './gen/images.js';

export interface Args {
  quick: boolean;
  huge: boolean;
  only: ImageKind[] | null;
  runs: number;
  seed: number;
  browser: boolean;
  build: boolean;
  profile: boolean;
  layouts: Array<'legacy' | 'oci'>;
  /** Only render RESULTS.md again from bench/out/results (e.g. after editing the notes). */
  reportOnly: boolean;
  /** Measure umoci unpack and GNU tar -xf in the first run of each layout only (they take minutes). */
  slowOnce: boolean;
  /** Only flatten with gzip against `tar -I pigz -cf` (written to bench/out, not RESULTS.md). */
  flattenVsPigz: boolean;
  /** Also Peel with its index on PostgreSQL (a private server from scripts/postgres.sh). */
  postgres: boolean;
}

const KINDS: ImageKind[] = ['small', 'large', 'many-files', 'compressible', 'huge', 'files-3m', 'files-10m'];

const USAGE = `pnpm bench [-- options]
  --quick          the small image only, fewer runs: checks that the benchmark works
  --huge           also the 5 GiB image
  --only=a,b       just these images (${KINDS.join(', ')})
  --runs=N         runs per tool and layout (default 3; quick 2)
  --seed=N         generator seed (default 1)
  --no-browser     skip the Chromium measurements
  --no-build       use apps/web/dist as it is
  --profile        write a V8 CPU profile of the server's last ingest of each image to bench/out/profiles
  --layouts=a,b    archive layouts to measure: legacy, oci (default both)
  --report-only    write RESULTS.md again from the results in bench/out/results
  --slow-once      umoci unpack and tar -xf once per layout instead of every run (they are 3–30× slower than Peel)
  --flatten-vs-pigz  only flatten with a gzip layer against "tar -I pigz -cf" of the merged tree, interleaved
                   (--runs pairs, default 3); writes bench/out/flatten-vs-pigz-<image>.json, not RESULTS.md
  --postgres       also Peel on PostgreSQL: ingest and API latency with PEEL_DATABASE_URL (scripts/postgres.sh)`;

export function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, huge: false, only: null, runs: 0, seed: 1, browser: true, build: true, profile: false, layouts: ['legacy', 'oci'], reportOnly: false, slowOnce: false, flattenVsPigz: false, postgres: false };
  for (const arg of argv) {
    const [k, v] = arg.split('=', 2);
    if (k === '--') continue;
    else if (k === '--quick') a.quick = true;
    else if (k === '--huge') a.huge = true;
    else if (k === '--no-browser') a.browser = false;
    else if (k === '--no-build') a.build = false;
    else if (k === '--profile') a.profile = true;
    else if (k === '--report-only') a.reportOnly = true;
    else if (k === '--slow-once') a.slowOnce = true;
    else if (k === '--flatten-vs-pigz') a.flattenVsPigz = true;
    else if (k === '--postgres') a.postgres = true;
    else if (k === '--layouts') {
      const ls = (v ?? '').split(',').filter(Boolean);
      if (!ls.length || ls.some((l) => l !== 'legacy' && l !== 'oci')) throw new Error(`--layouts: legacy and/or oci, got ${JSON.stringify(v)}\n${USAGE}`);
      a.layouts = ls as Args['layouts'];
    }
    else if (k === '--runs') a.runs = positive(k, v);
    else if (k === '--seed') a.seed = positive(k, v);
    else if (k === '--only') {
      const kinds = (v ?? '').split(',').filter(Boolean);
      for (const x of kinds) if (!KINDS.includes(x as ImageKind)) throw new Error(`--only: unknown image ${JSON.stringify(x)} (${KINDS.join(', ')})\n${USAGE}`);
      a.only = kinds as ImageKind[];
    } else if (k === '--help' || k === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  if (a.runs === 0) a.runs = a.quick ? 2 : 3;
  return a;
}

export function imagesToRun(a: Args): ImageKind[] {
  if (a.only) return a.only;
  if (a.quick) return ['small'];
  return a.huge ? ['small', 'large', 'many-files', 'compressible', 'huge'] : ['small', 'large', 'many-files', 'compressible'];
}

function positive(k: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${k} needs a positive whole number, got ${JSON.stringify(v)}`);
  return n;
}
