import { EngineError } from '../errors.js';
import type { Platform, Problem } from '../types.js';
import { ArchiveFiles, isObject, malformed } from './archive-files.js';
import type { ScannedFile } from './blob-scanner.js';
import { isIndexType, isManifestType } from './media-types.js';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

/** One image manifest reached from index.json. */
export interface OciCandidate {
  manifestDigest: string;
  manifestMediaType: string;
  platform: Platform | null;
  tags: string[];
  /** null when the manifest blob itself is missing (partial exports). */
  manifestFile: ScannedFile | null;
  config: Descriptor | null;
  layers: Descriptor[];
  /** Every blob of the image is in the archive. */
  available: boolean;
}

export interface OciWalk {
  candidates: OciCandidate[];
  /** Role of each blob digest met on the walk. */
  roles: Map<string, { role: 'index' | 'manifest' | 'attestation'; label: string }>;
  /** Digests of blobs that belong to attestations (their config and layers too). */
  attestationBlobs: Set<string>;
}

const MAX_DEPTH = 8;

/** Walks index.json (and nested indexes) down to image manifests, tolerating missing blobs. */
export function walkOciIndex(files: ArchiveFiles, problems: Problem[]): OciWalk {
  const indexFile = files.at('index.json')!;
  const walk: OciWalk = { candidates: [], roles: new Map(), attestationBlobs: new Set() };
  const root = files.json(indexFile, 'index.json');
  const visit = (index: unknown, where: string, depth: number, stack: string[]) => {
    if (!isObject(index)) throw malformed('the image index', where, 'is not a JSON object');
    const list = index.manifests;
    if (list === null || list === undefined) {
      problems.push({ code: 'NULL_MANIFESTS', severity: 'warning', message: `${where} has no manifests list (Docker 25.0 \`docker save img@digest\` writes "manifests": null)` });
      return;
    }
    if (!Array.isArray(list)) throw malformed('the image index', where, '"manifests" is not a list');
    for (const raw of list) {
      const desc = descriptor(raw, where);
      const tags = depth === 0 ? tagsOf(desc.annotations) : [];
      if (isIndexType(desc.mediaType)) {
        if (stack.includes(desc.digest)) {
          throw new EngineError('INDEX_CYCLE', `${where} points back at index ${desc.digest}, which contains it: the index graph has a cycle`, { subject: desc.digest });
        }
        if (depth + 1 > MAX_DEPTH) throw new EngineError('LIMIT_EXCEEDED', `indexes are nested more than ${MAX_DEPTH} deep at ${where}`);
        walk.roles.set(desc.digest, { role: 'index', label: 'image index' });
        const file = files.blob(desc.digest);
        if (!file) {
          problems.push({ code: 'MISSING_BLOB', severity: 'info', message: `index ${desc.digest} named in ${where} is not in the archive` });
          continue;
        }
        checkSize(desc, file);
        const child = files.json(file, `image index ${desc.digest}`);
        const before = walk.candidates.length;
        visit(child, file.path, depth + 1, [...stack, desc.digest]);
        for (const c of walk.candidates.slice(before)) c.tags.push(...tags);
        continue;
      }
      if (!isManifestType(desc.mediaType) && desc.mediaType !== undefined) {
        problems.push({ code: 'UNKNOWN_MEDIA_TYPE', severity: 'info', message: `${where} lists ${desc.digest} of media type ${desc.mediaType}, which is skipped` });
        continue;
      }
      const attestation = desc.annotations?.['vnd.docker.reference.type'] !== undefined || desc.platform?.os === 'unknown';
      walk.roles.set(desc.digest, attestation ? { role: 'attestation', label: `attestation (${desc.annotations?.['vnd.docker.reference.type'] ?? 'unknown platform'})` } : { role: 'manifest', label: `image manifest${desc.platform ? ` (${platformString(desc.platform)})` : ''}` });
      const file = files.blob(desc.digest) ?? null;
      if (file) checkSize(desc, file);
      const manifest = file ? files.json(file, `image manifest ${desc.digest}`) : null;
      if (manifest !== null && !isObject(manifest)) throw malformed('the image manifest', file!.path, 'is not a JSON object');
      const config = manifest && manifest.config !== undefined ? descriptor(manifest.config, file!.path) : null;
      const layers = manifest && Array.isArray(manifest.layers) ? manifest.layers.map((l) => descriptor(l, file!.path)) : [];
      if (manifest && manifest.layers !== undefined && !Array.isArray(manifest.layers)) throw malformed('the image manifest', file!.path, '"layers" is not a list');
      if (attestation) {
        if (config) walk.attestationBlobs.add(config.digest);
        for (const l of layers) walk.attestationBlobs.add(l.digest);
        continue;
      }
      const available = !!file && !!config && !!files.blob(config.digest) && layers.every((l) => files.blob(l.digest));
      walk.candidates.push({
        manifestDigest: desc.digest,
        manifestMediaType: (isObject(manifest) && typeof manifest.mediaType === 'string' ? manifest.mediaType : desc.mediaType) ?? 'application/vnd.oci.image.manifest.v1+json',
        platform: desc.platform ?? null,
        tags,
        manifestFile: file,
        config,
        layers,
        available,
      });
    }
  };
  visit(root, 'index.json', 0, []);
  return walk;
}

function descriptor(raw: unknown, where: string): Descriptor {
  if (!isObject(raw) || typeof raw.digest !== 'string') throw malformed('a descriptor', where, 'has an entry without a "digest" string');
  const size = typeof raw.size === 'number' ? raw.size : -1;
  const platform = isObject(raw.platform) && typeof raw.platform.os === 'string' && typeof raw.platform.architecture === 'string'
    ? { os: raw.platform.os, architecture: raw.platform.architecture, ...(typeof raw.platform.variant === 'string' ? { variant: raw.platform.variant } : {}) }
    : undefined;
  const annotations = isObject(raw.annotations) ? Object.fromEntries(Object.entries(raw.annotations).filter(([, v]) => typeof v === 'string')) as Record<string, string> : undefined;
  return { mediaType: typeof raw.mediaType === 'string' ? raw.mediaType : (undefined as unknown as string), digest: raw.digest, size, platform, annotations };
}

export function checkSize(desc: Descriptor, file: ScannedFile): void {
  if (desc.size >= 0 && desc.size !== file.size) {
    throw new EngineError('SIZE_MISMATCH', `blob ${desc.digest} is ${file.size} bytes but its descriptor says ${desc.size}`, { subject: file.path });
  }
}

function tagsOf(annotations: Record<string, string> | undefined): string[] {
  if (!annotations) return [];
  const full = annotations['io.containerd.image.name'];
  const ref = annotations['org.opencontainers.image.ref.name'];
  if (full) return [full];
  return ref ? [ref] : [];
}

export function platformString(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}
