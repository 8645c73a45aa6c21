import { decodeName } from '@peel/engine';

/**
 * Query-string parser that keeps raw bytes: `%XX` escapes are bytes, decoded as UTF-8 where
 * valid and as U+DC80+byte where not (the engine's convention for non-UTF-8 names). So a path
 * the API returned can be sent back exactly, whatever bytes its name has.
 */
export function parseQuery(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  if (query === '') return out;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeComponent(part.slice(eq + 1));
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

const HEX = /^[0-9a-fA-F]{2}$/;

function decodeComponent(s: string): string {
  if (!s.includes('%') && !s.includes('+')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '+') {
      bytes.push(0x20);
    } else if (ch === '%' && HEX.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const code = s.codePointAt(i)!;
      for (const b of Buffer.from(String.fromCodePoint(code), 'utf8')) bytes.push(b);
      if (code > 0xffff) i++;
    }
  }
  return decodeName(Buffer.from(bytes));
}
