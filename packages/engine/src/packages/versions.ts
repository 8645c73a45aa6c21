import type { Ecosystem } from './types.js';

/**
 * Orders two versions of one package as its own package manager does: negative when `a` is
 * older, positive when newer, 0 when equal. dpkg and rpm follow their tools' algorithms exactly
 * (checked against `dpkg --compare-versions` and rpm's own vercmp); apk, npm and Python versions
 * by their documented rules, closely enough to tell an upgrade from a downgrade.
 */
export function compareVersions(ecosystem: Ecosystem, a: string, b: string): number {
  if (a === b) return 0;
  switch (ecosystem) {
    case 'deb':
      return sign(compareDpkg(a, b));
    case 'rpm':
      return compareRpm(a, b);
    case 'apk':
      return compareApk(a, b);
    default:
      return compareDotted(a, b);
  }
}

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined) => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));

/** `[epoch:]rest`: the epoch as a number (0 when absent) and the rest. */
function splitEpoch(v: string): [number, string] {
  const colon = v.indexOf(':');
  if (colon <= 0 || !/^\d+$/.test(v.slice(0, colon))) return [0, v];
  return [Number(v.slice(0, colon)), v.slice(colon + 1)];
}

/** `upstream[-revision]`, split at the last hyphen. */
function splitRevision(v: string): [string, string] {
  const dash = v.lastIndexOf('-');
  return dash < 0 ? [v, ''] : [v.slice(0, dash), v.slice(dash + 1)];
}

// ---- dpkg (lib/dpkg/version.c) -------------------------------------------------------------

/** A character's weight: '~' before the end, the end before letters, letters before the rest. */
function dpkgOrder(c: string | undefined): number {
  if (c === undefined || isDigit(c)) return 0;
  if (isAlpha(c)) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

function dpkgPart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = dpkgOrder(a[i]);
      const bc = dpkgOrder(b[j]);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (isDigit(a[i]) && isDigit(b[j])) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

function compareDpkg(a: string, b: string): number {
  const [ea, ra] = splitEpoch(a);
  const [eb, rb] = splitEpoch(b);
  if (ea !== eb) return ea - eb;
  const [ua, va] = splitRevision(ra);
  const [ub, vb] = splitRevision(rb);
  return dpkgPart(ua, ub) || dpkgPart(va, vb);
}

// ---- rpm (rpmio/rpmvercmp.c) ----------------------------------------------------------------

function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const sep = (c: string | undefined) => c !== undefined && !isDigit(c) && !isAlpha(c) && c !== '~' && c !== '^';
  while (i < a.length || j < b.length) {
    while (sep(a[i])) i++;
    while (sep(b[j])) j++;
    // '~' sorts before everything, even the end.
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    // '^' sorts after the end but before anything else.
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;
    const numeric = isDigit(a[i]);
    const take = numeric ? isDigit : isAlpha;
    let ei = i;
    let ej = j;
    while (ei < a.length && take(a[ei])) ei++;
    while (ej < b.length && take(b[ej])) ej++;
    let sa = a.slice(i, ei);
    let sb = b.slice(j, ej);
    // Segments of different kinds: a number is newer than letters.
    if (sa === '') return -1;
    if (sb === '') return numeric ? 1 : -1;
    if (numeric) {
      sa = sa.replace(/^0+/, '');
      sb = sb.replace(/^0+/, '');
      if (sa.length !== sb.length) return sa.length > sb.length ? 1 : -1;
    }
    if (sa !== sb) return sa < sb ? -1 : 1;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

function compareRpm(a: string, b: string): number {
  const [ea, ra] = splitEpoch(a);
  const [eb, rb] = splitEpoch(b);
  if (ea !== eb) return ea < eb ? -1 : 1;
  const [va, rela] = splitRevision(ra);
  const [vb, relb] = splitRevision(rb);
  const byVersion = rpmvercmp(va, vb);
  if (byVersion) return byVersion;
  // A version with a release is newer than the same version without one (as rpm.vercmp says).
  const hasA = ra.includes('-');
  const hasB = rb.includes('-');
  if (hasA !== hasB) return hasA ? 1 : -1;
  return rpmvercmp(rela, relb);
}

// ---- apk (Gentoo-style: numbers.letter_suffixN-rN) -----------------------------------------

const APK_SUFFIXES = ['alpha', 'beta', 'pre', 'rc', '', 'cvs', 'svn', 'git', 'hg', 'p'];

interface ApkVersion {
  numbers: string[];
  letter: string;
  suffixes: Array<[number, string]>;
  revision: number;
}

function parseApk(v: string): ApkVersion | null {
  const m = /^(\d+(?:\.\d+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)(?:-r(\d+))?$/.exec(v);
  if (!m) return null;
  const suffixes = [...m[3].matchAll(/_([a-z]+)(\d*)/g)].map((s) => [APK_SUFFIXES.indexOf(s[1]), s[2]] as [number, string]);
  return { numbers: m[1].split('.'), letter: m[2], suffixes, revision: Number(m[4] ?? 0) };
}

function compareNumberText(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  return x.length !== y.length ? sign(x.length - y.length) : x < y ? -1 : x > y ? 1 : 0;
}

function compareApk(a: string, b: string): number {
  const x = parseApk(a);
  const y = parseApk(b);
  if (!x || !y) return compareDotted(a, b);
  for (let k = 0; k < Math.max(x.numbers.length, y.numbers.length); k++) {
    if (k >= x.numbers.length) return -1;
    if (k >= y.numbers.length) return 1;
    // After the first, a part with a leading zero compares as a fraction (as apk does).
    const c = k > 0 && (x.numbers[k].startsWith('0') || y.numbers[k].startsWith('0'))
      ? (x.numbers[k] < y.numbers[k] ? -1 : x.numbers[k] > y.numbers[k] ? 1 : 0)
      : compareNumberText(x.numbers[k], y.numbers[k]);
    if (c) return c;
  }
  if (x.letter !== y.letter) return x.letter < y.letter ? -1 : 1;
  const release = APK_SUFFIXES.indexOf('');
  for (let k = 0; k < Math.max(x.suffixes.length, y.suffixes.length); k++) {
    const [sa, na] = x.suffixes[k] ?? [release, ''];
    const [sb, nb] = y.suffixes[k] ?? [release, ''];
    if (sa !== sb) return sign(sa - sb);
    const c = compareNumberText(na || '0', nb || '0');
    if (c) return c;
  }
  return sign(x.revision - y.revision);
}

// ---- npm, Python: dotted numbers, a pre-release before its release -----------------------

/** Numbers compare as numbers; a pre-release tag (`-rc.1`, `a1`, `b2`, `rc1`, `.dev0`) sorts before the release it leads to. */
function compareDotted(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v?(\d+(?:\.\d+)*)(.*)$/.exec(v.trim());
    return m ? { nums: m[1].split('.').map(Number), rest: m[2] } : { nums: [], rest: v };
  };
  const x = parse(a);
  const y = parse(b);
  for (let k = 0; k < Math.max(x.nums.length, y.nums.length); k++) {
    const d = (x.nums[k] ?? 0) - (y.nums[k] ?? 0);
    if (d) return sign(d);
  }
  if (x.rest === y.rest) return 0;
  const pre = (r: string) => r !== '' && !/^(\.post|-post|\+|\.post\d|-\d)/.test(r);
  if (pre(x.rest) !== pre(y.rest)) return pre(x.rest) ? -1 : 1;
  return x.rest < y.rest ? -1 : 1;
}
