import type { SortedRuns, SortedRunsOptions } from '../fs/sorted-runs.js';
import { Readable } from 'node:stream';
import { EngineError, type EngineErrorCode } from '../errors.js';
import type { BlobStore } from '../store/blob-store.js';
import type { ArchiveEntry, ArchiveFormat, LayerScan, Platform, PlatformChoice, Problem, ResolvedImage } from '../types.js';
import { ArchiveFiles } from './archive-files.js';
import { buildImage } from './build-image.js';
import { walkDockerManifest, type DockerCandidate } from './docker-walk.js';
import { assignRoles } from './roles.js';
import { scanArchive } from './scan.js';
import { endedEarly } from './scan-errors.js';
import type { ScannedLayer } from './blob-scanner.js';
import { walkOciIndex, checkSize, platformString, type OciCandidate } from './oci-walk.js';
import { normalizeTag } from './tags.js';

export interface OpenOptions {
  /** `os/arch[/variant]`; default: the host's platform when present, else the first image. */
  platform?: string;
  /** Pick the image carrying this tag (multi-image archives). */
  tag?: string;
  maxJsonBytes?: number;
  /** Per-layer uncompressed byte limit (decompression bombs). */
  maxLayerBytes?: number;
  maxEntriesPerLayer?: number;
  /** Layer entries of all layers together (each costs memory while the image is indexed). */
  maxEntriesPerArchive?: number;
  /** Refuse compressed data that expands more than this many times (decompression bombs); 0: off. */
  maxExpansionRatio?: number;
  /**
   * Sort each layer's entries into bounded-memory runs (LayerScan.runs, for StreamMerge) instead
   * of keeping them in LayerScan.entries. On success the caller disposes of every layer's runs
   * (onLayer reports each, also of tars the image does not use); on failure they are disposed of here.
   */
  sortedRuns?: SortedRunsOptions;
  signal?: AbortSignal;
  onProgress?: (bytes: number) => void;
  /** See ScanOptions.onLayer: each layer's index as soon as its blob is stored. */
  onLayer?: (layer: ScannedLayer) => void;
  /** Called with the blobs this ingest added when it fails; default: delete them. */
  cleanup?: (newBlobs: string[]) => Promise<void>;
}

export interface ImageArchive {
  format: ArchiveFormat;
  archiveDigest: string;
  archiveSize: number;
  outerCompression: 'none' | 'gzip' | 'zstd';
  entries: ArchiveEntry[];
  platforms: PlatformChoice[];
  /** The selected image. */
  image: ResolvedImage;
  images: ResolvedImage[];
  /** Layer indexes by the digest of the stored layer blob (`ImageLayer.blob`). */
  layerScans: Map<string, LayerScan>;
  /** Every blob this ingest stored, and those that were not in the store before. */
  blobs: string[];
  newBlobs: string[];
  problems: Problem[];
}

/** What an archive may hold unless the caller says otherwise (docs/SECURITY.md explains each). */
export const DEFAULT_LIMITS = {
  maxJsonBytes: 16 * 1024 * 1024,
  maxLayerBytes: 64 * 1024 ** 3,
  maxEntriesPerLayer: 1_000_000,
  maxEntriesPerArchive: 1_000_000,
  maxExpansionRatio: 200,
};

/**
 * Reads an image archive in one streaming pass into `store`, then resolves and verifies its
 * images. Throws EngineError for anything wrong with the input; on failure the blobs it added
 * are removed (see `cleanup`), so nothing of a refused archive remains.
 */
export async function openImageArchive(input: Readable | AsyncIterable<Buffer> | Iterable<Buffer>, store: BlobStore, options: OpenOptions = {}): Promise<ImageArchive> {
  const committed: Array<{ digest: string; existed: boolean }> = [];
  const runs: SortedRuns[] = [];
  try {
    const scan = await scanArchive(input, store, {
      maxJsonBytes: options.maxJsonBytes ?? DEFAULT_LIMITS.maxJsonBytes,
      maxBytes: options.maxLayerBytes ?? DEFAULT_LIMITS.maxLayerBytes,
      maxEntries: options.maxEntriesPerLayer ?? DEFAULT_LIMITS.maxEntriesPerLayer,
      maxEntriesPerArchive: options.maxEntriesPerArchive ?? DEFAULT_LIMITS.maxEntriesPerArchive,
      maxExpansionRatio: options.maxExpansionRatio ?? DEFAULT_LIMITS.maxExpansionRatio,
      sortedRuns: options.sortedRuns,
      signal: options.signal,
      onProgress: options.onProgress,
      onLayer: (layer) => {
        if (layer.runs) runs.push(layer.runs);
        options.onLayer?.(layer);
      },
      onCommitted: (c) => committed.push(c),
    });
    try {
      return resolveArchive(scan, options);
    } catch (e) {
      if (e instanceof EngineError && !scan.endMarker && CUT_SHORT_CODES.has(e.code)) throw endedEarly(e, scan.archiveSize);
      throw e;
    }
  } catch (e) {
    for (const r of runs) r.dispose();
    const fresh = [...new Set(committed.filter((c) => !c.existed).map((c) => c.digest))];
    const cleanup = options.cleanup ?? ((digests: string[]) => Promise.all(digests.map((d) => store.delete(d))).then(() => undefined));
    await cleanup(fresh);
    throw e;
  }
}

