import type { FilesParams } from '../../app/links.js';

/** Reads the file views' URL parameters (`path`, `deleted`, `at`, `q`, `sort`, `edit`, `view=as-of`). */
export function readFilesParams(search: URLSearchParams): FilesParams {
  const at = search.get('at');
  return {
    path: search.get('path') || undefined,
    deleted: search.get('deleted') === '1',
    at: at !== null && /^\d+$/.test(at) ? Number(at) : undefined,
    q: search.get('q') || undefined,
    sort: search.get('sort') === 'size' ? 'size' : 'name',
    edit: search.get('edit') === '1',
    asOf: search.get('view') === 'as-of',
  };
}
