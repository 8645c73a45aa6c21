/**
 * Language packages, which live wherever a project put them: an npm package is a folder
 * `…/node_modules/NAME/` (or `…/node_modules/@SCOPE/NAME/`) with its `package.json`; a Python
 * distribution is `…/NAME-VERSION.dist-info/` with `METADATA` (name, version, licence) and
 * `RECORD` (its files, relative to the folder holding the dist-info). Each manifest is a database
 * of one package: it is found by name (PackageImage.findByName) and then read layer by layer like
 * any other database, so its attribution follows the same rules.
 */
import { bounded, checkUtf8, linesOf, normaliseOwnedPath, readBounded } from './db-text.js';
import type { Ecosystem, LayerFiles, PackageLimits, PackageRecord, ParsedDatabase } from './types.js';

/** The file names findByName is asked for. */
export const LANGUAGE_MANIFEST_NAMES = ['package.json', 'METADATA'] as const;

/** A language package's manifest location and what it owns in the final filesystem. */
export interface LanguageLocation {
  ecosystem: Extract<Ecosystem, 'npm' | 'pypi'>;
  /** The manifest (`…/node_modules/x/package.json`, `…/x-1.0.dist-info/METADATA`). */
  manifest: string;
  /** The package's folder: an npm package owns every file below it not owned by a nested package. */
  root: string;
  /** Paths whose change means the package may have changed (the manifest, RECORD). */
  watches: string[];
}

/** The language package a found manifest path stands for, or null when it is not one. */
export function languageLocationOf(path: string): LanguageLocation | null {
  const parts = path.split('/');
  const name = parts[parts.length - 1];
  if (name === 'package.json') {
    // …/node_modules/NAME/package.json or …/node_modules/@SCOPE/NAME/package.json
    const n = parts.length;
    const scoped = n >= 4 && parts[n - 3].startsWith('@') && parts[n - 4] === 'node_modules';
    const plain = n >= 3 && parts[n - 3] === 'node_modules' && !parts[n - 2].startsWith('@') && !parts[n - 2].startsWith('.');
    if (!scoped && !plain) return null;
    const root = parts.slice(0, -1).join('/');
    return { ecosystem: 'npm', manifest: path, root, watches: [path] };
  }
  if (name === 'METADATA' && parts.length >= 3 && parts[parts.length - 2].endsWith('.dist-info')) {
    const root = parts.slice(0, -1).join('/');
    return { ecosystem: 'pypi', manifest: path, root, watches: [path, `${root}/RECORD`] };
  }
  return null;
}

/** Largest manifest read: package.json files of real packages are a few KiB. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/** Reads one language package's manifest as of a layer; null when the manifest is not there. */
export async function readLanguagePackage(loc: LanguageLocation, files: LayerFiles, limits: PackageLimits): Promise<ParsedDatabase | null> {
  const warnings: string[] = [];
  const manifestLimits = { ...limits, maxDatabaseBytes: Math.min(limits.maxDatabaseBytes, MAX_MANIFEST_BYTES) };
  const got = await files.read(loc.manifest, manifestLimits.maxDatabaseBytes);
  if (got === null) return null;
  const bytes = bounded(got, loc.manifest, manifestLimits, warnings);
  const record = bytes === null ? null : loc.ecosystem === 'npm' ? npmPackageOf(bytes, loc.manifest, warnings) : pypiPackageOf(bytes, loc.manifest, limits, warnings);
  if (record && loc.ecosystem === 'pypi') {
    const recordPath = `${loc.root}/RECORD`;
    const list = await readBounded(files, recordPath, limits, warnings);
    if (list !== null) record.files = parseRecord(list, recordPath, loc.root, limits, warnings);
  }
  return { location: loc.manifest, packages: record ? [record] : [], warnings };
}

/** name, version and licence of a package.json; null (with a warning) when it is not one. */
export function npmPackageOf(bytes: Buffer, path: string, warnings: string[]): PackageRecord | null {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    warnings.push(`${path} is not valid JSON`);
    return null;
  }
  if (typeof json !== 'object' || json === null) return null;
  const o = json as Record<string, unknown>;
  if (typeof o.name !== 'string' || typeof o.version !== 'string') return null;
  return { ecosystem: 'npm', name: o.name, version: o.version, arch: null, source: null, license: npmLicense(o), installedSize: null, files: [] };
}

/** `license: "MIT"`, the old `license: {type}` and `licenses: [{type}]` forms. */
function npmLicense(o: Record<string, unknown>): string | null {
  const typeOf = (l: unknown) => (typeof l === 'string' ? l : typeof l === 'object' && l !== null && typeof (l as { type?: unknown }).type === 'string' ? (l as { type: string }).type : null);
  const one = typeOf(o.license);
  if (one) return one;
  if (Array.isArray(o.licenses)) {
    const all = o.licenses.map(typeOf).filter((l): l is string => l !== null);
    if (all.length) return all.join(' OR ');
  }
  return null;
}

/** The headers of a core-metadata file (RFC 822 style, up to the first empty line). */
export function pypiPackageOf(bytes: Buffer, path: string, limits: PackageLimits, warnings: string[]): PackageRecord | null {
  checkUtf8(bytes, path, warnings);
  const headers = new Map<string, string>();
  const classifiers: string[] = [];
  let last = '';
  let licenseText = false;
  for (const line of linesOf(bytes, limits.maxLineBytes)) {
    if (line === null) continue;
    if (line === '') break;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      // A License header that goes on over several lines is the licence's text, not its name.
      if (last === 'license') licenseText = true;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).toLowerCase();
    last = key;
    const value = line.slice(colon + 1).trim();
    if (key === 'classifier') {
      if (value.startsWith('License :: ')) classifiers.push(value.split(' :: ').pop()!);
    } else if (!headers.has(key)) headers.set(key, value);
  }
  const name = headers.get('name');
  const version = headers.get('version');
  if (!name || !version) return null;
  const license = headers.get('license-expression') || (licenseText ? null : usableLicense(headers.get('license'))) || (classifiers.length ? classifiers.join(' OR ') : null);
  return { ecosystem: 'pypi', name, version, arch: null, source: null, license, installedSize: null, files: [] };
}

/** A `License:` header that names a licence, not its whole text or UNKNOWN. */
function usableLicense(l: string | undefined): string | null {
  if (!l || l === 'UNKNOWN' || l.length > 100) return null;
  return l;
}

/** The paths of a RECORD (CSV: path,hash,size), relative to the folder holding the dist-info. */
export function parseRecord(bytes: Buffer, path: string, distInfo: string, limits: PackageLimits, warnings: string[]): string[] {
  checkUtf8(bytes, path, warnings);
  const base = distInfo.slice(0, distInfo.lastIndexOf('/')) || '/';
  const out: string[] = [];
  let escaped = 0;
  for (const line of linesOf(bytes, limits.maxLineBytes)) {
    if (line === null || line === '') continue;
    const raw = csvFirstField(line);
    const p = normaliseOwnedPath(raw, base);
    if (p === null) escaped++;
    else out.push(p);
  }
  if (escaped > 0) warnings.push(`${path}: ${escaped} path${escaped === 1 ? '' : 's'} climbing above the root (..) dropped`);
  return out;
}

function csvFirstField(line: string): string {
  if (!line.startsWith('"')) {
    const comma = line.indexOf(',');
    return comma < 0 ? line : line.slice(0, comma);
  }
  let out = '';
  for (let i = 1; i < line.length; i++) {
    if (line[i] === '"') {
      if (line[i + 1] === '"') {
        out += '"';
        i++;
      } else break;
    } else out += line[i];
  }
  return out;
}
