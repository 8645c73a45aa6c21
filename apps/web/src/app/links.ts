/** Every view's URL in one place, so links, redirects and tests agree. */

export type LayerTab = 'files' | 'changes';

function withQuery(path: string, params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === false || value === '') continue;
    search.set(key, value === true ? '1' : String(value));
  }
  const query = search.toString().replaceAll('%2F', '/');
  return query ? `${path}?${query}` : path;
}

const base = (id: string) => `/images/${encodeURIComponent(id)}`;

export interface FilesParams {
  path?: string;
  /** Show deleted and overwritten entries (merged view). */
  deleted?: boolean;
  /** The layer of a version that is gone, when `path` names one. */
  at?: number;
  q?: string;
  sort?: 'name' | 'size';
  /** Merged view: the selected file is open in the editor. */
  edit?: boolean;
  /** A layer's files: the filesystem as of that layer (layers 0..N merged) instead of its own entries. */
  asOf?: boolean;
}

export interface ChangesParams {
  path?: string;
  kinds?: string;
  q?: string;
  view?: 'split' | 'unified';
}

/** What the comparison of two images shows: both sides, the selected path and the filters. */
export interface CompareParams {
  a?: string;
  /** Side A as of this layer (layers 0..N merged); the whole image when undefined. */
  aLayer?: number;
  /** Side A is image a as its draft leaves it. */
  aDraft?: boolean;
  b?: string;
  bLayer?: number;
  bDraft?: boolean;
  path?: string;
  /** Change kinds shown, comma-separated; every kind when undefined. */
  kinds?: string;
  q?: string;
  sort?: 'name' | 'delta';
  unchanged?: boolean;
  mtime?: boolean;
  view?: 'split' | 'unified';
}

export type CompareTab = 'files' | 'config' | 'history' | 'packages';

/** What the Packages view shows: the filters, the selected package, or the files no package owns. */
export interface PackagesParams {
  q?: string;
  layer?: number;
  /** Ecosystems shown, comma-separated; every one when undefined. */
  ecosystem?: string;
  sort?: 'name' | 'size';
  /** The selected package (`ecosystem:name[:arch]@database`). */
  pkg?: string;
  unowned?: boolean;
}

export const links = {
  home: () => '/',
  image: (id: string) => `${base(id)}/layers`,
  layers: (id: string) => `${base(id)}/layers`,
  layerFiles: (id: string, layer: number, params: FilesParams = {}) =>
    withQuery(`${base(id)}/layers/${layer}/files`, {
      view: params.asOf ? 'as-of' : undefined,
      path: params.path,
      deleted: params.asOf ? params.deleted : undefined,
      at: params.asOf ? params.at : undefined,
      q: params.q,
      sort: params.sort === 'size' ? 'size' : undefined,
    }),
  layerChanges: (id: string, layer: number, params: ChangesParams = {}) =>
    withQuery(`${base(id)}/layers/${layer}/changes`, { ...params }),
  files: (id: string, params: FilesParams = {}) =>
    withQuery(`${base(id)}/files`, {
      path: params.path,
      deleted: params.deleted,
      at: params.at,
      q: params.q,
      sort: params.sort === 'size' ? 'size' : undefined,
      edit: params.edit,
    }),
  config: (id: string, params: { edit?: boolean } = {}) => withQuery(`${base(id)}/config`, { edit: params.edit }),
  /** `diff`: an edited file shown as the image's version against the draft's. */
  draft: (id: string, params: { diff?: string } = {}) => withQuery(`${base(id)}/draft`, { diff: params.diff }),
  findings: (id: string) => `${base(id)}/findings`,
  packages: (id: string, params: PackagesParams = {}) =>
    withQuery(`${base(id)}/packages`, {
      view: params.unowned ? 'unowned' : undefined,
      q: params.q,
      layer: params.layer,
      ecosystem: params.ecosystem,
      sort: params.sort === 'size' ? 'size' : undefined,
      pkg: params.pkg,
    }),
  archive: (id: string, path?: string) => withQuery(`${base(id)}/archive`, { path }),
  /** Two images (or two layers of them) compared; the files tab is `/compare` itself. */
  compare: (params: CompareParams, tab: CompareTab = 'files') =>
    withQuery(tab === 'files' ? '/compare' : `/compare/${tab}`, {
      a: params.a,
      aLayer: params.aLayer,
      aDraft: params.aDraft,
      b: params.b,
      bLayer: params.bLayer,
      bDraft: params.bDraft,
      path: params.path,
      kinds: params.kinds,
      q: params.q,
      sort: params.sort === 'delta' ? 'delta' : undefined,
      unchanged: params.unchanged,
      mtime: params.mtime,
      view: params.view === 'unified' ? 'unified' : undefined,
    }),
};
