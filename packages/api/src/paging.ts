import type { Static } from '@sinclair/typebox';
import type * as S from './schemas/index.js';

// ---- Paged listings ------------------------------------------------------------------------------
//
// `GET /api/images/:id/fs` and `GET /api/images/:id/layers/:n/changes` answer a page instead of
// the whole array when the query has `paged=1`. Without it they answer exactly as before.
//   fs?path=P&paged=1[&limit=N][&cursor=C][&sort=name|size][&name=X]  (with layer=N, deleted=1, draft=1 as before)
//   layers/:n/changes?paged=1[&limit=N][&cursor=C][&kinds=added,deleted][&q=S][&path=P]
// Pages follow each other by keyset: pass the reply's `next` back as `cursor` (opaque; it is
// only valid for the same listing, sort and filters). `next` is null on the last page.

/** Rows a page holds when `limit` is not given. */
export const PAGE_DEFAULT_LIMIT = 500;
/** The largest `limit` a paged listing accepts (a bigger one is a 400). */
export const PAGE_MAX_LIMIT = 5000;

/**
 * Order of a paged directory listing (the file tree's order): directories first, then
 * - `name`: by name, byte order (what `LC_ALL=C ls` shows);
 * - `size`: largest first, then by name.
 * Versions that are gone (`deleted=1`) follow their name's other versions by layer; the live
 * one comes last.
 */
export type ListingSort = Static<typeof S.listingSortSchema>;

/** A page of a listing: `items`, the `total` rows of the whole listing, the `next` cursor or null. */
export type Page<T> = { items: T[]; total: number; next: string | null };

/**
 * `GET /api/images/:id/fs?paged=1`. With `name=X` the page holds only the entries named X in
 * that folder (the live one and, with `deleted=1`, the versions that are gone): a cheap lookup
 * of one entry without listing its folder.
 */
export type FsPage = Static<typeof S.fsPageSchema>;

/**
 * `GET /api/images/:id/layers/:n/changes?paged=1`, in the layer's order. `kinds` and `q` (an
 * ASCII case-insensitive substring of the path) filter the rows and `total`; `path` keeps only
 * the change of that exact path. `counts` are per kind over the layer's changes matching `q`.
 */
export type ChangesPage = Static<typeof S.changesPageSchema>;
