import type { ExportMode } from '@peel/api';

export interface ExportModeInfo {
  mode: ExportMode;
  title: string;
  /** One sentence: what it does and what it costs. */
  sentence: string;
}

/** The three ways to rebuild an image, in the order a person would usually consider them. */
export const EXPORT_MODES: readonly ExportModeInfo[] = [
  {
    mode: 'append',
    title: 'Append a layer',
    sentence: 'Keeps every original layer byte-identical and adds one new layer with your changes (like docker commit): fast, but the bytes of deleted files still ship in the lower layers.',
  },
  {
    mode: 'flatten',
    title: 'Flatten',
    sentence: 'Writes one layer holding the final filesystem (a FROM scratch image with COPY . .), so deleted bytes are gone and the history is reduced to a single step.',
  },
  {
    mode: 'rewrite',
    title: 'Rewrite layers',
    sentence: 'Rewrites every layer without the deleted paths, keeping the layers and history: a deleted secret is gone from every layer, and unchanged layers keep their digests.',
  },
];
