import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DraftState, FsEntry, ImageSummary } from '@peel/api';
import { generateDockerArchive } from './generate-image.js';
import { fixture, removeDir, tempDir } from './helper.js';
import { databaseFor } from './postgres/databases.js';

/**
 * Several Peel processes on one PostgreSQL database and one data folder, as a team runs it:
 * real `node` processes (the server's sources under tsx), talking HTTP. What one does, the
 * other sees at once; edits from both are never lost; a process killed mid-ingest leaves
 * nothing visible, and the next process to start cleans it without touching another's ingest.
 */

const SERVER = resolve(import.meta.dirname, '..');

interface Peel {
  url: string;
  proc: ChildProcess;
  log: string[];
}

async function startPeel(dataDir: string, databaseUrl: string): Promise<Peel> {
  // node itself (tsx as a loader, not its CLI, which would run the server as a child): the pid
  // is the server's, and SIGKILL reaches it.
  const proc = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', 'src/main.ts'], {
    cwd: SERVER,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', PEEL_DATA_DIR: dataDir, PEEL_DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  createInterface({ input: proc.stderr! }).on('line', (l) => log.push(l));
  const url = await new Promise<string>((done, fail) => {
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      log.push(l);
      const m = /^peel listening on (http:\/\/\S+)/.exec(l);
      if (m) done(m[1]);
    });
    proc.once('exit', (code) => fail(new Error(`peel exited with ${code} before listening:\n${log.join('\n')}`)));
  });
  return { url, proc, log };
}

async function stopPeel(p: Peel | undefined): Promise<void> {
  if (!p || p.proc.exitCode !== null || p.proc.signalCode !== null) return;
  const exited = new Promise((r) => p.proc.once('exit', r));
  p.proc.kill('SIGTERM');
  await exited;
}

