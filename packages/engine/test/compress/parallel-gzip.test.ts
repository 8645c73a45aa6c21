import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GZIP_BLOCK, ParallelGzip } from '../../src/compress/parallel-gzip.js';
import { random } from '../helpers.js';

// Oracle: GNU gzip. `gzip -dc` is zcat; `gzip -t` checks each member's CRC-32 and length against
// what it inflates; `gzip -lv` prints the CRC-32 and length in the file's last trailer, which for
// a file of several members covers the last member only: equal to the whole input's (as GNU gzip
// computes them) means one member holds it all.

/** Runs `cmd` with `input` on stdin; resolves with its stdout, rejects on a non-zero exit. */
function run(cmd: string, args: string[], input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += String(c)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`))));
    child.stdin.on('error', () => undefined); // a failing reader closes its stdin early: its exit code says why
    child.stdin.end(input);
  });
}

/** [crc, uncompressed length] from the last trailer, as `gzip -lv` prints them. */
async function listed(gz: Buffer): Promise<[string, string]> {
  const fields = (await run('gzip', ['-lv'], gz)).toString().trim().split('\n')[1].trim().split(/\s+/);
  return [fields[1], fields[6]];
}

/** Text-like runs, random bytes and zero runs mixed, so blocks hold matches and literals alike. */
function sample(size: number, seed: number): Buffer {
  const next = random(seed);
  const b = Buffer.allocUnsafe(size);
  const words = ['layer ', 'usr/lib/', 'sha256:', '\n', '0000', 'peel ', 'export '];
  for (let at = 0; at < size;) {
    const kind = Math.floor(next() * 3);
    const run = Math.min(size - at, 1 + Math.floor(next() * 70_000));
    if (kind === 0) for (let i = 0; i < run; i++) b[at + i] = Math.floor(next() * 256);
    else if (kind === 1) b.fill(0, at, at + run);
    else for (let i = 0; i < run;) i += b.write(words[Math.floor(next() * words.length)], at + i, run - i);
    at += run;
  }
  return b;
}

/** Compresses `input` written in pieces of random sizes (up to `maxPiece`), each piece a fresh copy then overwritten (the writer must have copied it). */
async function gzipOf(input: Buffer, options: { inFlight?: number; maxPiece?: number; seed?: number; slowSink?: boolean } = {}): Promise<Buffer> {
  const next = random(options.seed ?? 7);
  const out: Buffer[] = [];
  const gz = new ParallelGzip({
    write: async (c) => {
      if (options.slowSink) await new Promise((r) => setTimeout(r, Math.floor(next() * 5)));
      out.push(Buffer.from(c));
    },
  }, { inFlight: options.inFlight });
  const max = options.maxPiece ?? 300_000;
  for (let at = 0; at < input.length;) {
    const n = Math.min(input.length - at, 1 + Math.floor(next() * max));
    const piece = Buffer.from(input.subarray(at, at + n));
    await gz.write(piece);
    piece.fill(0xa5); // reused by the caller: what was written must not change
    at += n;
  }
  await gz.finish();
  return Buffer.concat(out);
}

const SIZES = [0, 1, 1000, GZIP_BLOCK - 1, GZIP_BLOCK, GZIP_BLOCK + 1, 3 * GZIP_BLOCK, 3 * GZIP_BLOCK + 54_321];

describe('ParallelGzip', () => {
  it.each(SIZES)('%i bytes: one gzip member that gzip decompresses to the input', async (size) => {
    const input = sample(size, size + 1);
    const gz = await gzipOf(input);
    expect((await run('gzip', ['-dc'], gz)).equals(input)).toBe(true);
    await run('gzip', ['-t'], gz);
    // The last trailer is the whole input's: the file is one member.
    expect(await listed(gz)).toEqual(await listed(await run('gzip', ['-c'], input)));
    expect((await listed(gz))[1]).toBe(String(size));
  });

  it('writes the gzip header zlib writes', async () => {
    const gz = await gzipOf(sample(2 * GZIP_BLOCK + 777, 3));
    expect(gz.subarray(0, 10).toString('hex')).toBe('1f8b0800000000000003');
  });

  it('gives the same bytes whatever the pieces written, the blocks in flight and the order blocks finish in', async () => {
    const input = sample(5 * GZIP_BLOCK + 4_321, 11);
    const reference = await gzipOf(input, { inFlight: 1, maxPiece: 4096, seed: 1 });
    for (const [inFlight, maxPiece, seed] of [[2, 3 * GZIP_BLOCK, 2], [3, 65_536, 3], [6, 1_000_003, 4]]) {
      const other = await gzipOf(input, { inFlight, maxPiece, seed, slowSink: true });
      expect(other.equals(reference), `inFlight ${inFlight}, pieces ≤ ${maxPiece}`).toBe(true);
    }
    expect((await run('gzip', ['-dc'], reference)).equals(input)).toBe(true);
  });

  it('compresses about as well as one zlib stream (each block starts with the 32 KiB before it)', async () => {
    const input = sample(4 * GZIP_BLOCK, 5);
    const whole = await run('gzip', ['-6', '-c'], input);
    const blocks = await gzipOf(input);
    expect(blocks.length / whole.length).toBeLessThan(1.01);
  });

  it('primes each block with the bytes before it: repeating them costs a few bytes, not 16 KiB', async () => {
    const next = random(21);
    const noise = Buffer.from(Array.from({ length: GZIP_BLOCK }, () => Math.floor(next() * 256)));
    // The second block starts with a copy of the first block's last 16 KiB (zlib reaches back
    // 32 KiB less 262 bytes, so a copy from the full 32 KiB back would be out of its reach).
    const input = Buffer.concat([noise, noise.subarray(GZIP_BLOCK - 16 * 1024)]);
    const alone = (await run('gzip', ['-6', '-c'], noise)).length;
    const gz = await gzipOf(input);
    expect((await run('gzip', ['-dc'], gz)).equals(input)).toBe(true);
    expect(gz.length - alone).toBeLessThan(2048);
  });

  it('holds a bounded number of blocks when the sink stops taking bytes', async () => {
    const inFlight = 3;
    let released = () => {};
    const gate = new Promise<void>((r) => (released = r));
    let written = 0;
    const gz = new ParallelGzip({ write: async (c) => { await gate; written += c.length; } }, { inFlight });
    const chunk = Buffer.alloc(64 * 1024, 1);
    let accepted = 0;
    const producer = (async () => {
      for (let i = 0; i < 20 * 16; i++) {
        await gz.write(chunk);
        accepted += chunk.length;
      }
      await gz.finish();
    })();
    await new Promise((r) => setTimeout(r, 500));
    // The write that fills the last block allowed in flight waits for the sink: nothing more is held.
    expect(accepted).toBeLessThanOrEqual(inFlight * GZIP_BLOCK);
    expect(accepted).toBeGreaterThanOrEqual((inFlight - 1) * GZIP_BLOCK);
    released();
    await producer;
    expect(accepted).toBe(20 * GZIP_BLOCK);
    expect(written).toBeGreaterThan(0);
  });

  it('streams more than 4 GiB in bounded memory; gzip checks it, with the length modulo 2^32', async () => {
    // Level 1 over mostly zeros keeps this quick; blocks, dictionaries, CRC and ISIZE are the same code at any level.
    // `gzip -t` inflates everything and compares the CRC-32 and length of what it got with the
    // trailer's: the CRC was taken over the bytes written here, so a wrong byte anywhere fails it.
    const total = 4 * 1024 ** 3 + 3 * GZIP_BLOCK + 5;
    const child = spawn('gzip', ['-t'], { stdio: ['pipe', 'inherit', 'inherit'] });
    const exited = new Promise<number | null>((r) => child.on('close', r));
    const gz = new ParallelGzip({ write: (c) => new Promise<void>((resolve, reject) => child.stdin.write(c, (e) => (e ? reject(e) : resolve()))) }, { level: 1 });
    const chunk = Buffer.alloc(1024 * 1024);
    const before = process.memoryUsage().rss;
    let peak = before;
    for (let done = 0, i = 0; done < total; i++) {
      const n = Math.min(chunk.length, total - done);
      chunk.writeUInt32LE(i, (i * 4099) % (chunk.length - 4));
      await gz.write(chunk.subarray(0, n));
      done += n;
      if (i % 32 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(gz.bytesIn).toBe(total);
    await gz.finish();
    child.stdin.end();
    expect(await exited).toBe(0);
    // Order of magnitude only: a few MiB of blocks, not the gigabytes that went through.
    expect((peak - before) / 2 ** 20).toBeLessThan(256);
  }, 600_000);
});
