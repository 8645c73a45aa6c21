import { looksLikeText } from '../../lib/binary.js';

/** Files larger than this are replaced by uploading, not edited in the page. */
export const EDIT_LIMIT = 4 * 1024 * 1024;

export type Editable = { ok: true; text: string } | { ok: false; reason: string };

/**
 * The text of a file if it can be edited without changing bytes the person did not touch: valid
 * UTF-8, not binary, not too large. Anything else would be silently rewritten on save.
 */
export function decodeForEdit(bytes: Uint8Array, total: number): Editable {
  if (total > EDIT_LIMIT) return { ok: false, reason: `This file is ${(total / 1048576).toFixed(1)} MB; files over ${EDIT_LIMIT / 1048576} MB are replaced by uploading a new version.` };
  if (!looksLikeText(bytes)) return { ok: false, reason: 'This is a binary file. Replace it by uploading a new version into its folder.' };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { ok: false, reason: 'This file is not valid UTF-8 text; editing it here would change bytes you did not touch. Upload a new version instead.' };
  }
}
