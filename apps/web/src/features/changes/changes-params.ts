import type { ChangeKind } from '@peel/api';

export const ALL_KINDS: ChangeKind[] = ['added', 'modified', 'deleted'];

export interface ChangesState {
  path?: string;
  kinds: ChangeKind[];
  q: string;
  view: 'split' | 'unified';
}

/** Reads the changes tab's URL parameters; every kind is shown unless `kinds` narrows it. */
export function readChangesParams(search: URLSearchParams): ChangesState {
  const kinds = (search.get('kinds') ?? '').split(',').filter((k): k is ChangeKind => (ALL_KINDS as string[]).includes(k));
  return {
    path: search.get('path') || undefined,
    kinds: kinds.length ? kinds : ALL_KINDS,
    q: search.get('q') ?? '',
    view: search.get('view') === 'unified' ? 'unified' : 'split',
  };
}

/** The `kinds` URL value: omitted when every kind is shown. */
export function kindsParam(kinds: ChangeKind[]): string | undefined {
  const ordered = ALL_KINDS.filter((k) => kinds.includes(k));
  return ordered.length === ALL_KINDS.length || ordered.length === 0 ? undefined : ordered.join(',');
}
