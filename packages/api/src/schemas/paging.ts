import { Type, type TSchema } from '@sinclair/typebox';
import { Nullable, StringEnum, int, str } from './base.js';
import { fsEntrySchema, layerChangeSchema } from './images.js';

export const listingSortSchema = StringEnum(['name', 'size']);

const pageOf = <T extends TSchema>(item: T) => ({
  items: Type.Array(item),
  /** Rows of the whole listing (every page), filters applied. */
  total: int,
  /** The `cursor` of the next page, or null when this is the last one. */
  next: Nullable(str),
});

export const fsPageSchema = Type.Object(pageOf(fsEntrySchema));

export const changesPageSchema = Type.Object({
  ...pageOf(layerChangeSchema),
  counts: Type.Object({ added: int, modified: int, deleted: int }),
});