/** What a resolver says of an archive cut between two entries: its manifest or blobs are missing. */
const CUT_SHORT_CODES = new Set<EngineErrorCode>(['NOT_AN_IMAGE', 'MISSING_BLOB', 'LAYER_COUNT_MISMATCH']);

function resolveArchive(scan: Awaited<ReturnType<typeof scanArchive>>, options: OpenOptions): ImageArchive {
  const files = new ArchiveFiles(scan);
  const problems: Problem[] = [...scan.problems];
  verifyBlobNames(scan.files.values());

  const hasLayout = files.has('oci-layout');
  const hasIndex = files.has('index.json');
  const hasManifestJson = files.has('manifest.json');
  if (hasLayout) checkLayout(files, problems);
  if (!hasManifestJson && !hasIndex) {
    const legacyV1 = files.has('repositories') && [...scan.files.keys()].some((p) => /^[^/]+\/json$/.test(p));
    throw new EngineError(legacyV1 ? 'UNSUPPORTED_FORMAT' : 'NOT_AN_IMAGE', legacyV1
      ? 'this is a pre-Docker-1.10 image archive (repositories + <id>/json, no manifest.json); Peel does not read it (Docker 29 dropped it too) — load it into an old Docker and save it again'
      : 'no manifest.json or index.json in the archive: not a `docker save` or OCI image archive');
  }

  const oci = hasIndex ? walkOciIndex(files, problems) : null;
  const docker = hasManifestJson ? walkDockerManifest(files) : null;
  if (hasManifestJson && docker === null) {
    problems.push({ code: 'NULL_MANIFEST_JSON', severity: 'warning', message: 'manifest.json is null (Docker 25.0 `docker save img@digest`); docker load would refuse this archive' });
    if (!oci) throw new EngineError('NOT_AN_IMAGE', 'manifest.json is `null` and there is no index.json: the archive describes no image (Docker 25.0 `docker save img@digest` bug — save by tag instead)');
  }
  const format: ArchiveFormat = docker && oci ? 'docker-oci' : docker ? 'docker-legacy' : 'oci';

  const images: ResolvedImage[] = [];
  const platforms: PlatformChoice[] = [];
  const usedOci = new Set<OciCandidate>();
  const imageByCandidate = new Map<object, ResolvedImage>();
  for (const d of docker ?? []) {
    const match = oci?.candidates.find((c) => c.available && c.config?.digest === d.configFile.digest);
    if (match) usedOci.add(match);
    const image = buildDocker(files, d, match, problems);
    images.push(image);
    imageByCandidate.set(d, image);
    platforms.push({ platform: image.platform, manifestDigest: image.manifestDigest, available: true, tags: image.tags });
  }
  for (const c of oci?.candidates ?? []) {
    if (usedOci.has(c)) continue;
    if (!c.available) {
      if (c.platform) platforms.push({ platform: c.platform, manifestDigest: c.manifestDigest, available: false, tags: c.tags.map(normalizeTag) });
      continue;
    }
    const image = buildOci(files, c);
    images.push(image);
    imageByCandidate.set(c, image);
    platforms.push({ platform: image.platform, manifestDigest: image.manifestDigest, available: true, tags: image.tags });
  }
  if (images.length === 0) throw new EngineError('NOT_AN_IMAGE', 'the archive names no image whose blobs are all present');

  const image = select(images, platforms, options);
  const layerScans = new Map<string, LayerScan>();
  for (const img of images) {
    for (const l of img.layers) {
      const f = files.at(l.archivePath)!;
      layerScans.set(l.blob, { digest: f.digest, size: f.size, compression: l.compression, diffId: l.diffId, uncompressedSize: l.uncompressedSize, tarBlob: l.tarBlob, entries: f.layer!.entries, runs: f.layer!.runs, entryCount: f.layer!.entryCount, contentSize: f.layer!.contentSize, problems: f.layer!.problems });
    }
  }
  const entries = assignRoles(files, image, images, oci, docker ?? []);
  const all = scan.committed.map((c) => c.digest);
  return {
    format,
    archiveDigest: scan.archiveDigest,
    archiveSize: scan.archiveSize,
    outerCompression: scan.outerCompression,
    entries,
    platforms,
    image,
    images,
    layerScans,
    blobs: [...new Set(all)],
    newBlobs: [...new Set(scan.committed.filter((c) => !c.existed).map((c) => c.digest))],
    problems: [...problems, ...image.problems],
  };
}

