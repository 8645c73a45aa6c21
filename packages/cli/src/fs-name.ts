/**
 * Image paths on the host. The engine decodes names that are not UTF-8 losslessly (each invalid
 * byte becomes U+DC80+byte); writing them back needs the original bytes, so host paths are
 * Buffers made with encodeName, and host names read as Buffers go through decodeName.
 */
export { encodeName as nameBytes, decodeName as pathString } from '@peel/engine';

/** True when a relative path is safe to join under a root: no empty, `.` or `..` component, no NUL. */
export function isSafeRelative(p: string): boolean {
  if (p === '' || p.startsWith('/') || p.includes('\0')) return false;
  return p.split('/').every((c) => c !== '' && c !== '.' && c !== '..');
}