async function call<T = unknown>(p: Peel, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(p.url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': typeof body === 'string' || Buffer.isBuffer(body) ? 'application/octet-stream' : 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : null) as T };
}

async function get<T>(p: Peel, path: string): Promise<T> {
  const r = await call<T>(p, 'GET', path);
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

/** Uploads a fixture through `p`; returns the image id. */
async function uploadThrough(p: Peel, name: string): Promise<string> {
  const res = await fetch(`${p.url}/api/images?name=${name}.tar`, {
    method: 'POST', headers: { 'content-type': 'application/x-tar' }, body: Readable.toWeb(createReadStream(fixture(name))) as ReadableStream, duplex: 'half',
  } as RequestInit);
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function content(p: Peel, id: string, path: string, draft: boolean): Promise<{ status: number; bytes: Buffer }> {
  const res = await fetch(`${p.url}/api/images/${id}/content?path=${encodeURIComponent(path)}${draft ? '&draft=1' : ''}`);
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

/**
 * Starts an upload of `file` and sends its first `sendFirst` bytes only; `finish()` sends the
 * rest and resolves with the reply. The process at the other end stays mid-ingest meanwhile.
 */
function partialUpload(p: Peel, file: string, sendFirst: number): { finish: () => Promise<{ status: number; body: string }>; reply: Promise<{ status: number; body: string }> } {
  const size = statSync(file).size;
  let resume!: () => void;
  const resumed = new Promise<void>((r) => (resume = r));
  const reply = new Promise<{ status: number; body: string }>((done, fail) => {
    const req = request(`${p.url}/api/images?name=partial.tar`, { method: 'POST', headers: { 'content-type': 'application/x-tar', 'content-length': String(size) } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => done({ status: res.statusCode!, body }));
    });
    req.on('error', fail);
    const first = createReadStream(file, { end: sendFirst - 1 });
    first.on('data', (c) => req.write(c));
    first.on('end', async () => {
      await resumed;
      const rest = createReadStream(file, { start: sendFirst });
      rest.on('data', (c) => req.write(c));
      rest.on('end', () => req.end());
    });
  });
  return { reply, finish: () => (resume(), reply) };
}

/** Pending images in the shared database, by owner pid, with how many layer entries their layers hold so far. */
async function pendingByOwner(db: pg.Client): Promise<Map<number, number>> {
  const { rows } = await db.query<{ pid: number; entries: string }>(`SELECT i.owner_pid AS pid,
      (SELECT count(*) FROM image_layers il JOIN layer_entries le ON le.layer = il.layer WHERE il.image = i.key) AS entries
    FROM images i WHERE i.state = 'pending'`);
  return new Map(rows.map((r) => [r.pid, Number(r.entries)]));
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('two Peel processes on one PostgreSQL and one data folder', () => {
  let dir: string;
  let data: string;
  let url: string;
  let db: pg.Client;
  let a: Peel | undefined;
  let b: Peel | undefined;
  let c: Peel | undefined;
  let victim: Peel | undefined;
  let slowArchive: string;
  let slowArchiveB: string;

  beforeAll(async () => {
    dir = await tempDir();
    data = join(dir, 'shared');
    url = await databaseFor(data);
    [a, b] = await Promise.all([startPeel(data, url), startPeel(data, url)]);
    db = new pg.Client({ connectionString: url });
    await db.connect();
    // Two archives with a first layer of many entries (written to the database as soon as it
    // has passed) and a big second one, so an upload can be held between the two.
    const many = (tag: string) => Array.from({ length: 1500 }, (_, i) => ({ path: `many/${tag}/f${i}.txt`, content: `${tag} ${i}\n` }));
    slowArchive = join(dir, 'slow-a.tar');
    slowArchiveB = join(dir, 'slow-b.tar');
    await generateDockerArchive(slowArchive, [{ files: many('a') }, { files: [{ path: 'big.bin', size: 8 << 20, fill: 'random' }] }], 'peel-test/slow-a:1');
    await generateDockerArchive(slowArchiveB, [{ files: many('b') }, { files: [{ path: 'big.bin', size: 8 << 20, fill: 'random' }] }], 'peel-test/slow-b:1');
  });
  afterAll(async () => {
    await Promise.all([stopPeel(a), stopPeel(b), stopPeel(c), stopPeel(victim)]);
    await db?.end();
    await removeDir(dir);
  });

  it('says in its start log that the folder is shared through PostgreSQL, not locked', () => {
    expect(a!.log.join('\n')).toMatch(/PostgreSQL/);
    expect(a!.log.join('\n')).toMatch(/not locked|no folder lock|shared/);
  });

  it('an image uploaded through A is listed and browsable in B at once', async () => {
    const id = await uploadThrough(a!, 'multi-docker-legacy');
    const listed = await get<ImageSummary[]>(b!, '/api/images');
    expect(listed.map((i) => i.id)).toContain(id);
    const inA = await get<FsEntry[]>(a!, `/api/images/${id}/fs?path=/`);
    const inB = await get<FsEntry[]>(b!, `/api/images/${id}/fs?path=/`);
    expect(inB).toEqual(inA);
    expect(inB.length).toBeGreaterThan(0);
    const file0 = inB.find((e) => e.type === 'file') ?? (await get<FsEntry[]>(b!, `/api/images/${id}/fs?path=/etc`)).find((e) => e.type === 'file')!;
    const [ca, cb] = await Promise.all([content(a!, id, file0.path, false), content(b!, id, file0.path, false)]);
    expect(cb.status).toBe(200);
    expect(cb.bytes.equals(ca.bytes)).toBe(true);
  });

  it('concurrent draft edits through both never lose one: the draft is what the two sequences make', async () => {
    const id = await uploadThrough(b!, 'tiny-docker-legacy');
    // Each process runs its own random sequence over its own paths (one request at a time
    // each, the two interleaving at will); the result must be both sequences applied.
    type Model = Map<string, { type: 'dir' } | { type: 'file'; bytes: Buffer; mode: number }>;
    const run = async (p: Peel, tag: string): Promise<Model> => {
      const model: Model = new Map();
      const names = ['x', 'y', 'z', 'w'];
      for (let step = 0; step < 25; step++) {
        const name = `/edits-${tag}/${names[Math.floor(Math.random() * names.length)]}`;
        const have = model.get(name);
        const roll = Math.random();
        let r: { status: number };
        if (!have && roll < 0.3) {
          r = await call(p, 'POST', `/api/images/${id}/draft/ops`, { op: 'mkdir', path: name });
          model.set(name, { type: 'dir' });
        } else if ((!have || have.type === 'file') && roll < 0.7) {
          const bytes = randomBytes(1 + Math.floor(Math.random() * 64));
          r = await call(p, 'PUT', `/api/images/${id}/draft/content?path=${encodeURIComponent(name)}`, bytes);
          model.set(name, { type: 'file', bytes, mode: have?.type === 'file' ? have.mode : 0o644 });
        } else if (have?.type === 'file' && roll < 0.85) {
          const mode = [0o600, 0o640, 0o755][Math.floor(Math.random() * 3)];
          r = await call(p, 'POST', `/api/images/${id}/draft/ops`, { op: 'chmod', path: name, mode });
          model.set(name, { ...have, mode });
        } else if (have) {
          r = await call(p, 'DELETE', `/api/images/${id}/draft/content?path=${encodeURIComponent(name)}`);
          model.delete(name);
        } else {
          continue;
        }
        expect(r.status, `${tag} step ${step}`).toBe(200);
      }
      return model;
    };
    const [ma, mb] = await Promise.all([run(a!, 'a'), run(b!, 'b')]);
    for (const [tag, model] of [['a', ma], ['b', mb]] as const) {
      for (const viewer of [a!, b!]) {
        const listing = await call<FsEntry[]>(viewer, 'GET', `/api/images/${id}/fs?path=${encodeURIComponent(`/edits-${tag}`)}&draft=1`);
        const seen = listing.status === 200 ? listing.json.map((e) => [e.path, e.type, e.type === 'file' ? e.mode & 0o7777 : null]) : [];
        const expected = [...model].map(([path, n]) => [path, n.type, n.type === 'file' ? n.mode : null]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
        expect(seen.sort((x, y) => String(x[0]).localeCompare(String(y[0]))), `/edits-${tag} as ${viewer === a ? 'A' : 'B'} sees it`).toEqual(expected);
        for (const [path, n] of model) {
          if (n.type !== 'file') continue;
          const got = await content(viewer, id, path, true);
          expect(got.bytes.equals(n.bytes), path).toBe(true);
        }
      }
    }
    const [da, dbState] = await Promise.all([get<DraftState>(a!, `/api/images/${id}/draft`), get<DraftState>(b!, `/api/images/${id}/draft`)]);
    expect(dbState.ops).toEqual(da.ops);
  });

  it('a delete in A is a 404 in B', async () => {
    const id = await uploadThrough(b!, 'multi-oci');
    expect((await call(a!, 'GET', `/api/images/${id}`)).status).toBe(200);
    expect((await call(a!, 'DELETE', `/api/images/${id}`)).status).toBe(204);
    expect((await call(b!, 'GET', `/api/images/${id}`)).status).toBe(404);
    expect((await call(b!, 'GET', `/api/images/${id}/fs?path=/`)).status).toBe(404);
    expect((await get<ImageSummary[]>(b!, '/api/images')).map((i) => i.id)).not.toContain(id);
  });

  it('kill -9 of a process mid-ingest leaves nothing visible; a new process cleans it without touching B\'s ingest', async () => {
    const half = (f: string) => Math.floor(statSync(f).size * 0.45);
    const before = (await get<ImageSummary[]>(b!, '/api/images')).map((i) => i.id);
    // A process of its own, so that the others stay up for the rest.
    victim = await startPeel(data, url);
    const inA = partialUpload(victim, slowArchive, half(slowArchive));
    inA.reply.catch(() => {});
    const aPid = victim.proc.pid!;
    await waitFor('A to write its first layer', async () => ((await pendingByOwner(db)).get(aPid) ?? 0) >= 1500 || undefined);
    const killed = new Promise((r) => victim!.proc.once('exit', r));
    victim.proc.kill('SIGKILL');
    await killed;
    expect(await db.query(`SELECT 1 FROM images WHERE state = 'pending' AND owner_pid = $1`, [aPid]).then((r) => r.rowCount), 'A left its image half-written').toBe(1);
    expect((await get<ImageSummary[]>(b!, '/api/images')).map((i) => i.id), 'nothing of the killed ingest is listed').toEqual(before);

    const inB = partialUpload(b!, slowArchiveB, half(slowArchiveB));
    const bPid = b!.proc.pid!;
    await waitFor('B to write its first layer', async () => ((await pendingByOwner(db)).get(bPid) ?? 0) >= 1500 || undefined);

    c = await startPeel(data, url);
    const pending = await pendingByOwner(db);
    expect(pending.has(aPid), "A's half-written image is gone after C's start").toBe(false);
    expect(pending.get(bPid), "B's ingest is untouched").toBeGreaterThanOrEqual(1500);
    const orphans = await db.query(`SELECT count(*)::int AS n FROM layers l WHERE NOT EXISTS (SELECT 1 FROM image_layers il WHERE il.layer = l.key)`);
    expect(orphans.rows[0].n, 'no layer is left without an image').toBe(0);

    const done = await inB.finish();
    expect(done.status, done.body).toBe(201);
    const bId = (JSON.parse(done.body) as { id: string }).id;
    expect((await get<ImageSummary[]>(c, '/api/images')).map((i) => i.id).sort()).toEqual([...before, bId].sort());
    const big = await content(c, bId, '/big.bin', false);
    expect(big.status).toBe(200);
    expect(big.bytes.length).toBe(8 << 20);
    expect((await get<FsEntry[]>(c, `/api/images/${bId}/fs?path=/many/b`)).length).toBe(1500);
  });
});
