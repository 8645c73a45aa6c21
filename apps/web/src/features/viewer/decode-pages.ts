import { trimPartialUtf8 } from '../../lib/binary.js';

/**
 * Decodes consecutive pages of a file as UTF-8. A character cut by the end of the last loaded
 * page is held back until the next page arrives (or dropped if the file ends there).
 */
export function decodePages(pages: Uint8Array[], complete: boolean): string {
  const length = pages.reduce((sum, p) => sum + p.length, 0);
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const page of pages) {
    joined.set(page, offset);
    offset += page.length;
  }
  return new TextDecoder('utf-8').decode(complete ? joined : trimPartialUtf8(joined));
}
