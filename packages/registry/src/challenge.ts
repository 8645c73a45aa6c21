/**
 * `WWW-Authenticate` challenges (RFC 7235): `Bearer realm="…",service="…",scope="a b"`, `Basic
 * realm="…"`, several in one header or over several headers. Quoted values keep their commas.
 */
export interface Challenge {
  /** Lowercased: `basic`, `bearer`, … */
  scheme: string;
  /** Parameter names lowercased; values unquoted. */
  params: Record<string, string>;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
const SPACE = /[ \t]*/y;
const UNQUOTED = /[^,\s]*/y;

export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  if (Array.isArray(header)) return header.flatMap((h) => parseChallenges(h));
  const out: Challenge[] = [];
  let i = 0;
  const skip = (re: RegExp) => {
    re.lastIndex = i;
    const m = re.exec(header);
    if (m) i = re.lastIndex;
    return m ? m[0] : null;
  };
  const ws = () => skip(SPACE);
  while (i < header.length) {
    ws();
    if (header[i] === ',') { i++; continue; }
    const scheme = skip(TOKEN);
    if (!scheme) break; // unparseable tail: what was read so far stands
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    ws();
    // Parameters: name=value pairs separated by commas, until a token not followed by '=' (the next scheme).
    while (i < header.length) {
      const save = i;
      ws();
      if (header[i] === ',') { i++; ws(); }
      const name = skip(TOKEN);
      ws();
      if (!name || header[i] !== '=') { i = save; break; }
      i++;
      ws();
      let value = '';
      if (header[i] === '"') {
        i++;
        while (i < header.length && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < header.length) i++;
          value += header[i++];
        }
        i++; // closing quote
      } else {
        // Leniently up to the next comma or space: some servers leave URLs unquoted.
        value = skip(UNQUOTED) ?? '';
      }
      challenge.params[name.toLowerCase()] = value;
      ws();
      if (header[i] !== ',') break;
    }
  }
  return out;
}

/** The `rel="next"` target of a `Link` header (`<url>; rel="next"`), or null. */
export function nextLink(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const all = Array.isArray(header) ? header.join(',') : header;
  for (const m of all.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
    if (/;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(m[2] ?? '')) return m[1] ?? null;
  }
  return null;
}