function buildDocker(files: ArchiveFiles, d: DockerCandidate, match: OciCandidate | undefined, problems: Problem[]): ResolvedImage {
  const layers = d.layerFiles.map((file, i) => ({ file, path: d.layerPaths[i], mediaType: null as string | null }));
  if (match) {
    const sameOrder = match.layers.length === layers.length && match.layers.every((l, i) => l.digest === layers[i].file.digest);
    if (sameOrder) match.layers.forEach((l, i) => { checkSize(l, layers[i].file); layers[i].mediaType = l.mediaType ?? null; });
    else problems.push({ code: 'OCI_MANIFEST_DISAGREES', severity: 'warning', message: `the OCI manifest ${match.manifestDigest} lists other layers than manifest.json (Docker 25.0.0 wrote them out of order); manifest.json is used` });
  }
  const tags = [...d.repoTags, ...(match?.tags ?? [])].map(normalizeTag);
  return buildImage(files, {
    tags: [...new Set(tags)],
    platform: match?.platform ?? null,
    manifestDigest: match?.manifestDigest ?? null,
    manifestMediaType: match?.manifestMediaType ?? null,
    configFile: d.configFile,
    layers,
  });
}

function buildOci(files: ArchiveFiles, c: OciCandidate): ResolvedImage {
  const configFile = files.blob(c.config!.digest)!;
  checkSize(c.config!, configFile);
  const layers = c.layers.map((l) => {
    const file = files.blob(l.digest)!;
    checkSize(l, file);
    return { file, path: file.path, mediaType: l.mediaType ?? null };
  });
  return buildImage(files, {
    tags: [...new Set(c.tags.map(normalizeTag))],
    platform: c.platform,
    manifestDigest: c.manifestDigest,
    manifestMediaType: c.manifestMediaType,
    configFile,
    layers,
  });
}

function select(images: ResolvedImage[], platforms: PlatformChoice[], options: OpenOptions): ResolvedImage {
  if (options.tag) {
    const want = normalizeTag(options.tag);
    const found = images.find((i) => i.tags.includes(want));
    if (!found) throw new EngineError('NO_SUCH_PLATFORM', `no image tagged ${options.tag} in the archive (tags: ${images.flatMap((i) => i.tags).join(', ') || 'none'})`);
    return found;
  }
  if (options.platform) {
    const found = images.find((i) => platformString(i.platform) === options.platform || `${i.platform.os}/${i.platform.architecture}` === options.platform);
    if (!found) {
      const listed = platforms.find((p) => platformString(p.platform) === options.platform);
      throw new EngineError('NO_SUCH_PLATFORM', listed
        ? `platform ${options.platform} is listed by the index but its blobs are not in the archive (a partial export)`
        : `no ${options.platform} image in the archive (platforms: ${platforms.map((p) => platformString(p.platform)).join(', ')})`);
    }
    return found;
  }
  const host = hostPlatform();
  return images.find((i) => i.platform.os === host.os && i.platform.architecture === host.architecture) ?? images[0];
}

export function hostPlatform(): Platform {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return { os: 'linux', architecture: arch[process.arch] ?? process.arch };
}

/** Every `blobs/<alg>/<hex>` file must hash to its name. */
function verifyBlobNames(files: Iterable<{ path: string; digest: string }>): void {
  for (const f of files) {
    const m = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(f.path);
    if (m && f.digest !== `sha256:${m[1]}`) {
      throw new EngineError('DIGEST_MISMATCH', `blob ${f.path} does not match its name: its content hashes to ${f.digest} (corrupt or tampered archive)`, { subject: f.path });
    }
  }
}

function checkLayout(files: ArchiveFiles, problems: Problem[]): void {
  const f = files.at('oci-layout')!;
  let version: unknown;
  try {
    version = (files.json(f, 'oci-layout') as { imageLayoutVersion?: unknown } | null)?.imageLayoutVersion;
  } catch {
    version = undefined;
  }
  if (version !== '1.0.0') {
    problems.push({ code: 'OCI_LAYOUT_VERSION', severity: 'warning', message: `oci-layout says imageLayoutVersion ${JSON.stringify(version)}; containerd and umoci require "1.0.0"` });
  }
}
