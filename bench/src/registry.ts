/**
 * `pnpm --filter bench run registry`: opening an image straight from a registry against
 * uploading the same archive, on the generated `large` image (about 800 MiB of gzip layers),
 * through the server (the bundle `pnpm start` runs, SQLite), beside `skopeo copy docker://… oci:…`
 * (the same pull by a tool that only writes the blobs down).
 * The registry is Debian's docker-registry started privately (scripts/registry.sh, open mode);
 * the image is put there by skopeo from the generated OCI archive, blobs kept as they are.
 * Each run uses a fresh data folder, so no blob is in the store beforehand; upload and open
 * alternate so that a drift of the machine's load hits both alike.
 * Target: open ≤ 1.2× upload. Prints a markdown table and writes out/results/registry.json.
 * Options: --runs=N (default 2), --image=KIND (default large).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { ImageSummary, RegistryOpenJob } from '@peel/api';
import { generateImage } from './gen/generate.js';
import type { ImageKind } from './gen/images.js';
import { startServer, uploadFile } from './measure/server.js';
import { median } from './util/stats.js';
import { log } from './util/log.js';

const benchDir = resolve(import.meta.dirname, '..');
const repo = resolve(benchDir, '..');
const out = join(benchDir, 'out');
const opt = (name: string, dflt: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const runs = Number(opt('runs', '2'));
const kind = opt('image', 'large') as ImageKind;

const image = await generateImage(out, kind, 1);
const registryRoot = join(out, 'registry');
const registry = JSON.parse(execFileSync('bash', ['scripts/registry.sh', 'start', 'bench', 'open'], { cwd: repo, env: { ...process.env, PEEL_REGISTRY_ROOT: registryRoot }, encoding: 'utf8' })) as { host: string };
const ref = `${registry.host}/bench/${kind}:1`;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function timeUpload(dataDir: string): Promise<number> {
  const server = await startServer({ repo, dataDir, webDist: join(dataDir, 'no-web') });
  try {
    const t0 = performance.now();
    const res = await uploadFile(server.address, image.oci, `${kind}.tar`);
    const ms = performance.now() - t0;
    if (res.status !== 201 && res.status !== 200) throw new Error(`upload: ${res.status} ${res.body.slice(0, 300)}`);
    return ms;
  } finally {
    await server.stop();
  }
}

async function timeOpen(dataDir: string): Promise<{ ms: number; image: ImageSummary }> {
  const server = await startServer({ repo, dataDir, webDist: join(dataDir, 'no-web') });
  try {
    const url = (p: string) => new URL(p, server.address);
    const t0 = performance.now();
    const started = await fetch(url('/api/registry/open-jobs'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ref }) });
    if (started.status !== 202) throw new Error(`open-jobs: ${started.status} ${await started.text()}`);
    let job = (await started.json()) as RegistryOpenJob;
    while (job.state !== 'done' && job.state !== 'failed') {
      await new Promise((r) => setTimeout(r, 100));
      job = (await (await fetch(url(`/api/registry/open-jobs/${job.id}`))).json()) as RegistryOpenJob;
    }
    const ms = performance.now() - t0;
    if (job.state === 'failed' || !job.image) throw new Error(`open failed: ${job.error}`);
    return { ms, image: job.image };
  } finally {
    await server.stop();
  }
}

function timeSkopeo(dir: string): number {
  const t0 = performance.now();
  execFileSync('skopeo', ['copy', '--src-tls-verify=false', `docker://${ref}`, `oci:${dir}:pulled`], { stdio: 'ignore' });
  return performance.now() - t0;
}

try {
  log(`${kind}: pushing to ${ref} with skopeo (blobs as they are)`);
  execFileSync('skopeo', ['copy', '--dest-tls-verify=false', '--preserve-digests', `oci-archive:${image.oci}`, `docker://${ref}`], { stdio: 'ignore' });
  const work = join(out, 'registry-store');
  const upload: number[] = [];
  const open: number[] = [];
  const skopeo: number[] = [];
  const loads: number[] = [];
  for (let r = 0; r < runs; r++) {
    const order = r % 2 === 0 ? ['upload', 'open'] : ['open', 'upload'];
    for (const step of order) {
      await rm(work, { recursive: true, force: true });
      await mkdir(work, { recursive: true });
      loads.push(loadavg()[0]);
      if (step === 'upload') {
        upload.push(await timeUpload(work));
        log(`run ${r + 1}: upload ${seconds(upload.at(-1)!)}`);
      } else {
        const o = await timeOpen(work);
        open.push(o.ms);
        log(`run ${r + 1}: open from the registry ${seconds(o.ms)} (${o.image.layerCount} layers, ${o.image.fileCount} files)`);
      }
    }
    const dir = join(work, 'skopeo-oci');
    await rm(dir, { recursive: true, force: true });
    skopeo.push(timeSkopeo(dir));
    log(`run ${r + 1}: skopeo copy docker://… oci:… ${seconds(skopeo.at(-1)!)}`);
  }
  await rm(work, { recursive: true, force: true });
  const result = {
    image: kind,
    archiveBytes: image.archiveBytes.oci,
    runs,
    uploadMs: upload,
    openMs: open,
    skopeoMs: skopeo,
    ratioOpenToUpload: median(open) / median(upload),
    ratioOpenToSkopeo: median(open) / median(skopeo),
    load1: loads,
    target: 'open ≤ 1.2× upload',
  };
  await mkdir(join(out, 'results'), { recursive: true });
  writeFileSync(join(out, 'results', 'registry.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`| ${kind} (${(result.archiveBytes / 2 ** 20).toFixed(0)} MiB) | median of ${runs} | load ${loads.map((l) => l.toFixed(1)).join('/')} |`);
  console.log('|---|---|---|');
  console.log(`| upload (POST /api/images) | ${seconds(median(upload))} | ${upload.map(seconds).join(', ')} |`);
  console.log(`| open from the registry (open job) | ${seconds(median(open))} | ${open.map(seconds).join(', ')} |`);
  console.log(`| skopeo copy docker://… oci:… | ${seconds(median(skopeo))} | ${skopeo.map(seconds).join(', ')} |`);
  console.log(`| open ÷ upload | **${result.ratioOpenToUpload.toFixed(2)}×** (target ≤ 1.2×) | open ÷ skopeo ${result.ratioOpenToSkopeo.toFixed(2)}× |`);
} finally {
  execFileSync('bash', ['scripts/registry.sh', 'stop', 'bench'], { cwd: repo, env: { ...process.env, PEEL_REGISTRY_ROOT: registryRoot }, stdio: 'ignore' });
}
