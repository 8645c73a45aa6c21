/**
 * Lists a tar file with GNU tar, the oracle's tar reader (independent of the engine's own).
 * `tar -tv --numeric-owner --full-time --quoting-style=c` under LC_ALL=C prints every name
 * C-quoted with non-ASCII bytes as octal escapes, so names with spaces, arrows or UTF-8 parse
 * back byte for byte. File digests come from `tar -x --to-command`, which pipes each regular
 * file's bytes to sha256sum without writing anything to disk.
 */
import { run } from './exec.js';

export interface TarRecord {
  /** Normalised: no leading `./` or `/`, no trailing `/`. */
  path: string;
  /** GNU tar's type letter: `-` file, `d` dir, `l` symlink, `h` hard link, `c`, `b`, `p`. */
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Symlink target verbatim; hard-link target normalised like path. */
  link: string | null;
  /** `major,minor` for devices. */
  device: string | null;
}

const C_LOCALE = { LC_ALL: 'C' };

/** Strips what tar writers add around a path; the root itself becomes ''. */
export function normalizeTarPath(name: string): string {
  let p = name;
  while (p.startsWith('./')) p = p.slice(2);
  p = p.replace(/^\/+/, '').replace(/\/+$/, '');
  return p === '.' ? '' : p;
}

export async function listTar(file: string): Promise<TarRecord[]> {
  const out = await run('tar', ['-tv', '--numeric-owner', '--full-time', '--quoting-style=c', '-f', file], { env: C_LOCALE });
  return out.toString('latin1').split('\n').filter((l) => l !== '').map(parseLine);
}

/** sha256 of every regular file's content, keyed by normalised path. */
export async function tarFileDigests(file: string): Promise<Map<string, string>> {
  const script = 'h=$(sha256sum) && printf "%s %s\\0" "${h%% *}" "$TAR_FILENAME"';
  const out = await run('tar', ['-xf', file, `--to-command=${script}`], { env: C_LOCALE });
  const digests = new Map<string, string>();
  for (const record of out.toString('utf8').split('\0')) {
    if (record === '') continue;
    const space = record.indexOf(' ');
    digests.set(normalizeTarPath(record.slice(space + 1)), `sha256:${record.slice(0, space)}`);
  }
  return digests;
}

const LINE = /^(.)(.{9}) (\d+)\/(\d+) +(\d+|\d+,\d+) (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (.*)$/;

function parseLine(line: string): TarRecord {
  const m = LINE.exec(line);
  if (!m) throw new Error(`unexpected GNU tar listing line: ${JSON.stringify(line)}`);
  const [, type, perms, uid, gid, size, , rest] = m as unknown as string[];
  const name = readQuoted(rest!, 0);
  let link: string | null = null;
  const tail = rest!.slice(name.end);
  if (tail.startsWith(' -> ')) link = readQuoted(tail, 4).text;
  else if (tail.startsWith(' link to ')) link = normalizeTarPath(readQuoted(tail, 9).text);
  else if (tail !== '') throw new Error(`unexpected text after the name in GNU tar listing: ${JSON.stringify(line)}`);
  const isDevice = size!.includes(',');
  return {
    path: normalizeTarPath(name.text),
    type: type!,
    mode: parsePerms(perms!),
    uid: Number(uid),
    gid: Number(gid),
    size: isDevice ? 0 : Number(size),
    link,
    device: isDevice ? size!.replace(/\s/g, '') : null,
  };
}

/** `rwsr-xr-t` → 0o5755: s/S and t/T carry setuid, setgid and sticky. */
function parsePerms(perms: string): number {
  let mode = 0;
  const bits = [0o400, 0o200, 0o100, 0o40, 0o20, 0o10, 0o4, 0o2, 0o1];
  const special: Record<number, number> = { 2: 0o4000, 5: 0o2000, 8: 0o1000 };
  for (let i = 0; i < 9; i++) {
    const c = perms[i]!;
    if (c === '-') continue;
    if (c === 's' || c === 't') mode |= bits[i]! | special[i]!;
    else if (c === 'S' || c === 'T') mode |= special[i]!;
    else mode |= bits[i]!;
  }
  return mode;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, '?': 63 };

/** Reads a C-quoted string starting at `start` (the opening quote); returns its bytes as UTF-8. */
function readQuoted(s: string, start: number): { text: string; end: number } {
  if (s[start] !== '"') throw new Error(`expected a quoted name at ${start} in ${JSON.stringify(s)}`);
  const bytes: number[] = [];
  let i = start + 1;
  while (i < s.length && s[i] !== '"') {
    if (s[i] !== '\\') {
      bytes.push(s.charCodeAt(i++));
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 1 + octal[0].length;
    } else {
      const byte = ESCAPES[s[i + 1]!];
      if (byte === undefined) throw new Error(`unknown escape \\${s[i + 1]} in ${JSON.stringify(s)}`);
      bytes.push(byte);
      i += 2;
    }
  }
  if (s[i] !== '"') throw new Error(`unterminated quoted name in ${JSON.stringify(s)}`);
  return { text: Buffer.from(bytes).toString('utf8'), end: i + 1 };
}
