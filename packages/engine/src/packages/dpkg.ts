/**
 * dpkg's database (Debian, Ubuntu, distroless): `/var/lib/dpkg/status` with the file lists in
 * `/var/lib/dpkg/info/NAME.list` (or `NAME:ARCH.list` for Multi-Arch: same packages), or
 * distroless's `/var/lib/dpkg/status.d/NAME` stanzas with `NAME.md5sums` file lists.
 * dpkg records no licence: only `/usr/share/doc/NAME/copyright`, free text and optional, which is
 * not read — `license` is null.
 */
import { bounded, checkUtf8, linesOf, normaliseOwnedPath, readBounded } from './db-text.js';
import { nextSlice, sliceDue } from './slices.js';
import type { LayerFiles, PackageDatabaseReader, PackageLimits, PackageRecord, ParsedDatabase } from './types.js';

export const DPKG_STATUS = '/var/lib/dpkg/status';
export const DPKG_STATUS_D = '/var/lib/dpkg/status.d';
export const DPKG_INFO = '/var/lib/dpkg/info';

/** All of a database's file lists together may hold this many times maxDatabaseBytes. */
const LIST_BYTES_PER_DATABASE_BYTE = 4;
/** File lists read at once. */
const LIST_READS_AT_ONCE = 16;

/** One stanza's fields (names lower-cased); multi-line values keep their continuation lines. */
export type Stanza = Map<string, string>;

/**
 * The stanzas of a deb822 file: `Name: value` fields, continuation lines starting with a space
 * or tab, stanzas separated by empty lines. A stanza holding a line over `maxLineBytes` is
 * dropped with a warning; so is a stanza past `maxStanzas`.
 */
export function parseStanzas(bytes: Buffer, path: string, limits: Pick<PackageLimits, 'maxLineBytes'>, maxStanzas: number, warnings: string[]): Stanza[] {
  return [...stanzasOf(bytes, path, limits, maxStanzas, warnings)];
}

/** parseStanzas one stanza at a time (a status of thousands is read in slices); the warnings come at the end. */
export function* stanzasOf(bytes: Buffer, path: string, limits: Pick<PackageLimits, 'maxLineBytes'>, maxStanzas: number, warnings: string[]): Generator<Stanza> {
  checkUtf8(bytes, path, warnings);
  let kept = 0;
  let current: Stanza = new Map();
  let lastField: string | null = null;
  let broken = false;
  let longLines = 0;
  let lineNo = 0;
  let tooMany = false;
  /** The stanza just ended, when it is kept. */
  const finish = (): Stanza | null => {
    let done: Stanza | null = null;
    if (!broken && current.size > 0) {
      if (kept < maxStanzas) {
        kept++;
        done = current;
      } else tooMany = true;
    }
    current = new Map();
    lastField = null;
    broken = false;
    return done;
  };
  for (const line of linesOf(bytes, limits.maxLineBytes)) {
    lineNo++;
    if (line === null) {
      if (longLines++ === 0) warnings.push(`${path}: line ${lineNo} is longer than ${limits.maxLineBytes} bytes; its stanza is skipped`);
      broken = true;
      continue;
    }
    if (line.trim() === '') {
      const done = finish();
      if (done) yield done;
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (lastField !== null) {
        const value = `${current.get(lastField)}\n${line}`;
        if (value.length > limits.maxLineBytes) {
          if (longLines++ === 0) warnings.push(`${path}: the field ${lastField} ending at line ${lineNo} is longer than ${limits.maxLineBytes} bytes; its stanza is skipped`);
          broken = true;
          current.set(lastField, '');
          lastField = null;
        } else current.set(lastField, value);
      }
      continue;
    }
    if (line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      lastField = null;
      continue;
    }
    lastField = line.slice(0, colon).trim().toLowerCase();
    current.set(lastField, line.slice(colon + 1).trim());
  }
  const last = finish();
  if (last) yield last;
  if (longLines > 1) warnings.push(`${path}: ${longLines} lines or fields longer than ${limits.maxLineBytes} bytes in all; their stanzas are skipped`);
  if (tooMany) warnings.push(`${path}: more than ${maxStanzas} packages; only the first ${maxStanzas} are kept`);
}

/** The package a stanza describes, without its files; null when it is not installed. */
export function dpkgPackageOf(stanza: Stanza, requireStatus: boolean): PackageRecord | null {
  const name = stanza.get('package');
  const version = stanza.get('version');
  if (!name || !version) return null;
  const status = stanza.get('status');
  if (status !== undefined || requireStatus) {
    // want flag status: `install ok installed`, `hold ok installed` (held, still installed)…
    const [, flag, state] = (status ?? '').split(/\s+/);
    if (flag !== 'ok' || state !== 'installed') return null;
  }
  const kib = stanza.get('installed-size');
  return {
    ecosystem: 'deb',
    name,
    version,
    arch: stanza.get('architecture') || null,
    source: stanza.get('source') || null,
    license: null,
    installedSize: kib !== undefined && /^\d+$/.test(kib) ? Number(kib) * 1024 : null,
    files: [],
  };
}

/**
 * The paths of a `.list` file (one absolute path a line) or of an `.md5sums` file (`md5  path`,
 * the path relative to the root). Paths climbing above the root are dropped and counted.
 */
