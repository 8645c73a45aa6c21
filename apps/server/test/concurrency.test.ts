import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { encodePathParam, type DraftState, type FsEntry } from '@peel/api';
import { build, FIXTURES, fixture, removeDir, tempDir } from './helper.js';
import { fileDigests, layerListing, topmostFile, unpackImage, type TarImage } from './gnu-tar-image.js';

const ALPYNE = readFileSync(join(FIXTURES, 'tiny-alpyne-expected.txt'));
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * Requests that overlap, over real HTTP (each its own connection), checked against what was sent
 * and against GNU tar's reading of the archives: nothing one request does leaks into, corrupts or
 * truncates another.
 */
describe('concurrent requests', () => {
  let dir: string;
  let app: FastifyInstance;
  let base: string;

  async function call(method: string, path: string, body?: Buffer | string | object): Promise<{ status: number; body: Buffer }> {
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const headers: Record<string, string> = {};
    if (payload) headers['content-type'] = Buffer.isBuffer(body) || typeof body === 'string' ? 'application/octet-stream' : 'application/json';
    const res = await fetch(`${base}${path}`, { method, headers, body: payload });
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  }
  async function ok(method: string, path: string, body?: Buffer | string | object): Promise<Buffer> {
    const res = await call(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body.toString().slice(0, 300)}`);
    return res.body;
  }
  const json = async <T>(path: string): Promise<T> => JSON.parse((await ok('GET', path)).toString()) as T;
  const write = (id: string, path: string, bytes: Buffer | string) => ok('PUT', `/api/images/${id}/draft/content?path=${encodePathParam(path)}`, bytes);
  const readDraft = (id: string, path: string) => ok('GET', `/api/images/${id}/content?draft=1&path=${encodePathParam(path)}`);

  /** Streams a fixture as the upload body; `midway` runs once half of it has been sent. */
  function uploadFile(file: string, midway: () => Promise<void>): Promise<{ status: number; body: string }> {
    const size = statSync(file).size;
    return new Promise((resolve, reject) => {
      const req = request(`${base}/api/images?name=${encodeURIComponent(file.split('/').pop()!)}`, {
        method: 'POST', headers: { 'content-type': 'application/x-tar', 'content-length': size },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      let sent = 0;
      let paused = false;
      const src = createReadStream(file, { highWaterMark: 64 * 1024 });
      src.on('data', (chunk) => {
        req.write(chunk);
        sent += chunk.length;
        if (!paused && sent >= size / 2) {
          paused = true;
          src.pause();
          midway().then(() => src.resume(), (err: unknown) => { req.destroy(err as Error); reject(err as Error); });
        }
      });
      src.on('end', () => req.end());
      src.on('error', reject);
    });
  }

  beforeAll(async () => {
    dir = await tempDir();
    app = await build(dir);
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  /** Uploads a fixture (or finds it stored by an earlier test) and starts from an empty draft. */
  async function uploadFixture(name: string): Promise<string> {
    const res = await uploadFile(fixture(name), async () => {});
    expect([200, 201], res.body).toContain(res.status);
    const id = (JSON.parse(res.body) as { id: string }).id;
    await ok('DELETE', `/api/images/${id}/draft`);
    return id;
  }

  it('two drafts edited at once keep each their own edits', async () => {
    const tiny = await uploadFixture('tiny-docker-legacy');
    const multi = await uploadFixture('multi-oci');
    await Promise.all([tiny, multi].map((id) => ok('POST', `/api/images/${id}/draft/ops`, { op: 'mkdir', path: '/conc' })));
    const sent = new Map<string, string>();
    const edits: Array<Promise<unknown>> = [];
    for (let i = 0; i < 16; i++) {
      for (const [id, name] of [[tiny, 'tiny'], [multi, 'multi']] as const) {
        const text = `${name} file ${i}\n`.repeat(i + 1);
        sent.set(`${id} /conc/f${i}`, text);
        edits.push(write(id, `/conc/f${i}`, text));
      }
    }
    await Promise.all(edits);
    for (const [id, name] of [[tiny, 'tiny'], [multi, 'multi']] as const) {
      const draft = await json<DraftState>(`/api/images/${id}/draft`);
      expect(draft.ops).toHaveLength(17);
      const listed = await json<FsEntry[]>(`/api/images/${id}/fs?draft=1&path=/conc`);
      expect(listed.map((e) => e.name).sort()).toEqual(Array.from({ length: 16 }, (_, i) => `f${i}`).sort());
      for (let i = 0; i < 16; i++) {
        expect((await readDraft(id, `/conc/f${i}`)).toString(), `${name} /conc/f${i}`).toBe(sent.get(`${id} /conc/f${i}`));
      }
    }
    await Promise.all([tiny, multi].map((id) => ok('DELETE', `/api/images/${id}/draft`)));
  });

  it('writes racing on one path end with one of the bytes sent, and one change per write', async () => {
    const tiny = await uploadFixture('tiny-docker-legacy');
    const texts = Array.from({ length: 12 }, (_, i) => `version ${i}\n`.repeat(50 + i));
    await Promise.all(texts.map((t) => write(tiny, '/etc/motd', t)));
    const draft = await json<DraftState>(`/api/images/${tiny}/draft`);
    expect(draft.ops).toHaveLength(texts.length);
    const final = (await readDraft(tiny, '/etc/motd')).toString();
    expect(texts).toContain(final);
    // The write the draft kept last is the content it serves, and the change it lists adds that.
    expect(draft.ops.at(-1)?.size).toBe(Buffer.byteLength(final));
    expect(draft.changes.find((c) => c.path === '/etc/motd')?.sizeDelta).toBe(Buffer.byteLength(final));
    await ok('DELETE', `/api/images/${tiny}/draft`);
  });

  it('an export streams the draft as it was when it began, while the draft changes and is discarded', async () => {
    const tiny = await uploadFixture('tiny-docker-legacy');
    await write(tiny, '/etc/os-release', ALPYNE);
    for (const mode of ['append', 'flatten', 'rewrite'] as const) {
      await write(tiny, '/etc/os-release', ALPYNE);
      const res = await fetch(`${base}/api/images/${tiny}/export?mode=${mode}&tag=conc:${mode}`);
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const chunks: Buffer[] = [];
      const first = await reader.read();
      chunks.push(Buffer.from(first.value!));
      // The draft moves on under the running export: new bytes, then nothing at all.
      await write(tiny, '/etc/os-release', 'NAME="changed meanwhile"\n');
      await ok('DELETE', `/api/images/${tiny}/draft`);
      for (;;) {
        const next = await reader.read();
        if (next.done) break;
        chunks.push(Buffer.from(next.value));
      }
      const archive = Buffer.concat(chunks);
      expect(archive.length).toBe(Number(res.headers.get('content-length')));
      const image = unpackImage(archive, join(dir, `export-while-edit-${mode}`));
      expect(topmostFile(image, 'etc/os-release')?.equals(ALPYNE), mode).toBe(true);
    }
  });

  it('exports running at once give the same layers as one running alone', async () => {
    const multi = await uploadFixture('multi-docker-legacy');
    await write(multi, '/etc/os-release', ALPYNE);
    await ok('DELETE', `/api/images/${multi}/draft/content?path=${encodePathParam('/opt/app/conf/keep.conf')}`);
    const modes = ['append', 'flatten', 'rewrite', 'append', 'flatten', 'rewrite'] as const;
    const downloads = await Promise.all(modes.map(async (mode) => {
      const res = await fetch(`${base}/api/images/${multi}/export?mode=${mode}&tag=conc:${mode}`);
      expect(res.status).toBe(200);
      return Buffer.from(await res.arrayBuffer());
    }));
    const views = new Map<string, string[][]>();
    for (const [i, mode] of modes.entries()) {
      const image = unpackImage(downloads[i], join(dir, `parallel-${i}`));
      const layers = image.layers.map((l) => [...layerListing(l)].map(([p, v]) => `${p} ${v}`));
      const alone = views.get(mode);
      if (alone) expect(layers, `${mode} export #2`).toEqual(alone);
      else views.set(mode, layers);
      expect(topmostFile(image, 'etc/os-release')?.equals(ALPYNE), mode).toBe(true);
    }
    // One more, alone, after the rest: the same layers.
    for (const mode of ['append', 'flatten', 'rewrite'] as const) {
      const image = unpackImage(await ok('GET', `/api/images/${multi}/export?mode=${mode}&tag=conc:${mode}`), join(dir, `alone-${mode}`));
      expect(image.layers.map((l) => [...layerListing(l)].map(([p, v]) => `${p} ${v}`)), mode).toEqual(views.get(mode));
    }
    const flat = unpackImage(downloads[1], join(dir, 'flat-check'));
    expect(fileDigests(flat.layers[0]).has('opt/app/conf/keep.conf')).toBe(false);
    await ok('DELETE', `/api/images/${multi}/draft`);
  });

  it('an upload that shares layers with an image deleted while it streams keeps every byte', async () => {
    // Start from an empty store: the upload must be new, not found stored by an earlier test.
    for (const image of JSON.parse((await ok('GET', '/api/images')).toString()) as Array<{ id: string }>) await ok('DELETE', `/api/images/${image.id}`);
    const doomed = await uploadFixture('multi-oci');
    let deleted = 0;
    const res = await uploadFile(fixture('multi-docker-legacy'), async () => {
      deleted = (await call('DELETE', `/api/images/${doomed}`)).status;
    });
    expect(deleted).toBe(204);
    expect(res.status, res.body).toBe(201);
    const kept = (JSON.parse(res.body) as { id: string }).id;
    expect((await call('GET', `/api/images/${doomed}`)).status).toBe(404);

    const oracle = unpackImage(fixture('multi-docker-legacy'), join(dir, 'oracle-multi'));
    await expectImageAsOracle(kept, oracle);
    // And the same after a restart (a purge left half done would show here).
    await app.close();
    app = await build(dir);
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    await expectImageAsOracle(kept, oracle);
  });

  /** Every path umoci listed for the image, with its type, mode and size; every file's bytes as GNU tar reads them. */
  async function expectImageAsOracle(id: string, oracle: TarImage): Promise<void> {
    const lines = readFileSync(join(FIXTURES, 'multi.oracle', 'merged-fs-umoci.tsv'), 'utf8').split('\n').filter(Boolean);
    let files = 0;
    for (const line of lines) {
      const [path, type, mode, , size] = line.split('\t');
      if (path === '.') continue;
      const parent = path.includes('/') ? `/${path.slice(0, path.lastIndexOf('/'))}` : '/';
      const entry = (await json<FsEntry[]>(`/api/images/${id}/fs?path=${encodePathParam(parent)}`)).find((e) => e.path === `/${path}`);
      expect(entry, path).toBeDefined();
      expect(entry!.mode.toString(8).padStart(4, '0'), path).toBe(mode);
      if (type === '-') {
        const bytes = await ok('GET', `/api/images/${id}/content?path=${encodePathParam(`/${path}`)}`);
        expect(bytes.length, path).toBe(Number(size));
        expect(sha256(bytes), path).toBe(sha256(topmostFile(oracle, path)!));
        files++;
      }
    }
    expect(files).toBe(lines.filter((l) => l.split('\t')[1] === '-').length);
    expect(files).toBeGreaterThan(10);
  }
});
