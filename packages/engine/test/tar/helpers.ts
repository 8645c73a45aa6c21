/**
 * Test helpers for the tar codec: run TarParser over a buffer fed whole and in odd-sized
 * chunks (the results must be identical), run GNU tar, and parse `tar -tvf` listings.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { TarParser, type TarHeader } from '../../src/tar/reader.js';
import { decodeName } from '../../src/tar/names.js';

export interface ParsedEntry {
  header: TarHeader;
  /** The entry's data, when `keepData` (else only its hash). */
  data: Buffer | null;
  sha256: string;
  length: number;
}

export interface Parsed {
  entries: ParsedEntry[];
  globals: Array<{ records: Map<string, Buffer>; headerOffset: number }>;
  offset: number;
  finished: boolean;
}

export const CHUNK_SIZES = [1, 7, 321, 4096];

/** Parses `buf` in chunks of `chunkSize` (whole when omitted) and calls end(). */
export function parseTar(buf: Buffer, chunkSize = buf.length || 1, keepData = true): Parsed {
  const entries: ParsedEntry[] = [];
  const globals: Parsed['globals'] = [];
  let hash = createHash('sha256');
  let parts: Buffer[] = [];
  let length = 0;
  let inEntry = false;
  const parser = new TarParser({
    entry(header) {
      if (inEntry) throw new Error('entry() before entryEnd()');
      inEntry = true;
      hash = createHash('sha256');
      parts = [];
      length = 0;
      entries.push({ header, data: null, sha256: '', length: 0 });
    },
    data(chunk) {
      if (!inEntry) throw new Error('data() outside an entry');
      hash.update(chunk);
      if (keepData) parts.push(Buffer.from(chunk));
      length += chunk.length;
    },
    entryEnd() {
      const e = entries[entries.length - 1];
      e.sha256 = hash.digest('hex');
      e.length = length;
      e.data = keepData ? Buffer.concat(parts) : null;
      if (length !== e.header.size) throw new Error(`${e.header.name}: ${length} data bytes, header says ${e.header.size}`);
      inEntry = false;
    },
    global(records, headerOffset) {
      globals.push({ records, headerOffset });
    },
  });
  for (let i = 0; i < buf.length; i += chunkSize) parser.push(buf.subarray(i, i + chunkSize));
  parser.end();
  expect(parser.entries).toBe(entries.length);
  return { entries, globals, offset: parser.offset, finished: parser.finished };
}

/**
 * Parses whole and in every size of CHUNK_SIZES, checks the results are identical, and returns
 * the whole-buffer result. Chunk size 1 is skipped above `maxForBytewise` bytes (speed).
 */
export function parseEveryWay(buf: Buffer, options: { keepData?: boolean; maxForBytewise?: number } = {}): Parsed {
  const keepData = options.keepData ?? true;
  const whole = parseTar(buf, undefined, keepData);
  // Data is compared through its hash: deep-equal on big buffers is slow.
  const comparable = (p: Parsed): Parsed => ({ ...p, entries: p.entries.map((e) => ({ ...e, data: null })) });
  for (const size of CHUNK_SIZES) {
    if (size === 1 && buf.length > (options.maxForBytewise ?? 4 << 20)) continue;
    expect(comparable(parseTar(buf, size, keepData)), `chunk size ${size}`).toEqual(comparable(whole));
  }
  return whole;
}

/** Expects parsing to throw EngineError `code`, whole and in every chunking; returns the message. */
export function expectParseError(buf: Buffer, code: string): string {
  let message = '';
  for (const size of [buf.length || 1, ...CHUNK_SIZES]) {
    let err: unknown = null;
    try {
      parseTar(buf, size);
    } catch (e) {
      err = e;
    }
    expect(err, `chunk size ${size}`).toMatchObject({ name: 'EngineError', code });
    message = (err as Error).message;
  }
  return message;
}

