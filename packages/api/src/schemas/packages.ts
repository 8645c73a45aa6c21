import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum, int, str } from './base.js';

/**
 * The packages an image's package databases list, each attributed to the layer that installed
 * it: the first layer whose merged database lists it. An upgrade is a later layer listing it with
 * another version; a removal, a later layer whose database no longer lists it. Read from each
 * layer's own copy of the database, never guessed from file times.
 */
export const packageEcosystemSchema = StringEnum(['deb', 'apk', 'rpm', 'npm', 'pypi']);

export const packageUpgradeSchema = Type.Object({
  layer: int,
  from: str,
  to: str,
});

export const imagePackageSchema = Type.Object({
  ecosystem: packageEcosystemSchema,
  name: str,
  /** The last version the image's databases list (for a removed package: the one it had). */
  version: str,
  arch: Nullable(str),
  /** The layer that installed it. */
  layer: int,
  /** Later layers that changed its version, in layer order (a downgrade is listed too). */
  upgrades: Type.Array(packageUpgradeSchema),
  /** The layer whose database no longer lists it, or null while the final image has it. */
  removedIn: Nullable(int),
  /** Bytes of the regular files it owns in the final merged filesystem. */
  size: int,
  /** The size its database declares, bytes (dpkg's and apk's KiB converted), or null. */
  installedSize: Nullable(int),
  /** Regular files it owns that the final merged filesystem has. */
  files: int,
  /** Source package or origin, where the database names one. */
  source: Nullable(str),
  license: Nullable(str),
  /** Where its database lives in the image (e.g. /var/lib/dpkg/status). */
  database: str,
});

export const layerPackageCountsSchema = Type.Object({
  layer: int,
  installed: int,
  upgraded: int,
  removed: int,
  /** Bytes (in the final image) of the packages this layer installed. */
  bytes: int,
});

export const unownedFolderSchema = Type.Object({
  path: str,
  files: int,
  bytes: int,
});

export const unownedFilesSchema = Type.Object({
  /** Regular files of the final merged filesystem that no package owns. */
  files: int,
  bytes: int,
  /** Folders holding unowned files, largest first (bounded list). */
  folders: Type.Array(unownedFolderSchema),
});

export const packagesResponseSchema = Type.Object({
  packages: Type.Array(imagePackageSchema),
  layers: Type.Array(layerPackageCountsSchema),
  unowned: unownedFilesSchema,
  /** What could not be read (a database too big, a line too long, a corrupt sqlite file…). */
  warnings: Type.Array(str),
});

/** `paged=1`: one page of packages; `layers`, `unowned` and `warnings` come with every page. */
export const packagesPageSchema = Type.Object({
  items: Type.Array(imagePackageSchema),
  total: int,
  next: Nullable(str),
  layers: Type.Array(layerPackageCountsSchema),
  unowned: unownedFilesSchema,
  warnings: Type.Array(str),
});

/**
 * `wait=0` while the inventory is being computed (202): how far the reading of the databases has
 * come. `layer`: the layers whose databases have been read (0 to `layers`); at `layers`, the final
 * files are being measured.
 */
export const packagesProgressSchema = Type.Object({
  state: StringEnum(['computing']),
  layer: int,
  layers: int,
});
