/**
 * What the fuzzer checks on every input. The archive reader: only typed EngineErrors, every blob
 * writer closed, a bounded time. The ingest path (a real server app, a real store): never a 5xx,
 * and a refused upload leaves the store exactly as it was.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { EngineError, mergeLayers, openImageArchive, resolvePath } from '@peel/engine';
import { TarParser } from '../../../engine/src/tar/reader.js';
import { DigestOnlyStore } from '../memory-store.js';
import { imageRowCount } from '../image-rows.js';

export class Finding extends Error {
  constructor(readonly kind: 'crash' | 'hang' | 'leak' | 'server-error', message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const typed = (e: unknown): boolean => e instanceof EngineError;

/** Rejects with a 'hang' Finding when `p` takes longer than `ms`. */
export async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Finding('hang', `${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The tar parser alone, fed in chunks of `chunk` bytes. */
export function checkTarParser(bytes: Buffer, chunk: number): void {
  const parser = new TarParser({ entry: () => undefined, data: () => undefined, entryEnd: () => undefined });
  try {
    for (let i = 0; i < bytes.length && !parser.finished; i += chunk) parser.push(bytes.subarray(i, i + chunk));
    parser.end();
  } catch (e) {
    if (!typed(e)) throw new Finding('crash', `TarParser threw an untyped ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
  }
}

/** The whole archive reader (scan, resolve, merge, path lookups) over a digest-only store. */
export async function checkReader(bytes: Buffer, chunk: number): Promise<'ingested' | string> {
  const store = new DigestOnlyStore();
  const input = (function* () {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  })();
  let outcome: string;
  try {
    const archive = await within(20_000, 'openImageArchive', openImageArchive(input, store));
    const fs = mergeLayers(archive.image.layers.map((l) => archive.layerScans.get(l.blob)?.entries ?? []));
    for (const node of [...fs.nodes()].slice(0, 200)) resolvePath(fs, node.path);
    outcome = 'ingested';
  } catch (e) {
    if (e instanceof Finding) throw e;
    if (!typed(e)) throw new Finding('crash', `the archive reader threw an untyped ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
    outcome = (e as EngineError).code;
    if (store.blobs.size > 0) throw new Finding('leak', `a refused archive (${outcome}) left ${store.blobs.size} blobs in the store`);
  }
  if (store.pending > 0) throw new Finding('leak', `${store.pending} blob writers were neither committed nor aborted (${outcome})`);
  return outcome;
}

async function storeState(app: FastifyInstance, dataDir: string): Promise<string> {
  await app.peel.idle();
  const blobs = (await readdir(join(dataDir, 'blobs', 'sha256'))).sort();
  const tmp = await readdir(join(dataDir, 'blobs', 'tmp'));
  const images = imageRowCount(dataDir);
  return JSON.stringify({ blobs, tmp, images });
}

const EMPTY = JSON.stringify({ blobs: [], tmp: [], images: 0 });

/** The store state once it equals `want`, or as it is after 2 s of waiting. */
async function settle(app: FastifyInstance, dataDir: string, want: string): Promise<string> {
  let state = await storeState(app, dataDir);
  for (let i = 0; i < 40 && state !== want; i++) {
    await new Promise((r) => setTimeout(r, 50));
    state = await storeState(app, dataDir);
  }
  return state;
}

/** The ingest path: an upload to a real app; any 5xx, or anything left by a refusal, is a finding. */
export async function checkIngest(app: FastifyInstance, dataDir: string, bytes: Buffer): Promise<number> {
  // The fuzzer leaves the store empty after every input; a run that fast-check abandoned at its
  // time limit may still be finishing, so wait for the store to be empty again first.
  const before = await settle(app, dataDir, EMPTY);
  if (before !== EMPTY) throw new Finding('leak', `an earlier upload left this behind for 2 s: ${before}`);
  const res = await within(30_000, 'the upload', app.inject({ method: 'POST', url: '/api/images?name=fuzz.tar', headers: { 'content-type': 'application/x-tar' }, payload: bytes }));
  if (res.statusCode >= 500) throw new Finding('server-error', `upload answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  if (res.statusCode < 300) {
    const id = (res.json() as { id: string }).id;
    for (const url of [`/api/images/${id}`, `/api/images/${id}/fs?path=/`, `/api/images/${id}/archive`, `/api/images/${id}/search?q=a`, `/api/images/${id}/layers/0/changes`]) {
      const view = await within(10_000, url, app.inject(url));
      if (view.statusCode >= 500) throw new Finding('server-error', `${url} answered ${view.statusCode}: ${view.body.slice(0, 300)}`);
    }
    await app.inject({ method: 'DELETE', url: `/api/images/${id}` });
  }
  // Cleanup may finish just after the reply (a writer closing): allow it a moment.
  const after = await settle(app, dataDir, before);
  if (after !== before) throw new Finding('leak', `the store changed across upload+delete (status ${res.statusCode}): ${before} → ${after}`);
  return res.statusCode;
}
