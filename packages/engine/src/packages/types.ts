/**
 * Package databases inside an image, read layer by layer. The engine parses the databases and
 * attributes each package to the layer that installed it; the caller (the server over its index,
 * the CLI over an archive) supplies the files through `PackageImage`.
 */

export type Ecosystem = 'deb' | 'apk' | 'rpm' | 'npm' | 'pypi';

/** One package as one copy of a package database states it. */
export interface PackageRecord {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  arch: string | null;
  /** Source package or origin, where the database names one. */
  source: string | null;
  license: string | null;
  /** The size the database declares, in bytes (KiB figures converted), or null. */
  installedSize: number | null;
  /** Absolute, normalised paths the package owns, as its database lists them (folders included). */
  files: string[];
}

/** What reading one database gave. Problems are warnings, never exceptions. */
export interface ParsedDatabase {
  /** Where the database lives in the image, e.g. `/var/lib/dpkg/status`. */
  location: string;
  packages: PackageRecord[];
  warnings: string[];
}

/** Read access to an image's merged filesystem as of one layer. */
export interface LayerFiles {
  /**
   * The bytes of a regular file (symlinks followed inside the image), or null when there is no
   * such file. A file larger than `maxBytes` is not read: `{ tooBig: size }` says so.
   */
  read(path: string, maxBytes: number): Promise<Buffer | null | { tooBig: number }>;
  /** Names of the entries of a folder, sorted, or [] when it is absent. */
  list(dir: string): Promise<string[]>;
}

/** Bounds for reading hostile databases. */
export interface PackageLimits {
  /** Largest database file read (status, installed, rpmdb.sqlite, one .list). */
  maxDatabaseBytes: number;
  /** Longest line or field accepted. */
  maxLineBytes: number;
  /** Most packages kept from one database. */
  maxPackages: number;
}

/** One kind of package database: where it lives and how to read one copy of it. */
export interface PackageDatabaseReader {
  readonly ecosystem: Ecosystem;
  /**
   * Paths whose change in a layer means this database may have changed there: exact paths, or
   * folder prefixes ending in `/`. A layer that touches none of them keeps the database as it was.
   */
  readonly watches: readonly string[];
  /** Reads the database as of one layer; null when the image has no database of this kind. */
  read(files: LayerFiles, limits: PackageLimits): Promise<ParsedDatabase | null>;
}