export function parseFileList(bytes: Buffer, path: string, kind: 'list' | 'md5sums', limits: PackageLimits, warnings: string[]): string[] {
  checkUtf8(bytes, path, warnings);
  const out: string[] = [];
  let escaped = 0;
  let long = 0;
  for (const line of linesOf(bytes, limits.maxLineBytes)) {
    if (line === null) {
      long++;
      continue;
    }
    const raw = kind === 'list' ? line : line.replace(/^[0-9a-fA-F]+\s+/, '');
    if (raw.trim() === '') continue;
    const p = normaliseOwnedPath(raw);
    if (p === null) escaped++;
    else if (p !== '/') out.push(p);
  }
  if (escaped > 0) warnings.push(`${path}: ${escaped} path${escaped === 1 ? '' : 's'} climbing above the root (..) dropped`);
  if (long > 0) warnings.push(`${path}: ${long} line${long === 1 ? '' : 's'} longer than ${limits.maxLineBytes} bytes skipped`);
  return out;
}

/**
 * A list's paths, parsed once per buffer: findPackages hands the same bytes back for a list no
 * later layer touched, and a layer that only rewrites the status would otherwise parse them all
 * again. The parse's warnings were given with the first read.
 */
const listsParsed = new WeakMap<Buffer, { maxLineBytes: number; paths: string[] }>();

function parsedList(bytes: Buffer, path: string, limits: PackageLimits, warnings: string[]): string[] {
  const hit = listsParsed.get(bytes);
  if (hit && hit.maxLineBytes === limits.maxLineBytes) return hit.paths;
  const paths = parseFileList(bytes, path, 'list', limits, warnings);
  listsParsed.set(bytes, { maxLineBytes: limits.maxLineBytes, paths });
  return paths;
}

/** Reads `/var/lib/dpkg/status` (or distroless's `status.d/`) with the packages' file lists. */
export async function readDpkg(files: LayerFiles, limits: PackageLimits): Promise<ParsedDatabase | null> {
  const warnings: string[] = [];
  const status = await files.read(DPKG_STATUS, limits.maxDatabaseBytes);
  const statusD = await files.list(DPKG_STATUS_D);
  if (status === null && statusD.length === 0) return null;

  const packages: PackageRecord[] = [];
  let location = DPKG_STATUS;
  let budget = limits.maxPackages;
  if (status !== null) {
    const bytes = bounded(status, DPKG_STATUS, limits, warnings);
    if (bytes !== null) {
      for (const stanza of stanzasOf(bytes, DPKG_STATUS, limits, budget, warnings)) {
        if (sliceDue()) await nextSlice();
        const pkg = dpkgPackageOf(stanza, true);
        if (pkg) packages.push(pkg);
      }
    }
    const info = new Set(await files.list(DPKG_INFO));
    // Every list is bounded, and so are all of them together.
    let listBytes = limits.maxDatabaseBytes * LIST_BYTES_PER_DATABASE_BYTE;
    // Lists are read a batch at a time (each read waits on I/O), then taken in order.
    for (let start = 0; start < packages.length; start += LIST_READS_AT_ONCE) {
      const batch = packages.slice(start, start + LIST_READS_AT_ONCE);
      const lists = await Promise.all(batch.map(async (pkg) => {
        const listName = [`${pkg.name}:${pkg.arch}.list`, `${pkg.name}.list`].find((n) => info.has(n));
        if (listName === undefined) return null;
        const path = `${DPKG_INFO}/${listName}`;
        const own: string[] = [];
        return { path, bytes: await readBounded(files, path, limits, own), warnings: own };
      }));
      for (let i = 0; i < batch.length && listBytes >= 0; i++) {
        const list = lists[i];
        if (list === null) continue;
        warnings.push(...list.warnings);
        if (list.bytes === null) continue;
        listBytes -= list.bytes.length;
        if (listBytes < 0) {
          warnings.push(`${DPKG_INFO}: the file lists hold more than ${limits.maxDatabaseBytes * LIST_BYTES_PER_DATABASE_BYTE} bytes together; the packages from ${batch[i].name} on have no files`);
          break;
        }
        batch[i].files = parsedList(list.bytes, list.path, limits, warnings);
      }
      if (listBytes < 0) break;
    }
    budget -= packages.length;
  } else {
    location = `${DPKG_STATUS_D}/`;
  }

  // distroless: one stanza file a package, `NAME.md5sums` beside it listing its files.
  const names = new Set(statusD);
  for (const name of statusD) {
    if (name.endsWith('.md5sums') || name.startsWith('.')) continue;
    if (budget <= 0) {
      warnings.push(`${DPKG_STATUS_D}: more than ${limits.maxPackages} packages; the rest are not read`);
      break;
    }
    const path = `${DPKG_STATUS_D}/${name}`;
    const bytes = await readBounded(files, path, limits, warnings);
    if (bytes === null) continue;
    for (const stanza of parseStanzas(bytes, path, limits, budget, warnings)) {
      const pkg = dpkgPackageOf(stanza, false);
      if (!pkg) continue;
      const sums = [`${name}.md5sums`, `${pkg.name}.md5sums`].find((n) => names.has(n));
      if (sums !== undefined) {
        const sumsPath = `${DPKG_STATUS_D}/${sums}`;
        const list = await readBounded(files, sumsPath, limits, warnings);
        if (list !== null) pkg.files = parseFileList(list, sumsPath, 'md5sums', limits, warnings);
      }
      packages.push(pkg);
      budget--;
    }
  }
  return { location, packages, warnings };
}

export const dpkgReader: PackageDatabaseReader = {
  ecosystem: 'deb',
  watches: [DPKG_STATUS, `${DPKG_STATUS_D}/`, `${DPKG_INFO}/`],
  read: readDpkg,
};
