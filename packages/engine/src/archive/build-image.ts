import { EngineError } from '../errors.js';
import type { HistoryStep, ImageConfig, ImageLayer, Platform, Problem, ResolvedImage } from '../types.js';
import { ArchiveFiles, isObject, malformed } from './archive-files.js';
import type { ScannedFile } from './blob-scanner.js';
import { claimedCompression, dockerLayerType } from './media-types.js';

export interface LayerRef {
  file: ScannedFile;
  /** Path as named by the manifest (may be a symlink in legacy archives). */
  path: string;
  mediaType: string | null;
}

export interface ImageParts {
  tags: string[];
  platform: Platform | null;
  manifestDigest: string | null;
  manifestMediaType: string | null;
  configFile: ScannedFile;
  layers: LayerRef[];
}

/** Parses the config, checks every layer against `rootfs.diff_ids`, maps history onto layers. */
export function buildImage(files: ArchiveFiles, parts: ImageParts): ResolvedImage {
  const problems: Problem[] = [];
  const cfgFile = parts.configFile;
  const config = files.json(cfgFile, 'the image config');
  if (!isObject(config)) throw malformed('the image config', cfgFile.path, 'is not a JSON object');
  const rootfs = config.rootfs;
  if (!isObject(rootfs) || !Array.isArray(rootfs.diff_ids) || !rootfs.diff_ids.every((d) => typeof d === 'string')) {
    throw new EngineError('NOT_AN_IMAGE', `the image config (${cfgFile.path}) has no rootfs.diff_ids list: not an image config`, { subject: cfgFile.path });
  }
  const diffIds = rootfs.diff_ids as string[];
  if (diffIds.length !== parts.layers.length) {
    throw new EngineError('LAYER_COUNT_MISMATCH', `the manifest lists ${parts.layers.length} layers but the config's rootfs.diff_ids has ${diffIds.length}`, { subject: cfgFile.path });
  }
  const layers: ImageLayer[] = parts.layers.map((ref, i) => {
    const scan = ref.file.layer;
    if (!scan) {
      const why = ref.file.layerError?.message ?? 'it is not a tar archive';
      throw new EngineError(ref.file.layerError?.code ?? 'NOT_A_TAR', `layer ${i} (${ref.path}) cannot be read: ${why}`, { subject: ref.path });
    }
    if (scan.diffId !== diffIds[i]) {
      throw new EngineError('DIFF_ID_MISMATCH', `layer ${i} (${ref.path}) uncompresses to ${scan.diffId}, but the config's rootfs.diff_ids[${i}] says ${diffIds[i]}: the archive is corrupt or was tampered with`, { subject: ref.path });
    }
    const mediaType = ref.mediaType ?? dockerLayerType(scan.compression);
    const claimed = claimedCompression(mediaType);
    if (claimed !== null && claimed !== scan.compression) {
      problems.push({ code: 'MEDIA_TYPE_MISMATCH', severity: 'warning', layer: i, message: `layer ${i} is labelled ${mediaType} but its bytes are ${scan.compression === 'none' ? 'uncompressed' : scan.compression}; containerd would fail to apply it` });
    }
    const contentSize = scan.contentSize;
    for (const p of scan.problems) problems.push({ ...p, layer: i });
    return {
      index: i,
      digest: ref.file.digest,
      diffId: scan.diffId,
      mediaType,
      compression: scan.compression,
      size: ref.file.size,
      uncompressedSize: scan.uncompressedSize,
      tarBlob: scan.tarBlob,
      blob: ref.file.digest,
      archivePath: ref.file.path,
      entryCount: scan.entryCount,
      contentSize,
    };
  });
  const history = mapHistory(config as ImageConfig, layers.length, problems);
  const platform: Platform = parts.platform ?? {
    os: typeof config.os === 'string' ? config.os : 'unknown',
    architecture: typeof config.architecture === 'string' ? config.architecture : 'unknown',
    ...(typeof config.variant === 'string' ? { variant: config.variant } : {}),
  };
  return {
    tags: parts.tags,
    platform,
    manifestDigest: parts.manifestDigest,
    manifestMediaType: parts.manifestMediaType,
    configDigest: cfgFile.digest,
    configRaw: cfgFile.json!,
    config: config as ImageConfig,
    layers,
    history,
    problems,
  };
}

/** The k-th history entry without `empty_layer` made layer k (moby image_history.go). */
function mapHistory(config: ImageConfig, layerCount: number, problems: Problem[]): HistoryStep[] {
  const raw = Array.isArray(config.history) ? config.history : [];
  let next = 0;
  const steps = raw.map((h) => {
    const entry = isObject(h) ? h : {};
    const empty = entry.empty_layer === true;
    let layer: number | null = null;
    if (!empty) {
      if (next < layerCount) layer = next;
      next++;
    }
    return {
      created: typeof entry.created === 'string' ? entry.created : null,
      createdBy: typeof entry.created_by === 'string' ? entry.created_by : null,
      comment: typeof entry.comment === 'string' ? entry.comment : null,
      author: typeof entry.author === 'string' ? entry.author : null,
      emptyLayer: empty,
      layer,
    };
  });
  if (raw.length > 0 && next !== layerCount) {
    problems.push({
      code: 'HISTORY_MISMATCH',
      severity: next > layerCount ? 'warning' : 'info',
      message: next > layerCount
        ? `the history has ${next} steps that made a layer but the image has ${layerCount} layers; docker load refuses this ("too many non-empty layers in History section")`
        : `the history has ${next} steps that made a layer but the image has ${layerCount} layers; the last ${layerCount - next} layers have no history step`,
    });
  }
  return steps;
}
