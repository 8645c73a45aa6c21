import { createHash } from 'node:crypto';
import { openImageArchive, analyzeImage, layersFromArrays, type AnalyzeOptions, type BlobStore, type FsBlobStore, type Findings, type ImageArchive } from '../../src/index.js';
import { dockerArchive, type ImageSpec } from '../build.js';
import { openFixture } from '../helpers.js';

/** Findings of an opened archive, the way the server computes them. */
export function analyzeArchive(a: ImageArchive, store: BlobStore, options?: AnalyzeOptions): Promise<Findings> {
  return analyzeImage({
    layers: layersFromArrays(a.image.layers.map((l) => a.layerScans.get(l.blob)!.entries)),
    layerFacts: a.image.layers,
    history: a.image.history,
    config: a.image.config,
    store,
    options,
  });
}

export async function analyzeFixture(name: string, store: FsBlobStore): Promise<Findings> {
  return analyzeArchive(await openFixture(name, store), store);
}

/** Builds a docker-save archive from layer listings, opens it and analyzes it. */
export async function analyzeSpec(spec: ImageSpec, store: BlobStore, options?: AnalyzeOptions, config?: Record<string, unknown>): Promise<Findings> {
  const bytes = await dockerArchive(spec, config ? (files) => patchConfig(files, config) : undefined);
  return analyzeArchive(await openImageArchive([bytes], store), store, options);
}

/** Merges keys into the config's `config` object (Env, Labels…) and renames it by its new digest. */
function patchConfig(files: Map<string, Buffer>, extra: Record<string, unknown>): void {
  const [name, raw] = [...files].find(([n]) => n.endsWith('.json') && n !== 'manifest.json')!;
  const cfg = JSON.parse(raw.toString()) as { config: Record<string, unknown> };
  cfg.config = { ...cfg.config, ...extra };
  const next = Buffer.from(JSON.stringify(cfg));
  const hex = createHash('sha256').update(next).digest('hex');
  files.delete(name);
  files.set(`${hex}.json`, next);
  const manifest = JSON.parse(files.get('manifest.json')!.toString()) as Array<{ Config: string }>;
  manifest[0].Config = `${hex}.json`;
  files.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
}
