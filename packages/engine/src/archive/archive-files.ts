import { EngineError } from '../errors.js';
import { normalizePath, parentOf, joinPath } from '../layer/normalize.js';
import type { ArchiveScan } from './scan.js';
import type { ScannedFile } from './blob-scanner.js';

/** Looks files of a scanned archive up by path (following the archive's own symlinks) or digest. */
export class ArchiveFiles {
  constructor(readonly scan: ArchiveScan) {}

  /** The regular file at `path`, following symlinks and hard links inside the archive (legacy `<id>/layer.tar` links). */
  at(path: string): ScannedFile | undefined {
    let p = normalizePath(path).path;
    for (let hops = 0; hops < 16; hops++) {
      const f = this.scan.files.get(p);
      if (f) return f;
      const link = this.scan.links.get(p);
      if (!link || link.linkTarget === null) return undefined;
      p = link.type === 'symlink'
        ? normalizePath(link.linkTarget.startsWith('/') ? link.linkTarget : joinPath(parentOf(p), link.linkTarget)).path
        : normalizePath(link.linkTarget).path;
    }
    return undefined;
  }

  /** The path a lookup of `path` ends on (for labelling links). */
  resolvedPath(path: string): string | undefined {
    return this.at(path)?.path;
  }

  blob(digest: string): ScannedFile | undefined {
    const [alg, hex] = String(digest).split(':');
    if (!alg || !hex || !/^[a-z0-9]+$/.test(alg) || !/^[a-f0-9]+$/.test(hex)) return undefined;
    const file = this.at(`blobs/${alg}/${hex}`);
    // A blob reached through a symlink or hard link was not checked against its name: check it here.
    if (file && alg === 'sha256' && file.digest !== digest) {
      throw new EngineError('DIGEST_MISMATCH', `blob ${digest} is a link to ${file.path}, whose content hashes to ${file.digest} (corrupt or tampered archive)`, { subject: `blobs/${alg}/${hex}` });
    }
    return file;
  }

  has(path: string): boolean {
    return this.at(path) !== undefined;
  }

  /** Parses a JSON document of the archive, with errors that name it. */
  json(file: ScannedFile, what: string): unknown {
    if (file.jsonTooLarge) {
      throw new EngineError('JSON_TOO_LARGE', `${what} (${file.path}) is larger than the JSON limit; refusing to parse it`, { subject: file.path });
    }
    if (!file.json) throw new EngineError('MALFORMED_JSON', `${what} (${file.path}) is not JSON`, { subject: file.path });
    if (nestedDeeperThan(file.json, MAX_JSON_DEPTH)) {
      throw new EngineError('LIMIT_EXCEEDED', `${what} (${file.path}) nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep; refusing to read it (no image document needs more than a few)`, { subject: file.path });
    }
    try {
      return JSON.parse(file.json.toString('utf8'));
    } catch (e) {
      throw new EngineError('MALFORMED_JSON', `${what} (${file.path}) is not valid JSON: ${(e as Error).message}`, { subject: file.path, cause: e });
    }
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function malformed(what: string, path: string, detail: string): EngineError {
  return new EngineError('MALFORMED_JSON', `${what} (${path}) ${detail}`, { subject: path });
}

/** Deeper JSON would overflow the stack of whoever walks it later (JSON.stringify fails near 5000). */
export const MAX_JSON_DEPTH = 512;

/** True when `[`/`{` nest deeper than `max` outside strings (a byte scan, before any parsing). */
function nestedDeeperThan(json: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}
