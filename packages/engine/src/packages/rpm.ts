import { RpmHeaderError, parseRpmHeader } from './rpm-header.js';
import { SqliteFile, SqliteFormatError } from './sqlite-file.js';
import { nextSlice, sliceDue } from './slices.js';
import type { LayerFiles, PackageDatabaseReader, PackageLimits, PackageRecord, ParsedDatabase } from './types.js';

/**
 * The rpm database folders: `/var/lib/rpm` (RHEL/UBI, Amazon Linux; elsewhere often a link to one
 * of the others), `/usr/lib/sysimage/rpm` (Fedora ≥ 36, openSUSE) and `/usr/share/rpm` (rpm-ostree
 * and bootc images). The first holding a database is read.
 */
export const RPM_DB_FOLDERS = ['/var/lib/rpm', '/usr/lib/sysimage/rpm', '/usr/share/rpm'] as const;

/**
 * The older formats, named so the image says why it has no rpm list instead of a silent gap. The
 * format is known by the file's name, as rpm itself picks the backend of an existing database;
 * the file is not read (a Berkeley DB `Packages` runs to tens of megabytes).
 */
const UNREAD_FORMATS = [
  { file: 'Packages', format: 'Berkeley DB', what: 'rpm < 4.16: CentOS 7/8, RHEL/UBI 8, Amazon Linux 2' },
  { file: 'Packages.db', format: 'ndb', what: "rpm's own format, openSUSE and SLE" },
] as const;

export const rpmReader: PackageDatabaseReader = {
  ecosystem: 'rpm',
  watches: RPM_DB_FOLDERS.map((folder) => `${folder}/`),
  async read(files: LayerFiles, limits: PackageLimits): Promise<ParsedDatabase | null> {
    for (const folder of RPM_DB_FOLDERS) {
      const location = `${folder}/rpmdb.sqlite`;
      const data = await files.read(location, limits.maxDatabaseBytes);
      if (data === null) continue;
      if (!Buffer.isBuffer(data)) return unread(location, `${location} is ${data.tooBig} bytes, over the limit of ${limits.maxDatabaseBytes}; not read`);
      // A database of thousands of headers is read in slices, so a server stays responsive.
      const parsed: ParsedDatabase = { location, packages: [], warnings: [] };
      for (const steps = rpmRows(data, limits, parsed); !steps.next().done;) if (sliceDue()) await nextSlice();
      const wal = await files.read(`${location}-wal`, 0);
      if (wal !== null && !Buffer.isBuffer(wal)) {
        parsed.warnings.push(`${location}-wal holds ${wal.tooBig} bytes of write-ahead log not yet copied into the database; packages changed by the last transactions may be missing or stale`);
      }
      return parsed;
    }
    for (const folder of RPM_DB_FOLDERS) {
      for (const { file, format, what } of UNREAD_FORMATS) {
        const location = `${folder}/${file}`;
        // maxBytes 0: only whether the file is there, and its size.
        const probe = await files.read(location, 0);
        if (probe === null) continue;
        const size = Buffer.isBuffer(probe) ? 0 : probe.tooBig;
        return unread(location, `${location} (${size} bytes) is a ${format} rpm database (${what}); Peel reads only rpmdb.sqlite (rpm ≥ 4.16), so its packages are not listed`);
      }
    }
    return null;
  },
};

function unread(location: string, warning: string): ParsedDatabase {
  return { location, packages: [], warnings: [warning] };
}

/** The packages of an rpmdb.sqlite: each row of its `Packages` table (hnum, blob) is one header. */
export function readRpmSqlite(data: Buffer, location: string, limits: PackageLimits): ParsedDatabase {
  const parsed: ParsedDatabase = { location, packages: [], warnings: [] };
  for (const steps = rpmRows(data, limits, parsed); !steps.next().done;);
  return parsed;
}

/** readRpmSqlite into `out`, one step a row. */
function* rpmRows(data: Buffer, limits: PackageLimits, out: ParsedDatabase): Generator<void> {
  const { location, packages, warnings } = out;
  // Counted, with the first few named: a hostile database may hold any number of bad rows.
  let badHeaders = 0;
  const badExamples: string[] = [];
  const badHeader = (problem: string) => {
    if (badHeaders++ < 5) badExamples.push(problem);
  };
  try {
    const db = new SqliteFile(data);
    const root = db.tableRoot('Packages');
    if (root === null) {
      warnings.push(`${location} has no Packages table; not an rpm database`);
      return;
    }
    for (const row of db.rows(root)) {
      yield;
      if (packages.length >= limits.maxPackages) {
        warnings.push(`${location}: more than ${limits.maxPackages} packages; only the first ${limits.maxPackages} are kept`);
        break;
      }
      const blob = row.values[1];
      if (!Buffer.isBuffer(blob)) {
        badHeader(`hnum ${row.rowid}: no header blob`);
        continue;
      }
      try {
        packages.push(recordOf(parseRpmHeader(blob)));
      } catch (error) {
        if (!(error instanceof RpmHeaderError)) throw error;
        badHeader(`hnum ${row.rowid}: ${error.message}`);
      }
    }
  } catch (error) {
    if (!(error instanceof SqliteFormatError)) throw error;
    warnings.push(`${location} is not a readable SQLite database (${error.message}); ${packages.length} package(s) read before the problem`);
  }
  if (badHeaders > 0) {
    warnings.push(`${location}: ${badHeaders} package header(s) unreadable and skipped (${badExamples.join('; ')}${badHeaders > 5 ? '; …' : ''})`);
  }
}

function recordOf(header: ReturnType<typeof parseRpmHeader>): PackageRecord {
  const versionRelease = `${header.version}-${header.release}`;
  return {
    ecosystem: 'rpm',
    name: header.name,
    version: header.epoch === null ? versionRelease : `${header.epoch}:${versionRelease}`,
    arch: header.arch,
    // rpm itself writes the literal "(none)" where a header has no source package (public keys,
    // converted legacy headers).
    source: header.sourceRpm === '(none)' ? null : header.sourceRpm,
    license: header.license,
    installedSize: header.size,
    files: header.files,
  };
}