/** A fresh temporary directory and the function that removes it. */
export function makeTmpDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'peel-tar-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function gnuTar(args: string[], options: { cwd?: string; input?: Buffer } = {}): Buffer {
  return execFileSync('/usr/bin/tar', args, { cwd: options.cwd, input: options.input, maxBuffer: 1 << 28, env: { ...process.env, LC_ALL: 'C.UTF-8', TZ: 'UTC' } });
}

export interface Listed {
  kind: string;
  mode: number;
  uid: number;
  gid: number;
  /** Size, or "major,minor" for devices. */
  size: string;
  name: string;
  link: string | null;
}

/** `tar -tvf` with numeric owners and literal names, parsed line by line (names kept as bytes). */
export function listWithGnuTar(file: string): Listed[] {
  const out = gnuTar(['--numeric-owner', '--quoting-style=literal', '-tvf', file]);
  const lines: Listed[] = [];
  let start = 0;
  for (let nl = out.indexOf(10); nl >= 0; start = nl + 1, nl = out.indexOf(10, start)) {
    const line = decodeName(out.subarray(start, nl));
    const m = /^(\S)(\S{9}) (\d+)\/(\d+)\s+(\d+|\d+,\s*\d+) \S+ \S+ (.*)$/.exec(line);
    if (!m) throw new Error(`cannot parse tar -tv line: ${line}`);
    let name = m[6];
    let link: string | null = null;
    const arrow = m[1] === 'l' ? name.indexOf(' -> ') : m[1] === 'h' ? name.indexOf(' link to ') : -1;
    if (arrow >= 0) {
      link = name.slice(arrow + (m[1] === 'l' ? 4 : 9));
      name = name.slice(0, arrow);
    }
    lines.push({ kind: m[1], mode: permBits(m[2]), uid: Number(m[3]), gid: Number(m[4]), size: m[5].replace(/\s/g, ''), name, link });
  }
  return lines;
}

function permBits(s: string): number {
  let mode = 0;
  for (let i = 0; i < 9; i++) if (s[i] !== '-' && s[i] !== 'S' && s[i] !== 'T') mode |= 1 << (8 - i);
  if (/[sS]/.test(s[2])) mode |= 0o4000;
  if (/[sS]/.test(s[5])) mode |= 0o2000;
  if (/[tT]/.test(s[8])) mode |= 0o1000;
  return mode;
}

/** What `tar -tv` shows for one of our headers, for comparison with listWithGnuTar. */
export function asListed(h: TarHeader): Listed {
  const kind: Record<string, string> = { file: '-', dir: 'd', symlink: 'l', hardlink: 'h', char: 'c', block: 'b', fifo: 'p', sparse: '-' };
  const device = h.type === 'char' || h.type === 'block';
  return {
    kind: kind[h.type] ?? '?',
    mode: h.mode,
    uid: h.uid,
    gid: h.gid,
    size: device ? `${h.devMajor},${h.devMinor}` : String(h.realSize),
    name: h.name,
    link: h.type === 'symlink' || h.type === 'hardlink' ? h.linkName : null,
  };
}

/** Byte equality without vitest's element-by-element diffing of large buffers. */
export function expectBytes(actual: Buffer | null, expected: Buffer, label = 'bytes'): void {
  expect(actual, label).not.toBeNull();
  const a = actual as Buffer;
  if (!a.equals(expected)) {
    const at = a.findIndex((c, i) => c !== expected[i]);
    expect.fail(`${label}: ${a.length} bytes vs ${expected.length} expected, first difference at ${at}`);
  }
}

/** Expands a sparse entry's stored data to its logical content. */
export function expandSparse(h: TarHeader, stored: Buffer): Buffer {
  const out = Buffer.alloc(h.realSize);
  let at = 0;
  for (const span of h.sparse ?? []) {
    stored.copy(out, span.offset, at, at + span.length);
    at += span.length;
  }
  return out;
}
