/**
 * The system package databases findPackages reads by default.
 * Readers for more databases join this list (rpm, apk: see rpm.ts and apk.ts).
 */
import { dpkgReader } from './dpkg.js';
import type { PackageDatabaseReader } from './types.js';

export const packageReaders: readonly PackageDatabaseReader[] = [
  dpkgReader,
  // ← rpmReader, apkReader are added here
];
