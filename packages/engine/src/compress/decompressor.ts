import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import * as fzstd from 'fzstd';
import { EngineError } from '../errors.js';
import type { Detected } from './sniff.js';

/**
 * A Transform that decompresses `kind`. gzip handles multi-member streams (eStargz) and ignores
 * trailing NUL padding (zlib does both); zstd uses fzstd (pure JS: Node 20's zlib has no zstd) and
 * reads skippable frames (zstd:chunked) as a plain decoder must.
 */
export function createDecompressor(kind: Exclude<Detected, 'none'>, subject: string): Transform {
  switch (kind) {
    case 'gzip':
      return createGunzip({ chunkSize: 64 * 1024 });
    case 'zstd':
      return zstdTransform();
    default:
      throw new EngineError('UNSUPPORTED_COMPRESSION', `${subject} is ${kind}-compressed; Peel reads gzip and zstd (recompress it with gzip)`, { subject });
  }
}

function zstdTransform(): Transform {
  // `d` is only used once data flows, after both are built.
  const t: Transform = new Transform({
    transform(c: Buffer, _e, cb) {
      try {
        d.push(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb) {
      try {
        d.push(new Uint8Array(0), true);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
  });
  const d = new fzstd.Decompress((chunk) => {
    t.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  });
  return t;
}
