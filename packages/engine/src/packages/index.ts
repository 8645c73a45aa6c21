/** Package databases in an image, attributed layer by layer. */
export * from './types.js';
export { findPackages, packageVersionAt, DEFAULT_PACKAGE_LIMITS, DEFAULT_FIND_OPTIONS, type FindPackagesOptions } from './find-packages.js';
export { packageReaders } from './readers.js';
export { dpkgReader, readDpkg, parseStanzas, parseFileList, dpkgPackageOf, type Stanza } from './dpkg.js';
export { languageLocationOf, readLanguagePackage, npmPackageOf, pypiPackageOf, parseRecord, LANGUAGE_MANIFEST_NAMES, type LanguageLocation } from './language.js';
export { archivePackageImage, type ArchivePackageImage, type ArchivePackageImageInput } from './archive-image.js';
export { readBounded, bounded, checkUtf8, linesOf, normaliseOwnedPath } from './db-text.js';
