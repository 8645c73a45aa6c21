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

/** A regular file of the final merged filesystem. */
export interface FinalFile {
  /** Absolute path, e.g. `/usr/bin/ls`. */
  path: string;
  size: number;
}

/**
 * The caller's view of an image, enough to find and attribute its packages. Paths are absolute
 * (`/var/lib/dpkg/status`). The server answers it from its index, the CLI from an opened archive
 * (`archivePackageImage`).
 */
export interface PackageImage {
  readonly layerCount: number;
  /**
   * Whether layer `layer`'s own entries (whiteouts and opaque markers included) touch any of
   * `watches`: an entry at a watched path, below a watched folder (`/var/lib/dpkg/info/`), or at
   * a folder above a watched path (a whiteout of `/var/lib` deletes the database too).
   * Asked often (per database and layer, and per database file kept from an earlier layer):
   * answer it from an index of the layer's paths, not by reading the layer.
   */
  touches(layer: number, watches: readonly string[]): Promise<boolean>;
  /**
   * The merged filesystem as of layer `layer` (that layer applied). findPackages asks for the
   * layers in increasing order; reads are of database files (status, lists, manifests) only.
   */
  asOf(layer: number): LayerFiles;
  /**
   * Every regular file (hard links included) of the final merged filesystem, each once, in any
   * order. Streamed: findPackages never collects it.
   */
  finalFiles(): AsyncIterable<FinalFile>;
  /**
   * Where a folder of the final filesystem really is, symlinks followed (`/bin` → `/usr/bin` on a
   * merged-/usr system), or null when it does not exist there. Package databases list paths as
   * installed (`/bin/ls`), the filesystem holds them under the real folder.
   */
  realDir(dir: string): Promise<string | null>;
  /**
   * Regular files written by any layer (the final filesystem's and those deleted or overwritten
   * later) whose name is one of `names`, each path once, at most `limit` of them. Language
   * packages (node_modules, dist-info) are found through it; without it they are not looked for.
   */
  findByName?(names: readonly string[], limit: number): AsyncIterable<string>;
}

/** A version change of a package in a later layer (a downgrade too). */
export interface PackageUpgrade {
  layer: number;
  from: string;
  to: string;
}

/** One package of the image, attributed to the layer that installed it (the API's ImagePackage). */
export interface ImagePackage {
  ecosystem: Ecosystem;
  name: string;
  /** The last version listed (for a removed package: the one it had). */
  version: string;
  arch: string | null;
  /** The first layer whose database lists it. */
  layer: number;
  upgrades: PackageUpgrade[];
  /** The layer whose database no longer lists it, or null while the final image has it. */
  removedIn: number | null;
  /** Bytes of the regular files it owns in the final merged filesystem. */
  size: number;
  installedSize: number | null;
  /** Regular files it owns that the final merged filesystem has. */
  files: number;
  source: string | null;
  license: string | null;
  /** Where its database lives (`/var/lib/dpkg/status`; a language package's own manifest). */
  database: string;
}

export interface LayerPackageCounts {
  layer: number;
  installed: number;
  upgraded: number;
  removed: number;
  /** Bytes (in the final image) of the packages this layer installed. */
  bytes: number;
}

export interface UnownedFolder {
  path: string;
  files: number;
  bytes: number;
}

export interface UnownedFiles {
  files: number;
  bytes: number;
  /** Folders holding unowned files directly, largest first (at most `maxUnownedFolders`). */
  folders: UnownedFolder[];
}

/** Everything findPackages learned: the API's packages response, less paging. */
export interface PackageInventory {
  packages: ImagePackage[];
  layers: LayerPackageCounts[];
  unowned: UnownedFiles;
  warnings: string[];
}
