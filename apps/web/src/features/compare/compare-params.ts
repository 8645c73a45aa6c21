import type { CompareChange } from '@peel/api';
import type { CompareParams } from '../../app/links.js';

export const ALL_CHANGES: CompareChange[] = ['added', 'removed', 'modified', 'type', 'metadata'];

/**
 * The two sides a comparison names: an image each, optionally as of one of its layers, or as its
 * draft leaves it (`aDraft`/`bDraft`, never with a layer).
 */
export interface CompareSides {
  a: string;
  aLayer?: number;
  aDraft?: boolean;
  b: string;
  bLayer?: number;
  bDraft?: boolean;
  /** When a draft side's draft last changed (its queries' key: an edit makes another comparison). */
  aDraftAt?: string;
  bDraftAt?: string;
}

/** What the compare view shows, read from its URL. */
export interface CompareState {
  a?: string;
  aLayer?: number;
  aDraft: boolean;
  b?: string;
  bLayer?: number;
  bDraft: boolean;
  path?: string;
  kinds: CompareChange[];
  q: string;
  sort: 'name' | 'delta';
  /** List entries without any change too. */
  unchanged: boolean;
  /** List changes of the mtime alone (hidden by default). */
  mtime: boolean;
  view: 'split' | 'unified';
}

/** A layer index from the URL: a whole number, else undefined (a bad one is the server's to refuse). */
function layerParam(value: string | null): number | undefined {
  return value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
}

export function readCompareParams(search: URLSearchParams): CompareState {
  const kinds = (search.get('kinds') ?? '').split(',').filter((k): k is CompareChange => (ALL_CHANGES as string[]).includes(k));
  return {
    a: search.get('a') || undefined,
    aLayer: layerParam(search.get('aLayer')),
    aDraft: search.get('aDraft') === '1',
    b: search.get('b') || undefined,
    bLayer: layerParam(search.get('bLayer')),
    bDraft: search.get('bDraft') === '1',
    path: search.get('path') || undefined,
    kinds: kinds.length ? ALL_CHANGES.filter((k) => kinds.includes(k)) : ALL_CHANGES,
    q: search.get('q') ?? '',
    sort: search.get('sort') === 'delta' ? 'delta' : 'name',
    unchanged: search.get('unchanged') === '1',
    mtime: search.get('mtime') === '1',
    view: search.get('view') === 'unified' ? 'unified' : 'split',
  };
}

/** The `kinds` value for the URL and the API: omitted when every kind is shown. */
export function kindsParam(kinds: readonly CompareChange[]): string | undefined {
  const ordered = ALL_CHANGES.filter((k) => kinds.includes(k));
  return ordered.length === ALL_CHANGES.length || ordered.length === 0 ? undefined : ordered.join(',');
}

/** The URL parameters of a state (for `links.compare`). */
export function toParams(state: CompareState): CompareParams {
  return {
    a: state.a,
    aLayer: state.aLayer,
    aDraft: state.aDraft || undefined,
    b: state.b,
    bLayer: state.bLayer,
    bDraft: state.bDraft || undefined,
    path: state.path,
    kinds: kindsParam(state.kinds),
    q: state.q || undefined,
    sort: state.sort,
    unchanged: state.unchanged,
    mtime: state.mtime,
    view: state.view,
  };
}

/** Both sides when the URL names both, else null (the view asks for the missing one). */
export function sidesOf(state: CompareState): CompareSides | null {
  if (!state.a || !state.b) return null;
  return {
    a: state.a,
    aLayer: state.aLayer,
    ...(state.aDraft ? { aDraft: true } : {}),
    b: state.b,
    bLayer: state.bLayer,
    ...(state.bDraft ? { bDraft: true } : {}),
  };
}

/** A swapped with B: what was added reads as removed, and the other way round. */
export function swapSides(state: CompareState): CompareState {
  return { ...state, a: state.b, aLayer: state.bLayer, aDraft: state.bDraft, b: state.a, bLayer: state.aLayer, bDraft: state.aDraft };
}

/** One kind switched on or off; switching the last one off shows every kind again. */
export function toggleKind(kinds: readonly CompareChange[], kind: CompareChange): CompareChange[] {
  const next = kinds.includes(kind) ? kinds.filter((k) => k !== kind) : [...kinds, kind];
  return next.length ? ALL_CHANGES.filter((k) => next.includes(k)) : ALL_CHANGES;
}
