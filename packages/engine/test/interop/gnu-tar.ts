/**
 * Lists a tar file with GNU tar, the oracle's tar reader (independent of the engine's own).
 * `tar -tv --numeric-owner --full-time --quoting-style=c` under LC_ALL=C prints every name
 * C-quoted with non-ASCII bytes as octal escapes, so names with spaces, arrows or UTF-8 parse
 * back byte for byte; under TZ=UTC it prints every mtime in UTC whatever the machine's zone
 * (`--utc` would do the same, but with it `-tvv --xattrs` no longer prints the xattrs).
 * File digests come from `tar -x --to-command`, which pipes each regular file's bytes to
 * sha256sum without writing anything to disk.
 */
import { run } from './exec.js';

/** GNU tar's names are bytes. Valid UTF-8 decodes as such; for a name that is not, see decodeBytes. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

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
  /** Modification time, whole seconds since the epoch. */
  mtime: number;
}

const TAR_ENV = { LC_ALL: 'C', TZ: 'UTC' };

/** Strips what tar writers add around a path; the root itself becomes ''. */
export function normalizeTarPath(name: string): string {
  let p = name;
  while (p.startsWith('./')) p = p.slice(2);
  p = p.replace(/^\/+/, '').replace(/\/+$/, '');
  return p === '.' ? '' : p;
}

export async function listTar(file: string): Promise<TarRecord[]> {
  const out = await run('tar', ['-tv', '--numeric-owner', '--full-time', '--quoting-style=c', '-f', file], { env: TAR_ENV });
  return out.toString('latin1').split('\n').filter((l) => l !== '').map(parseLine);
}

/** sha256 of every regular file's content, keyed by normalised path. */
export async function tarFileDigests(file: string): Promise<Map<string, string>> {
  const script = 'h=$(sha256sum) && printf "%s %s\\0" "${h%% *}" "$TAR_FILENAME"';
  const out = await run('tar', ['-xf', file, `--to-command=${script}`], { env: TAR_ENV });
  const digests = new Map<string, string>();
  for (let start = 0; start < out.length; ) {
    const end = out.indexOf(0, start);
    const record = out.subarray(start, end);
    start = end + 1;
    const space = record.indexOf(0x20);
    digests.set(normalizeTarPath(decodeBytes(record.subarray(space + 1))), `sha256:${record.subarray(0, space).toString('latin1')}`);
  }
  return digests;
}

/**
 * Extended attributes per path, as `tar --xattrs -tvv` lists them (`name=size` for each, sorted):
 * GNU tar prints a `*` after the mode of an entry that has some (a space for the others: one column
 * wider than `-tv`), then one `  x: SIZE NAME` line each.
 */
export async function listTarXattrs(file: string): Promise<Map<string, string[]>> {
  const out = await run('tar', ['--xattrs', '--xattrs-include=*', '-tvv', '--numeric-owner', '--full-time', '--quoting-style=c', '-f', file], { env: TAR_ENV });
  const xattrs = new Map<string, string[]>();
  let current: string | null = null;
  for (const line of out.toString('latin1').split('\n')) {
    const x = /^ {2}x: +(\d+) (.+)$/.exec(line);
    if (x) {
      if (current === null) throw new Error(`xattr line before any entry in GNU tar listing: ${JSON.stringify(line)}`);
      const names = xattrs.get(current) ?? [];
      names.push(`${x[2]}=${x[1]}`);
      xattrs.set(current, names.sort());
    } else if (line !== '') {
      current = parseLine(line.replace(/^(.{10})[* ] /, '$1 ')).path;
    }
  }
  return xattrs;
}

// A PAX mtime with a fraction is printed with it (whole seconds kept here), and GNU tar then pads
// the time column to the widest fraction, so the name may follow several spaces.
const LINE = /^(.)(.{9}) (\d+)\/(\d+) +(\d+|\d+,\d+) (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.\d+)? +(.*)$/;

function parseLine(line: string): TarRecord {
  const m = LINE.exec(line);
  if (!m) throw new Error(`unexpected GNU tar listing line: ${JSON.stringify(line)}`);
  const [, type, perms, uid, gid, size, year, month, day, hour, minute, second, rest] = m as unknown as string[];
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
    mtime: Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)) / 1000,
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
  return { text: decodeBytes(Buffer.from(bytes)), end: i + 1 };
}

/**
 * Name bytes as a string without losing any: valid UTF-8 as itself; in a name that is not, each
 * byte of an ill-formed sequence becomes the lone surrogate U+DC80+byte (Python's
 * "surrogateescape", the convention the engine's API documents), so two different byte names
 * never read as the same string and a name mangled into U+FFFD does not pass for its original.
 */
export function decodeBytes(bytes: Buffer): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    let text = '';
    for (let i = 0; i < bytes.length; ) {
      const n = utf8SequenceLength(bytes, i);
      if (n > 0) {
        text += STRICT_UTF8.decode(bytes.subarray(i, i + n));
        i += n;
      } else {
        text += String.fromCharCode(0xdc00 + bytes[i]!);
        i += 1;
      }
    }
    return text;
  }
}

/** Length of the well-formed UTF-8 sequence starting at `i` (as the strict decoder judges it), or 0. */
function utf8SequenceLength(bytes: Buffer, i: number): number {
  const lead = bytes[i]!;
  const n = lead < 0x80 ? 1 : lead >> 5 === 0b110 ? 2 : lead >> 4 === 0b1110 ? 3 : lead >> 3 === 0b11110 ? 4 : 0;
  if (n === 0 || i + n > bytes.length) return 0;
  try {
    STRICT_UTF8.decode(bytes.subarray(i, i + n));
    return n;
  } catch {
    return 0;
  }
}
