import { EngineError } from '../errors.js';
import { ArchiveFiles, isObject, malformed } from './archive-files.js';
import type { ScannedFile } from './blob-scanner.js';

/** One image described by a `manifest.json` item. */
export interface DockerCandidate {
  configPath: string;
  configFile: ScannedFile;
  repoTags: string[];
  layerPaths: string[];
  layerFiles: ScannedFile[];
}

/**
 * Reads manifest.json (Docker, podman/skopeo docker-archive, crane tarball, Docker 25+):
 * `[{ Config, RepoTags, Layers }]`. Returns null when manifest.json is `null` (Docker 25.0 bug),
 * so that the caller can fall back to index.json.
 */
export function walkDockerManifest(files: ArchiveFiles): DockerCandidate[] | null {
  const file = files.at('manifest.json')!;
  const doc = files.json(file, 'manifest.json');
  if (doc === null) return null;
  if (!Array.isArray(doc)) throw malformed('manifest.json', file.path, 'is not a list of images');
  return doc.map((item, i) => {
    const where = `manifest.json[${i}]`;
    if (!isObject(item)) throw malformed('manifest.json', file.path, `item ${i} is not an object`);
    if (typeof item.Config !== 'string') throw malformed('manifest.json', file.path, `item ${i} has no "Config" path`);
    if (item.Layers !== undefined && item.Layers !== null && !Array.isArray(item.Layers)) throw malformed('manifest.json', file.path, `item ${i} "Layers" is not a list`);
    const layerPaths = ((item.Layers as unknown[] | null | undefined) ?? []).map((l, j) => {
      if (typeof l !== 'string') throw malformed('manifest.json', file.path, `item ${i} layer ${j} is not a path`);
      return l;
    });
    const configFile = files.at(item.Config);
    if (!configFile) throw new EngineError('MISSING_BLOB', `${where} names config ${item.Config}, which is not in the archive`, { subject: item.Config });
    const layerFiles = layerPaths.map((p, j) => {
      const f = files.at(p);
      if (!f) throw new EngineError('MISSING_BLOB', `${where} names layer ${j} at ${p}, which is not in the archive`, { subject: p });
      return f;
    });
    const repoTags = Array.isArray(item.RepoTags) ? item.RepoTags.filter((t): t is string => typeof t === 'string') : [];
    return { configPath: item.Config, configFile, repoTags, layerPaths, layerFiles };
  });
}
