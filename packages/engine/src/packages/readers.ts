/** The system package databases findPackages reads by default. */
import { apkReader } from './apk.js';
import { dpkgReader } from './dpkg.js';
import { rpmReader } from './rpm.js';
import type { PackageDatabaseReader } from './types.js';

export const packageReaders: readonly PackageDatabaseReader[] = [dpkgReader, apkReader, rpmReader];
