/** Package databases in an image, attributed layer by layer. */
export * from './types.js';
export { findPackages, findPackagesLazily, unownedFiles, packageVersionAt, DEFAULT_PACKAGE_LIMITS, DEFAULT_FIND_OPTIONS, type FindPackagesOptions, type LazyPackageInventory } from './find-packages.js';
export { packageReaders } from './readers.js';
export { dpkgReader, readDpkg, parseStanzas, parseFileList, dpkgPackageOf, type Stanza } from './dpkg.js';
export { languageLocationOf, readLanguagePackage, npmPackageOf, pypiPackageOf, parseRecord, LANGUAGE_MANIFEST_NAMES, type LanguageLocation } from './language.js';
export { archivePackageImage, type ArchivePackageImage, type ArchivePackageImageInput } from './archive-image.js';
export { readBounded, bounded, checkUtf8, linesOf, normaliseOwnedPath } from './db-text.js';
export { apkReader, parseApkInstalled, APK_INSTALLED, APK_INSTALLED_USR } from './apk.js';
export { rpmReader, readRpmSqlite, RPM_DB_FOLDERS } from './rpm.js';
export { compareVersions } from './versions.js';
export { sliceDue, nextSlice } from './slices.js';
export { comparePackages, type PackageSide, type PackageState, type PackageChange, type PackageChangeKind, type PackageComparison } from './compare-packages.js';
