import { mkdir, readFile, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnText } from '../util/exec.js';
import { fmtMiB, log } from '../util/log.js';
import { writeLegacyArchive, writeOciArchive, type BuiltLayer } from './archive.js';
import { imageFacts, type ImageFacts } from './facts.js';
import { planImage, type ImageKind } from './images.js';
import { writeLayer, type WrittenLayer } from './layer-writer.js';

/** Bumped whenever the generator's output changes, so cached archives are rebuilt. */
const GENERATOR_VERSION = 3;

export interface GeneratedImage {
  version: number;
  kind: ImageKind;
  seed: number;
  tag: string;
  legacy: string;
  oci: string;
  archiveBytes: { legacy: number; oci: number };
  layers: Array<WrittenLayer & { gzip: boolean }>;
  entries: number;
  files: number;
  contentBytes: number;
  uncompressedBytes: number;
  facts: ImageFacts;
  skopeo: { legacy: string; oci: string };
  generateSeconds: number;
}

/** Generates (or reuses) an image as a legacy `docker save` archive and an OCI archive, each checked by skopeo once. */
export async function generateImage(outDir: string, kind: ImageKind, seed: number): Promise<GeneratedImage> {
  const dir = join(outDir, 'images', kind);
  const metaFile = join(dir, 'meta.json');
  const cached = await readMeta(metaFile);
  if (cached && cached.version === GENERATOR_VERSION && cached.seed === seed && (await exists(cached.legacy)) && (await exists(cached.oci))) {
    log(`${kind}: reusing ${cached.legacy} (${fmtMiB(cached.archiveBytes.legacy)}, generator v${GENERATOR_VERSION}, seed ${seed})`);
    return cached;
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'blobs'), { recursive: true });
  const t0 = performance.now();
  const plan = planImage(kind, seed);
  let planned = 0;
  for (const l of plan.layers) for (const e of l.entries) if (e.type === 'file') planned += e.size;
  await checkDisk(outDir, planned * 4, kind);
  log(`${kind}: writing ${plan.layers.length} layers, ${fmtMiB(planned)} of content`);
  const layers: BuiltLayer[] = [];
  for (const [i, l] of plan.layers.entries()) {
    const file = join(dir, 'blobs', `layer-${i}`);
    const w = await writeLayer(l, seed * 31 + i, i, file);
    log(`${kind}: layer ${i}: ${w.entries} entries, ${fmtMiB(w.uncompressedSize)} tar${l.gzip ? ` → ${fmtMiB(w.size)} gzip` : ''}`);
    layers.push({ ...w, file, gzip: l.gzip, createdBy: l.createdBy });
  }
  const legacy = join(dir, `${kind}-docker.tar`);
  const oci = join(dir, `${kind}-oci.tar`);
  await writeLegacyArchive(legacy, plan, layers);
  await writeOciArchive(oci, plan, layers);
  await rm(join(dir, 'blobs'), { recursive: true, force: true });
  const skopeo = { legacy: await inspect(`docker-archive:${legacy}`, layers.length), oci: await inspect(`oci-archive:${oci}`, layers.length) };
  const meta: GeneratedImage = {
    version: GENERATOR_VERSION,
    kind,
    seed,
    tag: plan.tag,
    legacy,
    oci,
    archiveBytes: { legacy: (await stat(legacy)).size, oci: (await stat(oci)).size },
    layers: layers.map(({ file: _f, createdBy: _c, ...w }) => w),
    entries: layers.reduce((n, l) => n + l.entries, 0),
    files: layers.reduce((n, l) => n + l.files, 0),
    contentBytes: layers.reduce((n, l) => n + l.contentBytes, 0),
    uncompressedBytes: layers.reduce((n, l) => n + l.uncompressedSize, 0),
    facts: imageFacts(plan, layers),
    skopeo,
    generateSeconds: (performance.now() - t0) / 1000,
  };
  await writeFile(metaFile, JSON.stringify(meta, null, 2));
  log(`${kind}: ${meta.entries} entries, ${meta.files} files, ${fmtMiB(meta.uncompressedBytes)} uncompressed, archive ${fmtMiB(meta.archiveBytes.legacy)}; skopeo ok (${meta.generateSeconds.toFixed(0)} s)`);
  return meta;
}

/** `skopeo inspect` must read the archive and see every layer; returns the manifest digest it reports. */
async function inspect(ref: string, layers: number): Promise<string> {
  const { stdout } = await spawnText('skopeo', ['inspect', ref]);
  const info = JSON.parse(stdout) as { Digest: string; Layers: string[] };
  if (info.Layers.length !== layers) throw new Error(`skopeo inspect ${ref}: ${info.Layers.length} layers, expected ${layers}`);
  return info.Digest;
}

async function checkDisk(dir: string, need: number, kind: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const s = await statfs(dir);
  const free = s.bavail * s.bsize;
  if (free < need + 5 * 2 ** 30) {
    throw new Error(`not enough disk for the ${kind} image under ${dir}: ${fmtMiB(free)} free, about ${fmtMiB(need + 5 * 2 ** 30)} needed (archives, ingest store, extracted copies)`);
  }
}

async function readMeta(file: string): Promise<GeneratedImage | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as GeneratedImage;
  } catch {
    return null;
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}
