import { PAGE_DEFAULT_LIMIT, PAGE_MAX_LIMIT, type ChangeKind, type ListingSort } from '@peel/api';
import { badRequest } from '../errors.js';
import type { PageRequest } from '../services/fs-pages.js';
import type { ChangesPageRequest } from '../services/fs.js';
import { flag, fsEntrySchema, isOn, layerChangeSchema } from './schemas.js';

/** Query parameters of paged listings (packages/api paging.ts); they mean nothing without paged=1. */
const paged = flag;
const cursor = { type: 'string', minLength: 1, maxLength: 200_000 };
export const pageQuery = {
  paged,
  limit: { type: 'integer' },
  cursor,
  sort: { type: 'string', enum: ['name', 'size'] },
  name: { type: 'string', minLength: 1, maxLength: 65536 },
};
export const changesPageQuery = {
  paged,
  cursor,
  kinds: { type: 'string', maxLength: 100 },
  q: { type: 'string', minLength: 1, maxLength: 4096 },
  path: { type: 'string', minLength: 1, maxLength: 65536 },
};

const int = { type: 'integer' };
export const fsPageSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: fsEntrySchema }, total: int, next: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
  required: ['items', 'total', 'next'],
};
export const changesPageSchema = {
  ...fsPageSchema,
  properties: {
    items: { type: 'array', items: layerChangeSchema },
    total: int,
    next: fsPageSchema.properties.next,
    counts: { type: 'object', properties: { added: int, modified: int, deleted: int }, required: ['added', 'modified', 'deleted'] },
  },
  required: ['items', 'total', 'next', 'counts'],
};


function limitOf(q: Record<string, unknown>): number {
  const limit = q.limit === undefined ? PAGE_DEFAULT_LIMIT : (q.limit as number);
  if (limit < 1 || limit > PAGE_MAX_LIMIT) throw badRequest('BAD_LIMIT', `limit must be between 1 and ${PAGE_MAX_LIMIT} rows per page (got ${limit})`);
  return limit;
}

/** The page a directory listing asks for, or null for the whole listing (the reply before paging existed). */
export function pageRequest(q: Record<string, unknown>): PageRequest | null {
  if (!isOn(q.paged)) {
    const extra = ['limit', 'cursor', 'sort', 'name'].filter((k) => q[k] !== undefined);
    if (extra.length > 0) throw badRequest('BAD_QUERY', `${extra.join(', ')} page a listing: add paged=1`);
    return null;
  }
  return { limit: limitOf(q), cursor: q.cursor as string | undefined, sort: (q.sort as ListingSort | undefined) ?? 'name', name: q.name as string | undefined };
}

const KINDS: ChangeKind[] = ['added', 'modified', 'deleted'];

/** The page a changes list asks for, or null for the array (with the old limit/offset). */
export function changesPageRequest(q: Record<string, unknown>): ChangesPageRequest | null {
  if (!isOn(q.paged)) {
    const extra = ['cursor', 'kinds', 'q', 'path'].filter((k) => q[k] !== undefined);
    if (extra.length > 0) throw badRequest('BAD_QUERY', `${extra.join(', ')} page the changes list: add paged=1`);
    return null;
  }
  if (q.offset !== undefined) throw badRequest('BAD_QUERY', 'a paged changes list follows cursor, not offset');
  let kinds = KINDS;
  if (q.kinds !== undefined) {
    const named = (q.kinds as string).split(',').filter((k) => k !== '');
    const unknown = named.filter((k) => !(KINDS as string[]).includes(k));
    if (unknown.length > 0 || named.length === 0) throw badRequest('BAD_QUERY', `kinds is a comma-separated list of ${KINDS.join(', ')} (got "${q.kinds as string}")`);
    kinds = KINDS.filter((k) => named.includes(k));
  }
  return { limit: limitOf(q), cursor: q.cursor as string | undefined, kinds, q: q.q as string | undefined, path: q.path as string | undefined };
}
