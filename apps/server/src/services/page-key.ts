import { badRequest } from '../errors.js';

/**
 * Keyset paging: every row of a paged listing has a key (numbers and raw name bytes) that orders
 * it, and a cursor is the key of the last row a page held. The next page is the rows whose key
 * is greater, found by an index seek instead of an OFFSET walk.
 */
export type { KeyPart, PageKey } from '../store/index.js';
import type { PageKey } from '../store/index.js';

/** Which parts of a key are names (bytes) rather than numbers; the first letter names the listing kind. */
export const KEY_SHAPES = {
  /** fs, sort=name: [dirs first (0) or not (1), name, live (1) or gone (0), layer, seq] */
  name: 'n-nbnnn',
  /** fs, sort=size: [dirs first, −size, name, live, layer, seq] */
  size: 's-nnbnnn',
  /** changes: [seq] */
  changes: 'c-n',
  /** compare fs, sort=name: [name] */
  compareName: 'f-b',
  /** compare fs, sort=delta: [−|bytes changed|, name] */
  compareDelta: 'd-nb',
  /** compare changes: [path] */
  comparePath: 'p-b',
  /** search: [position of the hit, the search's total, parent, name, gone (1) or live (0), seq of a version that is gone] */
  search: 'h-nnbbnn',
  /** search, after a hit whose path is too long to carry in a cursor: [position of the hit, the search's total] */
  searchAt: 'j-nn',
  /** packages: [position in the inventory's order for the sort asked] */
  packages: 'k-n',
} as const;
export type KeyShape = (typeof KEY_SHAPES)[keyof typeof KEY_SHAPES];

export function compareKeys(a: PageKey, b: PageKey): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    const c = typeof x === 'number' ? (x as number) - (y as number) : Buffer.compare(x, y as Buffer);
    if (c !== 0) return c < 0 ? -1 : 1;
  }
  return 0;
}

/** A key as an opaque URL-safe cursor (base64url of JSON; names as base64url). */
export function encodeCursor(shape: KeyShape, key: PageKey): string {
  const parts = key.map((p) => (typeof p === 'number' ? p : p.toString('base64url')));
  return Buffer.from(JSON.stringify([shape[0], ...parts])).toString('base64url');
}

/** The key a cursor holds; a 400 for a cursor that is not one of this listing's. */
export function decodeCursor(shape: KeyShape, cursor: string): PageKey {
  return decodeCursorOf([shape], cursor).key;
}

/** The key a cursor of one of `shapes` holds, and which shape it is; a 400 for any other cursor. */
export function decodeCursorOf<S extends KeyShape>(shapes: readonly S[], cursor: string): { shape: S; key: PageKey } {
  const bad = () => badRequest('BAD_CURSOR', 'cursor is not one this listing gave (pass the reply\'s "next" back unchanged, with the same sort and filters)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const shape = Array.isArray(parsed) ? shapes.find((s) => parsed[0] === s[0]) : undefined;
  const types = shape?.slice(2) ?? '';
  if (!shape || !Array.isArray(parsed) || parsed.length !== types.length + 1) throw bad();
  const key = types.split('').map((t, i) => {
    const v: unknown = parsed[i + 1];
    if (t === 'n' && typeof v === 'number' && Number.isSafeInteger(v)) return v;
    if (t === 'b' && typeof v === 'string' && /^[A-Za-z0-9_-]*$/.test(v)) return Buffer.from(v, 'base64url');
    throw bad();
  });
  return { shape, key };
}
