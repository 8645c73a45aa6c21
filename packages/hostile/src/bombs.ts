/**
 * Decompression bombs and other huge-by-declaration inputs, produced lazily: a "100 GB" layer
 * is a few MB of repeated gzip members or zstd RLE blocks, generated chunk by chunk, never held.
 */
import { gzipSync } from 'node:zlib';
import { BLOCK, END, file, header, item, pad, pax, sha256, tar } from './tar.js';
import { baseConfig } from './image.js';

/** A byte stream of known length, generated on demand (may be iterated more than once). */
export interface Lazy {
  size: number;
  chunks(): Iterable<Buffer>;
}

export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

const ZERO_MEMBER_BYTES = 16 * MiB;
let zeroMember: Buffer | null = null;
/** gzip of 16 MiB of zeros (~16 KB), computed once. */
function gzipZeros(): Buffer {
  zeroMember ??= gzipSync(Buffer.alloc(ZERO_MEMBER_BYTES), { level: 9 });
  return zeroMember;
}

/**
 * A gzip layer (concatenated members, which gzip readers must join) holding one file of
 * `bytes` zeros: the tar header, then the zeros, then the end marker.
 */
export function gzipBombLayer(bytes: number): Lazy {
  const head = gzipSync(header({ name: 'zeros', size: bytes }));
  const members = Math.floor(bytes / ZERO_MEMBER_BYTES);
  const rest = bytes - members * ZERO_MEMBER_BYTES;
  const tail = gzipSync(Buffer.concat([Buffer.alloc(rest), pad(bytes), END]));
  const zeros = gzipZeros();
  return {
    size: head.length + members * zeros.length + tail.length,
    *chunks() {
      yield head;
      // Batches of members keep the chunk count (and per-chunk overhead) low.
      const batch = Buffer.concat(Array.from({ length: 64 }, () => zeros));
      let left = members;
      for (; left >= 64; left -= 64) yield batch;
      for (; left > 0; left--) yield zeros;
      yield tail;
    },
  };
}

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const RLE_BLOCK = 128 * 1024;

/** A zstd block header: 3 bytes little-endian (last flag, type, size). */
function blockHeader(last: boolean, type: 0 | 1 | 2, size: number): Buffer {
  const v = (size << 3) | (type << 1) | (last ? 1 : 0);
  return Buffer.from([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff]);
}

/**
 * A zstd layer of one frame: a raw block with the tar header, then RLE blocks of 128 KiB zeros
 * (4 bytes each: ~32,000:1). `windowLog` sets the declared window (10..41).
 */
export function zstdBombLayer(bytes: number, windowLog = 17): Lazy {
  const total = bytes + pad(bytes).length + END.length;
  const frameHead = Buffer.concat([ZSTD_MAGIC, Buffer.from([0x00, (windowLog - 10) << 3])]);
  const first = Buffer.concat([frameHead, blockHeader(false, 0, BLOCK), header({ name: 'zeros', size: bytes })]);
  const blocks = Math.ceil(total / RLE_BLOCK);
  const rle = Buffer.concat([blockHeader(false, 1, RLE_BLOCK), Buffer.from([0])]);
  const lastSize = total - (blocks - 1) * RLE_BLOCK;
  const last = Buffer.concat([blockHeader(true, 1, lastSize), Buffer.from([0])]);
  const batch = Buffer.concat(Array.from({ length: 16384 }, () => rle));
  return {
    size: first.length + blocks * 4,
    *chunks() {
      yield first;
      let left = blocks - 1;
      for (; left >= 16384; left -= 16384) yield batch;
      if (left > 0) yield batch.subarray(0, left * 4);
      yield last;
    },
  };
}

/**
 * A `docker save` archive around one lazily generated layer blob. The config's diff_id is a
 * placeholder: a bomb is refused long before its digest could be compared.
 */
export function archiveAround(layer: Lazy, opts: { diffId?: string } = {}): Lazy {
  const config = baseConfig([]);
  (config.rootfs as { diff_ids: string[] }).diff_ids = [opts.diffId ?? sha256('not computed')];
  (config.history as unknown[]).push({ created_by: 'bomb' });
  const configBytes = Buffer.from(JSON.stringify(config));
  const configName = `${sha256(configBytes).slice(7)}.json`;
  const manifest = JSON.stringify([{ Config: configName, RepoTags: ['hostile/bomb:1'], Layers: ['bomb/layer.tar'] }]);
  const head = Buffer.concat([item(file(configName, configBytes)), item(file('manifest.json', manifest)), header({ name: 'bomb/layer.tar', size: layer.size })]);
  const tail = Buffer.concat([pad(layer.size), END]);
  return {
    size: head.length + layer.size + tail.length,
    *chunks() {
      yield head;
      yield* layer.chunks();
      yield tail;
    },
  };
}

/** A layer of `count` empty files (names `d<k>/f<n>`), generated block by block from a template. */
export function manyEntriesLayer(count: number): Lazy {
  const template = header({ name: '' });
  template.fill(0x20, 148, 156);
  let base = 0;
  for (const b of template) base += b;
  return {
    size: count * BLOCK + END.length,
    *chunks() {
      const per = 2048;
      for (let i = 0; i < count; i += per) {
        const n = Math.min(per, count - i);
        const batch = Buffer.alloc(n * BLOCK);
        for (let k = 0; k < n; k++) {
          const at = k * BLOCK;
          template.copy(batch, at);
          const len = batch.write(`d${(i + k) % 1000}/f${i + k}`, at, 100, 'latin1');
          let sum = base;
          for (let j = at; j < at + len; j++) sum += batch[j];
          batch.write(`${sum.toString(8).padStart(6, '0')}\0 `, at + 148, 'latin1');
        }
        yield batch;
      }
      yield END;
    },
  };
}

/** The headers of a tar whose first entry declares a `bytes`-long PAX header, then nothing more for a while. */
export function hugePaxHeader(bytes: number): Lazy {
  const head = header({ name: 'PaxHeader/huge', type: 'x', size: bytes });
  return {
    size: BLOCK + bytes,
    *chunks() {
      yield head;
      const filler = Buffer.alloc(MiB, 0x41);
      for (let left = bytes; left > 0; left -= filler.length) yield left >= filler.length ? filler : filler.subarray(0, left);
    },
  };
}

/** A tar whose one file declares `bytes` of data that never come: the archive just ends. */
export function missingHugeFile(bytes: number): Buffer {
  return Buffer.concat([header({ name: 'huge.bin', size: bytes }), Buffer.alloc(4096, 0x42)]);
}

/** Deflate-ratio check for tests: how many bytes a Lazy expands to is known by construction. */
export function concat(l: Lazy): Buffer {
  return Buffer.concat([...l.chunks()]);
}

export { tar, pax };
