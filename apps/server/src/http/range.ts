/**
 * Parses a `Range` header for a body of `size` bytes (RFC 9110 §14). Only single byte ranges
 * are served; anything else is answered with the whole body, which the RFC allows.
 * Returns null (send everything), a half-open [start, end) range, or 'unsatisfiable' (416).
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = header.trim().match(/^bytes=(\d*)-(\d*)$/);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    // Suffix range: the last N bytes.
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  if (last < start) return null;
  return { start, end: last + 1 };
}
