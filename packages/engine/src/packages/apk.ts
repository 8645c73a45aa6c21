import { normalizePath } from '../layer/normalize.js';
import type { LayerFiles, PackageDatabaseReader, PackageLimits, PackageRecord, ParsedDatabase } from './types.js';

/** apk's installed database (Alpine, Wolfi, Chainguard): one text file, the same in apk 2 and 3. */
export const APK_INSTALLED = '/lib/apk/db/installed';
/**
 * Where a merged-/usr system (Wolfi, Chainguard, Chimera: `/lib` a link to `usr/lib`) really
 * keeps it: a layer that rewrites the database changes this path, not the other.
 */
export const APK_INSTALLED_USR = '/usr/lib/apk/db/installed';

/**
 * The installed database is a list of blocks separated by a line shorter than two characters
 * (a blank line); each line of a block is `X:value`, one letter per field. Folders (`F:`) and the
 * files in them (`R:`) follow the package's own fields; `M:`, `a:` and `Z:` qualify the folder or
 * file before them. apk has no continuation lines: a line without `X:` is a format error there,
 * a skipped line with a warning here.
 */
export function parseApkInstalled(data: Buffer, limits: PackageLimits, location = APK_INSTALLED): ParsedDatabase {
  const packages: PackageRecord[] = [];
  const seen = new Set<string>();
  // A hostile file can repeat a problem millions of times: each kind is counted, its first case named.
  const problems = new ProblemTally();
  let block: ApkBlock | null = null;
  let lineNo = 0;
  let truncated = false;

  const finish = () => {
    if (block === null) return;
    const current = block;
    block = null;
    if (current.name === null) {
      problems.note('block(s) without P: (package name) skipped', `ending at line ${lineNo}`);
      return;
    }
    if (seen.has(current.name)) {
      problems.note('package(s) listed twice, the first kept', current.name);
      return;
    }
    if (packages.length >= limits.maxPackages) {
      truncated = true;
      return;
    }
    seen.add(current.name);
    packages.push({
      ecosystem: 'apk',
      name: current.name,
      version: current.version ?? '',
      arch: current.arch,
      source: current.origin,
      license: current.license,
      installedSize: current.installedSize,
      files: [...current.files],
    });
  };

  let start = 0;
  while (start < data.length) {
    let end = data.indexOf(0x0a, start);
    if (end < 0) end = data.length;
    lineNo++;
    const lineStart = start;
    start = end + 1;
    let lineEnd = end;
    if (lineEnd > lineStart && data[lineEnd - 1] === 0x0d) lineEnd--;
    if (lineEnd - lineStart < 2) {
      finish();
      continue;
    }
    if (lineEnd - lineStart > limits.maxLineBytes) {
      problems.note(`line(s) longer than ${limits.maxLineBytes} bytes skipped`, `line ${lineNo}`);
      continue;
    }
    if (data[lineStart + 1] !== 0x3a /* : */) {
      problems.note('line(s) not of the form X:value skipped (apk has no continuation lines)', `line ${lineNo}`);
      continue;
    }
    block ??= newBlock();
    const field = String.fromCharCode(data[lineStart]!);
    // Checksums, dependencies, ACLs, file digests, maintainer, build time…: not needed, not decoded.
    if (!USED_FIELDS.has(field)) continue;
    if (!applyField(block, field, data.toString('utf8', lineStart + 2, lineEnd))) problems.note('file(s) before any F: folder skipped', `line ${lineNo}`);
  }
  finish();

  const warnings = problems.warnings(location);
  if (truncated) warnings.push(`${location}: more than ${limits.maxPackages} packages; only the first ${limits.maxPackages} are kept`);
  return { location, packages, warnings };
}

const USED_FIELDS = new Set(['P', 'V', 'A', 'o', 'L', 'I', 'F', 'R']);

interface ApkBlock {
  name: string | null;
  version: string | null;
  arch: string | null;
  origin: string | null;
  license: string | null;
  installedSize: number | null;
  /** The current `F:` folder ('' for the root), or null before the first. */
  folder: string | null;
  files: Set<string>;
}

function newBlock(): ApkBlock {
  return { name: null, version: null, arch: null, origin: null, license: null, installedSize: null, folder: null, files: new Set() };
}

/** Applies one field to the block; false for a file line that has no folder to belong to. */
function applyField(block: ApkBlock, field: string, value: string): boolean {
  switch (field) {
    case 'P':
      block.name = value;
      break;
    case 'V':
      block.version = value;
      break;
    case 'A':
      block.arch = value;
      break;
    case 'o':
      block.origin = value;
      break;
    case 'L':
      block.license = value;
      break;
    case 'I':
      block.installedSize = /^\d{1,15}$/.test(value) ? Number(value) : null;
      break;
    case 'F': {
      block.folder = normalizePath(value).path;
      if (block.folder !== '') block.files.add(`/${block.folder}`);
      break;
    }
    case 'R': {
      if (block.folder === null) return false;
      // A plain name (no `/`, not `.` or `..`) needs no normalising: the folder already is.
      const plain = value !== '' && value !== '.' && value !== '..' && !value.includes('/');
      const path = plain ? (block.folder === '' ? value : `${block.folder}/${value}`) : normalizePath(`${block.folder}/${value}`).path;
      if (path !== '') block.files.add(`/${path}`);
      break;
    }
    default:
      break;
  }
  return true;
}

/** Problems counted by kind, in the order first seen, each with its first case. */
class ProblemTally {
  private readonly kinds = new Map<string, { count: number; first: string }>();

  note(kind: string, first: string): void {
    const seen = this.kinds.get(kind);
    if (seen) seen.count++;
    else this.kinds.set(kind, { count: 1, first });
  }

  warnings(location: string): string[] {
    return [...this.kinds].map(([kind, { count, first }]) => `${location}: ${count} ${kind} (first: ${first})`);
  }
}

export const apkReader: PackageDatabaseReader = {
  ecosystem: 'apk',
  watches: [APK_INSTALLED, APK_INSTALLED_USR],
  async read(files: LayerFiles, limits: PackageLimits): Promise<ParsedDatabase | null> {
    for (const location of [APK_INSTALLED, APK_INSTALLED_USR]) {
      const data = await files.read(location, limits.maxDatabaseBytes);
      if (data === null) continue;
      if (!Buffer.isBuffer(data)) {
        return { location, packages: [], warnings: [`${location} is ${data.tooBig} bytes, over the limit of ${limits.maxDatabaseBytes}; not read`] };
      }
      return parseApkInstalled(data, limits, location);
    }
    return null;
  },
};
