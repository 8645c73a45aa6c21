import { Type, type Static, type TInteger, type TObject, type TOptional } from '@sinclair/typebox';
import { PAGE_DEFAULT_LIMIT, PAGE_MAX_LIMIT, type ChangeKind } from '@peel/api';
import { listingSortSchema } from '@peel/api/schemas';
import { badRequest } from '../errors.js';
import type { PageRequest } from '../services/fs-pages.js';
import type { ChangesPageRequest } from '../services/fs.js';
import { flag, isOn } from './schemas.js';

/** Query parameters of paged listings (packages/api paging.ts); they mean nothing without paged=1. */
const cursor = Type.Optional(Type.String({ minLength: 1, maxLength: 200_000 }));
export const pageQuery = {
  paged: flag(),
  limit: Type.Optional(Type.Integer()),
  cursor,
  sort: Type.Optional(listingSortSchema),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 65536 })),
};
export const changesPageQuery = {
  paged: flag(),
  cursor,
  kinds: Type.Optional(Type.String({ maxLength: 100 })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  path: Type.Optional(Type.String({ minLength: 1, maxLength: 65536 })),
};
type PageQuery = Static<TObject<typeof pageQuery>>;
/** The changes route also takes the limit and offset of its unpaged reply. */
type ChangesPageQuery = Static<TObject<typeof changesPageQuery & { limit: TOptional<TInteger>; offset: TOptional<TInteger> }>>;

export function limitOf(limit = PAGE_DEFAULT_LIMIT): number {
  if (limit < 1 || limit > PAGE_MAX_LIMIT) throw badRequest('BAD_LIMIT', `limit must be between 1 and ${PAGE_MAX_LIMIT} rows per page (got ${limit})`);
  return limit;
}

/** The page a directory listing asks for, or null for the whole listing (the reply before paging existed). */
export function pageRequest(q: PageQuery): PageRequest | null {
  if (!isOn(q.paged)) {
    const extra = (['limit', 'cursor', 'sort', 'name'] as const).filter((k) => q[k] !== undefined);
    if (extra.length > 0) throw badRequest('BAD_QUERY', `${extra.join(', ')} page a listing: add paged=1`);
    return null;
  }
  return { limit: limitOf(q.limit), cursor: q.cursor, sort: q.sort ?? 'name', name: q.name };
}

const KINDS: ChangeKind[] = ['added', 'modified', 'deleted'];

/** The page a changes list asks for, or null for the array (with the old limit/offset). */
export function changesPageRequest(q: ChangesPageQuery): ChangesPageRequest | null {
  if (!isOn(q.paged)) {
    const extra = (['cursor', 'kinds', 'q', 'path'] as const).filter((k) => q[k] !== undefined);
    if (extra.length > 0) throw badRequest('BAD_QUERY', `${extra.join(', ')} page the changes list: add paged=1`);
    return null;
  }
  if (q.offset !== undefined) throw badRequest('BAD_QUERY', 'a paged changes list follows cursor, not offset');
  let kinds = KINDS;
  if (q.kinds !== undefined) {
    const named = q.kinds.split(',').filter((k) => k !== '');
    const unknown = named.filter((k) => !(KINDS as string[]).includes(k));
    if (unknown.length > 0 || named.length === 0) throw badRequest('BAD_QUERY', `kinds is a comma-separated list of ${KINDS.join(', ')} (got "${q.kinds}")`);
    kinds = KINDS.filter((k) => named.includes(k));
  }
  return { limit: limitOf(q.limit), cursor: q.cursor, kinds, q: q.q, path: q.path };
}
