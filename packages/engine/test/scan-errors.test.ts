import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { openImageArchive, type EngineError, type FsBlobStore } from '../src/index.js';
import { formatBytes, shortDigests } from '../src/archive/scan-errors.js';
import { fixture, tempStore } from './helpers.js';

let store: FsBlobStore;
let dispose: () => Promise<void>;
beforeAll(async () => ({ store, dispose } = await tempStore()));
afterAll(() => dispose());

const refusal = (bytes: Buffer) => openImageArchive([bytes], store, {}).then(() => null, (e: EngineError) => e);
const legacy = readFileSync(fixture('multi-docker-legacy.tar'));

/** GNU tar's listing with header block numbers: the oracle for which entry a byte offset falls in. */
function entryAt(offset: number): { path: string; size: number; start: number } {
  const lines = execFileSync('tar', ['--block-number', '-tvf', fixture('multi-docker-legacy.tar')], { encoding: 'utf8' }).trim().split('\n').filter((line) => !line.includes('** Block of NULs **'));
  const entries = lines.map((line) => {
    const m = /^block (\d+): \S+ \S+\s+(\d+) \S+ \S+ (.*)$/.exec(line);
    if (!m) throw new Error(`unexpected tar line ${line}`);
    return { start: (Number(m[1]) + 1) * 512, size: Number(m[2]), path: m[3] };
  });
  const found = entries.filter((e) => e.start <= offset).at(-1);
  if (!found) throw new Error(`no entry before ${offset}`);
  return found;
}

describe('refusals say what happened in plain words and keep the technical account in detail', () => {
  it('a short text file is not a tar archive (not "truncated")', async () => {
    const err = await refusal(Buffer.from('just some text, not a tar!\n'));
    expect(err?.code).toBe('NOT_A_TAR');
    expect(err?.message).toBe('this is not a tar archive: Peel opens the .tar (or .tar.gz) that `docker save` or an OCI export writes');
    expect(err?.detail).toMatch(/header block at offset 0 at byte 27/);
  });

  it('a longer text file and a zip file', async () => {
    const text = await refusal(Buffer.from('this is plain text, not a tar archive\n'.repeat(40)));
    expect(text?.code).toBe('NOT_A_TAR');
    expect(text?.message).toMatch(/^this is not a tar archive: /);
    expect(text?.detail).toMatch(/bad header checksum at offset 0/);
    const zip = execFileSync('python3', ['-c', 'import io,sys,zipfile\nb=io.BytesIO()\nz=zipfile.ZipFile(b,"w")\nz.writestr("a.txt","hi"*400)\nz.close()\nsys.stdout.buffer.write(b.getvalue())']);
    const err = await refusal(zip);
    expect(err?.code).toBe('NOT_A_TAR');
    expect(err?.message).toMatch(/^this is a zip file, not a tar archive: /);
  });

  it('an archive cut inside a layer names the layer, how far it got, and what to do', async () => {
    const cut = 100 * 1024 + 77;
    const entry = entryAt(cut);
    expect(entry.path).toMatch(/^[0-9a-f]{64}\/layer\.tar$/);
    const err = await refusal(legacy.subarray(0, cut));
    expect(err?.code).toBe('TRUNCATED');
    expect(err?.message).toBe(
      `the archive is truncated: it ends at ${formatBytes(cut)}, inside layer ${entry.path.slice(0, 12)}…/layer.tar ` +
        `(${formatBytes(cut - entry.start)} of its ${formatBytes(entry.size)}); re-run \`docker save\` (or copy the file again)`,
    );
    expect(err?.detail).toBe(`archive ends inside "${entry.path}" at byte ${cut}`);
    expect(err?.subject).toBe(entry.path);
  });

  it('a gzip-compressed archive cut short says truncated too (same code as before)', async () => {
    const gz = gzipSync(legacy);
    const err = await refusal(gz.subarray(0, 200_000));
    expect(err?.code).toBe('DECOMPRESSION_FAILED');
    expect(err?.message).toMatch(/^the archive is truncated: its compressed stream ends at 200 kB, inside layer [0-9a-f]{12}…\/layer\.tar \(/);
    expect(err?.detail).toBe('the archive could not be decompressed: unexpected end of file');
  });

  it('an archive cut between two entries (no end marker, no manifest yet) says truncated, same code', async () => {
    const err = await refusal(legacy.subarray(0, 20 * 512));
    expect(err?.code).toBe('NOT_AN_IMAGE');
    expect(err?.message).toBe("the archive looks truncated: it ends at 10.2 kB, between two entries, without tar's end-of-archive marker; re-run `docker save` (or copy the file again)");
    expect(err?.detail).toMatch(/no manifest\.json or index\.json/);
  });

  it('a whole tar that is not an image keeps its own words', async () => {
    const plain = execFileSync('tar', ['-cf', '-', '-C', fixture('..'), 'README.md']);
    const err = await refusal(plain);
    expect(err?.code).toBe('NOT_AN_IMAGE');
    expect(err?.message).toMatch(/^no manifest\.json or index\.json in the archive/);
    expect(err?.detail).toBeUndefined();
  });
});

describe('words', () => {
  it('sizes as Docker prints them', () => {
    expect(formatBytes(1)).toBe('1 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(999_999)).toBe('1 MB');
    expect(formatBytes(102_477)).toBe('102 kB');
    expect(formatBytes(2_576_793)).toBe('2.58 MB');
    expect(formatBytes(68_608)).toBe('68.6 kB');
  });

  it('digests in paths are shortened', () => {
    expect(shortDigests(`blobs/sha256/${'ab'.repeat(32)}`)).toBe(`blobs/sha256/${'ab'.repeat(6)}…`);
    expect(shortDigests('manifest.json')).toBe('manifest.json');
  });
});
