import { encodeName } from '@peel/engine';

/**
 * Paths travel in URLs percent-encoded byte by byte: the engine keeps a name's bytes that are not
 * UTF-8 as lone surrogates (see encodeName), which `encodeURIComponent` would mangle. The store
 * keeps paths as BLOBs of the original bytes for the same reason.
 */
export function percentEncodePath(s: string): string {
  let out = '';
  for (const b of encodeName(s)) {
    const ch = String.fromCharCode(b);
    out += /[A-Za-z0-9\-._~/]/.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
