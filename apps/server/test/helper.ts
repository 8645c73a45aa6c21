import { createReadStream, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOptions } from '../src/app.js';
import type { Db } from '../src/store/sqlite/db.js';
import type { SqliteStore } from '../src/store/sqlite/index.js';

export const FIXTURES = resolve(import.meta.dirname, '../../../fixtures');
export const fixture = (name: string): string => join(FIXTURES, name.endsWith('.tar') ? name : `${name}.tar`);

/** A fresh temporary directory; remove it with `rm` when done. */
export const tempDir = (prefix = 'peel-test-'): Promise<string> => mkdtemp(join(tmpdir(), prefix));
export const removeDir = (dir: string): Promise<void> => rm(dir, { recursive: true, force: true });

export function build(dataDir: string, opts: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  return buildApp({ dataDir, ...opts });
}

/** Uploads a file as the raw body, streamed, the way the browser sends a dropped File. */
export function upload(app: FastifyInstance, file: string, query = ''): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: `/api/images${query ? `?${query}` : `?name=${encodeURIComponent(file.split('/').pop()!)}`}`,
    headers: { 'content-type': 'application/x-tar', 'content-length': String(statSync(file).size) },
    payload: createReadStream(file),
  });
}

export function uploadBytes(app: FastifyInstance, bytes: Buffer, name = 'upload.tar'): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: `/api/images?name=${encodeURIComponent(name)}`,
    headers: { 'content-type': 'application/octet-stream' },
    payload: bytes,
  });
}

/** Uploads a fixture and returns the new image's id (fails the test on any other status). */
export async function ingest(app: FastifyInstance, name: string): Promise<string> {
  const res = await upload(app, fixture(name));
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`upload of ${name}: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

export async function getJson<T = unknown>(app: FastifyInstance, url: string): Promise<T> {
  const res = await app.inject(url);
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as T;
}

/** What is on disk and in the database: to prove that a failed upload left nothing. */
export async function storeState(app: FastifyInstance, dataDir: string): Promise<{ blobs: string[]; temp: string[]; rows: Record<string, number> }> {
  await app.peel.idle();
  const blobs = (await readdir(join(dataDir, 'blobs', 'sha256'))).sort();
  const temp = await readdir(join(dataDir, 'blobs', 'tmp'));
  const rows: Record<string, number> = {};
  for (const t of ['images', 'layers', 'image_layers', 'layer_entries', 'fs_nodes', 'fs_shadowed', 'layer_changes', 'archive_entries', 'image_blobs']) {
    rows[t] = sqliteOf(app).prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number;
  }
  return { blobs, temp, rows };
}

/** An oracle listing (`path type mode uid/gid size link`, see fixtures/README.md). */
export function readListing(file: string): Array<{ path: string; type: string; mode: number; uid: number; gid: number; size: number; link: string }> {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
    const [path, type, mode, owner, size, link = ''] = line.split('\t');
    const [uid, gid] = owner.split('/').map(Number);
    return { path, type, mode: parseInt(mode, 8), uid, gid, size: Number(size), link };
  });
}

/** The SQLite connection of an app on the embedded store (tests that look at its rows). */
export function sqliteOf(app: FastifyInstance): Db {
  return (app.peel.index as SqliteStore).db;
}
