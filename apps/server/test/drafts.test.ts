import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { DraftState, FsEntry, FsPage } from '@peel/api';
import { editedTag, resultTag } from '../src/services/draft-state.js';
import type { DraftContext } from '../src/services/draft-context.js';
import { build, count, FIXTURES, getJson, ingest, removeDir, tempDir } from './helper.js';

const ALPYNE = readFileSync(join(FIXTURES, 'tiny-alpyne-expected.txt'));

/** Sends a draft request and returns the reply's status and JSON. */
async function call(app: FastifyInstance, opts: InjectOptions): Promise<{ status: number; body: DraftState & { error?: { code: string; message: string } } }> {
  const res = await app.inject(opts);
  return { status: res.statusCode, body: res.json() };
}

const put = (app: FastifyInstance, id: string, path: string, bytes: Buffer | string, query = '') =>
  call(app, { method: 'PUT', url: `/api/images/${id}/draft/content?path=${encodeURIComponent(path)}${query}`, payload: bytes, headers: { 'content-type': 'application/octet-stream' } });
const op = (app: FastifyInstance, id: string, body: Record<string, unknown>) => call(app, { method: 'POST', url: `/api/images/${id}/draft/ops`, payload: body });
const list = (app: FastifyInstance, id: string, path: string, extra = '') => getJson<FsEntry[]>(app, `/api/images/${id}/fs?path=${encodeURIComponent(path)}&draft=1${extra}`);
const blobFile = (dir: string, digest: string) => join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));

describe('drafts', () => {
  let dir: string;
  let app: FastifyInstance;
  let tiny: string;
  let multi: string;
  beforeAll(async () => {
    dir = await tempDir();
    app = await build(dir);
    tiny = await ingest(app, 'tiny-docker-legacy');
    multi = await ingest(app, 'multi-docker-legacy');
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  it('an image without edits has an empty draft', async () => {
    const d = await getJson<DraftState>(app, `/api/images/${tiny}/draft`);
    expect(d).toMatchObject({ imageId: tiny, ops: [], changes: [], config: {}, configChanges: [], tag: null, resultTag: 'fixtures/tiny:edited', empty: true, updatedAt: null });
    expect(d.size.before).toBe(d.size.after);
    expect(d.resultConfig.Cmd).toEqual(['/bin/sh']);
    expect((await app.inject(`/api/images/nope/draft`)).statusCode).toBe(404);
  });

  it('writes a file: the draft lists it, the explorer shows and serves the new bytes, the image is untouched', async () => {
    const before = await getJson<DraftState>(app, `/api/images/${tiny}/draft`);
    const { status, body } = await put(app, tiny, '/etc/os-release', ALPYNE);
    expect(status).toBe(200);
    expect(body.ops).toEqual([expect.objectContaining({ index: 0, op: 'write', path: '/etc/os-release', kind: 'modified', type: 'file', size: ALPYNE.length, sizeDelta: ALPYNE.length - 71 })]);
    expect(body.changes).toEqual([{ path: '/etc/os-release', kind: 'modified', type: 'file', sizeDelta: ALPYNE.length - 71 }]);
    expect(body.size).toEqual({ before: before.size.before, after: before.size.before + ALPYNE.length - 71 });
    expect(body.empty).toBe(false);

    const drafted = await app.inject(`/api/images/${tiny}/content?path=/etc/os-release&draft=1`);
    expect(drafted.statusCode).toBe(200);
    expect(drafted.rawPayload.equals(ALPYNE)).toBe(true);
    expect((await app.inject(`/api/images/${tiny}/content?path=/etc/os-release`)).body).toContain('Tiny Linux');
    const ranged = await app.inject({ url: `/api/images/${tiny}/content?path=/etc/os-release&draft=1`, headers: { range: 'bytes=0-3' } });
    expect(ranged.statusCode).toBe(206);
    expect(ranged.body).toBe('NAME');

    const etc = await list(app, tiny, '/etc');
    const osr = etc.find((e) => e.name === 'os-release')!;
    expect(osr).toMatchObject({ path: '/etc/os-release', type: 'file', size: ALPYNE.length, edited: true, layer: 1, mode: 0o644 });
    const passwd = etc.find((e) => e.name === 'passwd')!;
    expect(passwd.edited).toBeUndefined();
    expect(passwd).toEqual((await getJson<FsEntry[]>(app, `/api/images/${tiny}/fs?path=/etc`)).find((e) => e.name === 'passwd'));
  });

  it('creates missing folders, takes mode and owner, follows symlinked folders to the real path', async () => {
    let r = await put(app, tiny, '/opt/new/deep/hello.sh', '#!/bin/sh\necho hi\n', `&mode=${0o755}&uid=1000&gid=100`);
    expect(r.status).toBe(200);
    expect(r.body.ops.at(-1)).toMatchObject({ path: '/opt/new/deep/hello.sh', kind: 'added', mode: 0o755, uid: 1000, gid: 100, sizeDelta: 18 });
    const root = await list(app, tiny, '/');
    const opt = root.find((e) => e.name === 'opt')!;
    expect(opt).toMatchObject({ type: 'dir', layer: 0, childCount: 1 });
    expect(opt.edited).toBeUndefined();
    expect((await list(app, tiny, '/opt'))[0]).toMatchObject({ name: 'new', type: 'dir', edited: true, layer: 1, childCount: 1, mode: 0o755 });
    expect((await list(app, tiny, '/opt/new/deep'))[0]).toMatchObject({ name: 'hello.sh', mode: 0o755, uid: 1000, gid: 100, size: 18 });

    r = await op(app, tiny, { op: 'symlink', path: '/lnk', target: 'opt/new' });
    expect(r.status).toBe(200);
    r = await put(app, tiny, '/lnk/deep/via-link.txt', 'x');
    expect(r.body.ops.at(-1)!.path).toBe('/opt/new/deep/via-link.txt');
    expect((await list(app, tiny, '/lnk/deep')).map((e) => e.name).sort()).toEqual(['hello.sh', 'via-link.txt']);
    // Writing to a symlink writes its target, as the kernel does.
    r = await put(app, tiny, '/usr/bin/env', 'not busybox');
    expect(r.body.ops.at(-1)!.path).toBe('/bin/busybox');
    const undo = await call(app, { method: 'POST', url: `/api/images/${tiny}/draft/undo` });
    expect(undo.status).toBe(200);
    expect(undo.body.ops.at(-1)!.path).toBe('/opt/new/deep/via-link.txt');
  });

  it('mkdir, rename, chmod, chown, delete; impossible ops are 400s that say why', async () => {
    let r = await op(app, tiny, { op: 'mkdir', path: '/srv/www', mode: 0o750, uid: 33, gid: 33 });
    expect(r.body.ops.at(-1)).toMatchObject({ op: 'mkdir', path: '/srv/www', kind: 'added', mode: 0o750, uid: 33 });
    r = await op(app, tiny, { op: 'rename', from: '/etc/hostname', to: '/srv/www/hostname' });
    expect(r.body.ops.at(-1)).toMatchObject({ op: 'rename', from: '/etc/hostname', path: '/srv/www/hostname', kind: 'moved' });
    r = await op(app, tiny, { op: 'chmod', path: '/srv/www/hostname', mode: 0o600 });
    expect(r.status).toBe(200);
    r = await op(app, tiny, { op: 'chown', path: '/srv/www/hostname', uid: 33, gid: 33 });
    expect(r.status).toBe(200);
    expect((await list(app, tiny, '/srv/www'))[0]).toMatchObject({ name: 'hostname', mode: 0o600, uid: 33, gid: 33, size: 5, edited: true });
    expect((await list(app, tiny, '/etc')).some((e) => e.name === 'hostname')).toBe(false);
    const bytes = await app.inject(`/api/images/${tiny}/content?path=/srv/www/hostname&draft=1`);
    expect(bytes.body).toBe('tiny\n');

    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ op: 'chmod', path: '/nope', mode: 0o644 }, /nope does not exist/],
      [{ op: 'mkdir', path: '/etc/passwd' }, /exists and is not a folder/],
      [{ op: 'rename', from: '/etc/group', to: '/etc/shells' }, /already exists/],
      [{ op: 'rename', from: '/srv', to: '/srv/www/inside' }, /into itself/],
      [{ op: 'delete', path: '/nope' }, /does not exist/],
      [{ op: 'symlink', path: '/etc/passwd/x', target: 'y' }, /not a folder/],
      [{ op: 'chmod', path: '/etc/passwd' }, /chmod needs mode/],
      [{ op: 'format', path: '/' }, /op/],
      [{ op: 'delete', path: '/' }, /root/],
    ];
    for (const [body, message] of bad) {
      const res = await op(app, tiny, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error!.message, JSON.stringify(body)).toMatch(message);
    }
    const write = await put(app, tiny, '/etc', 'x');
    expect(write.status).toBe(400);
    expect(write.body.error!.message).toMatch(/is a folder/);
    expect((await put(app, tiny, '/etc/passwd/x', 'x')).status).toBe(400);
  });

  it('discards one change, refuses one a later change needs (409), discards by path, and everything', async () => {
    const state = await getJson<DraftState>(app, `/api/images/${tiny}/draft`);
    const mkdir = state.ops.findIndex((o) => o.op === 'mkdir');
    const conflict = await call(app, { method: 'DELETE', url: `/api/images/${tiny}/draft/changes/${mkdir + 1}` });
    // Discarding the rename leaves chmod and chown of /srv/www/hostname without a file.
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toMatchObject({ code: 'DRAFT_CONFLICT' });
    expect(conflict.body.error!.message).toMatch(/chmod \/srv\/www\/hostname/);
    expect((await getJson<DraftState>(app, `/api/images/${tiny}/draft`)).ops).toEqual(state.ops);

    let r = await call(app, { method: 'DELETE', url: `/api/images/${tiny}/draft/changes?path=${encodeURIComponent('/srv/www/hostname')}` });
    expect(r.status).toBe(200);
    expect(r.body.ops.map((o) => o.op)).toEqual(['write', 'write', 'symlink', 'write', 'mkdir']);
    expect(r.body.ops.map((o) => o.index)).toEqual([0, 1, 2, 3, 4]);
    expect((await list(app, tiny, '/etc')).some((e) => e.name === 'hostname')).toBe(true);
    r = await call(app, { method: 'DELETE', url: `/api/images/${tiny}/draft/changes/0` });
    expect(r.body.ops[0]).toMatchObject({ op: 'write', path: '/opt/new/deep/hello.sh' });
    expect((await app.inject(`/api/images/${tiny}/content?path=/etc/os-release&draft=1`)).body).toContain('Tiny Linux');
    expect((await call(app, { method: 'DELETE', url: `/api/images/${tiny}/draft/changes/99` })).status).toBe(404);
    expect((await call(app, { method: 'DELETE', url: `/api/images/${tiny}/draft/changes?path=/nothing` })).status).toBe(404);

    r = await call(app, { method: 'DELETE', url: `/api/images/${tiny}/draft` });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ops: [], empty: true });
    expect((await call(app, { method: 'POST', url: `/api/images/${tiny}/draft/undo` })).status).toBe(404);
  });

  it('config: merged patch, null removes, no-op values drop out, shapes are checked', async () => {
    let r = await call(app, { method: 'PATCH', url: `/api/images/${multi}/draft/config`, payload: { Cmd: ['cat', '/etc/os-release'], Entrypoint: null, Labels: { a: 'b' } } });
    expect(r.status).toBe(200);
    expect(r.body.config).toEqual({ Cmd: ['cat', '/etc/os-release'], Entrypoint: null, Labels: { a: 'b' } });
    expect(r.body.resultConfig.Cmd).toEqual(['cat', '/etc/os-release']);
    expect(r.body.resultConfig).not.toHaveProperty('Entrypoint');
    expect(r.body.configChanges.find((c) => c.key === 'Entrypoint')).toEqual({ key: 'Entrypoint', before: ['docker-entrypoint.sh'], after: null });
    r = await call(app, { method: 'PATCH', url: `/api/images/${multi}/draft/config`, payload: { Entrypoint: ['docker-entrypoint.sh'], WorkingDir: '/data', Nonexistent: null } });
    expect(r.body.config).toEqual({ Cmd: ['cat', '/etc/os-release'], Labels: { a: 'b' } });
    for (const bad of [{ Cmd: 'cat' }, { Env: ['NOEQUALS'] }, { ExposedPorts: { http: {} } }, { Labels: { a: 1 } }, ['Cmd']]) {
      const res = await call(app, { method: 'PATCH', url: `/api/images/${multi}/draft/config`, payload: bad as object });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    r = await call(app, { method: 'DELETE', url: `/api/images/${multi}/draft/config` });
    expect(r.body).toMatchObject({ config: {}, empty: true });
  });

  it('tag: checked, defaulted, cleared', async () => {
    let r = await call(app, { method: 'PUT', url: `/api/images/${tiny}/draft/tag`, payload: { tag: 'ALPYNE:Latest' } });
    expect(r.status).toBe(400);
    expect(r.body.error!.code).toBe('BAD_TAG');
    r = await call(app, { method: 'PUT', url: `/api/images/${tiny}/draft/tag`, payload: { tag: 'alpyne:latest' } });
    expect(r.body).toMatchObject({ tag: 'alpyne:latest', resultTag: 'alpyne:latest', empty: false });
    r = await call(app, { method: 'PUT', url: `/api/images/${tiny}/draft/tag`, payload: { tag: null } });
    expect(r.body).toMatchObject({ tag: null, resultTag: 'fixtures/tiny:edited', empty: true });
    // An export that names no tag writes the same name, never the original's.
    const res = await app.inject(`/api/images/${tiny}/export?mode=append&compression=none`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="fixtures-tiny-edited.tar"');
    expect(res.rawPayload.includes('fixtures/tiny:edited')).toBe(true);
    expect(res.rawPayload.includes('fixtures/tiny:latest')).toBe(false);
  });

  it('result name: repo:edited of the name the image was opened by, else of its first tag, else peel/<id>:edited', () => {
    const ctx = (name: string, tags: string[], tag?: string) => ({ image: { id: 'abc', name, tags }, head: tag ? { tag } : undefined }) as unknown as DraftContext;
    expect(resultTag(ctx('web:2', ['base:1', 'web:2']))).toBe('web:edited');
    expect(resultTag(ctx('img.tar', ['base:1', 'web:2']))).toBe('base:edited');
    expect(resultTag(ctx('img.tar', ['base:1'], 'mine:v2'))).toBe('mine:v2');
    expect(resultTag(ctx('img.tar', []))).toBe('peel/abc:edited');
    expect(editedTag('alpine:3.20')).toBe('alpine:edited');
    expect(editedTag('localhost:5000/team/app')).toBe('localhost:5000/team/app:edited');
    expect(editedTag('app:edited')).toBe('app:edited-2');
    expect(editedTag('app@sha256:abc')).toBe('app:edited');
  });

  it('a deleted secret is a purge-only change; a deleted folder disappears from the draft view', async () => {
    let r = await call(app, { method: 'DELETE', url: `/api/images/${multi}/draft/content?path=/opt/app/.env` });
    expect(r.status).toBe(200);
    expect(r.body.ops[0]).toMatchObject({ op: 'delete', path: '/opt/app/.env', kind: 'deleted', purgeOnly: true, sizeDelta: 0 });
    expect(r.body.changes).toEqual([{ path: '/opt/app/.env', kind: 'deleted', type: 'file', sizeDelta: 0, purgeOnly: true }]);
    r = await call(app, { method: 'DELETE', url: `/api/images/${multi}/draft/content?path=/var/lib/app/big.bin` });
    expect(r.body.ops[1]).toMatchObject({ kind: 'deleted', type: 'file', sizeDelta: -65536 });
    r = await call(app, { method: 'DELETE', url: `/api/images/${multi}/draft/content?path=/opt/app/conf` });
    const confBytes = 29 + 13 + 13 + 13 + 16; // configured.txt, data.bin, its hard link, keep.conf, with space.conf
    expect(r.body.ops[2]).toMatchObject({ kind: 'deleted', type: 'dir', sizeDelta: -confBytes });
    expect(r.body.size.after).toBe(r.body.size.before - 65536 - confBytes);

    expect((await list(app, multi, '/opt/app')).map((e) => e.name)).toEqual(['cache']);
    const withDeleted = await list(app, multi, '/opt/app', '&deleted=1');
    expect(withDeleted.find((e) => e.name === 'conf')).toMatchObject({ deletedBy: 13, edited: true, type: 'dir' });
    expect(withDeleted.find((e) => e.name === '.env')).toMatchObject({ deletedBy: 6, layer: 5 });
    expect((await app.inject(`/api/images/${multi}/fs?path=/opt/app/conf&draft=1`)).statusCode).toBe(404);
    // A link into the deleted folder now dangles.
    expect((await app.inject(`/api/images/${multi}/content?path=/etc/app.conf&draft=1`)).statusCode).toBe(404);
    expect((await app.inject(`/api/images/${multi}/content?path=/etc/app.conf`)).statusCode).toBe(200);
    // The folder made again is empty: its old files stay hidden.
    r = await op(app, multi, { op: 'mkdir', path: '/opt/app/conf' });
    expect(await list(app, multi, '/opt/app/conf')).toEqual([]);
    expect((await list(app, multi, '/opt/app')).find((e) => e.name === 'conf')).toMatchObject({ childCount: 0, edited: true });
    expect((await app.inject(`/api/images/${multi}/fs?path=/opt&draft=1&layer=1`)).statusCode).toBe(400);
    await call(app, { method: 'DELETE', url: `/api/images/${multi}/draft` });
  });

  it('draft bytes live in the blob store while a change holds them, and go with it', async () => {
    const bytes = Buffer.from(`blob-protection ${Date.now()}\n`);
    const r = await put(app, tiny, '/etc/motd', bytes);
    const digest = (await getJson<FsEntry[]>(app, `/api/images/${tiny}/fs?path=/etc&draft=1`)).find((e) => e.name === 'motd')!.digest!;
    expect(r.status).toBe(200);
    await app.peel.idle();
    expect(readFileSync(blobFile(dir, digest)).equals(bytes)).toBe(true);
    // The same bytes written twice, then one discarded: the blob stays for the other.
    await put(app, tiny, '/etc/motd2', bytes);
    await call(app, { method: 'POST', url: `/api/images/${tiny}/draft/undo` });
    await app.peel.idle();
    expect(existsSync(blobFile(dir, digest))).toBe(true);
    await call(app, { method: 'DELETE', url: `/api/images/${tiny}/draft` });
    await app.peel.idle();
    expect(existsSync(blobFile(dir, digest))).toBe(false);
    // A write refused after its upload (the engine finds a file where a folder must be) leaves no blob.
    const refused = Buffer.from(`refused ${Date.now()}`);
    expect((await put(app, tiny, '/etc/passwd/x', refused)).status).toBe(400);
    await app.peel.idle();
    expect(existsSync(blobFile(dir, `sha256:${createHash('sha256').update(refused).digest('hex')}`))).toBe(false);
    await call(app, { method: 'DELETE', url: `/api/images/${tiny}/draft` });
  });

  it('an empty body writes an empty file; any content type is bytes', async () => {
    let r = await call(app, { method: 'PUT', url: `/api/images/${tiny}/draft/content?path=/etc/empty` });
    expect(r.status).toBe(200);
    expect(r.body.ops[0]).toMatchObject({ size: 0, kind: 'added' });
    r = await call(app, { method: 'PUT', url: `/api/images/${tiny}/draft/content?path=/etc/conf.json`, payload: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(200);
    expect((await app.inject(`/api/images/${tiny}/content?path=/etc/conf.json&draft=1`)).body).toBe('{"a":1}');
    await call(app, { method: 'DELETE', url: `/api/images/${tiny}/draft` });
  });

  describe('a moved folder', () => {
    // Its own image: the tests above share the drafts of tiny and multi.
    let id: string;
    beforeAll(async () => {
      id = await ingest(app, 'multi-oci');
    });

    it('pages of a moved folder, read from the index, are the draft’s own listing of it', async () => {
      await op(app, id, { op: 'rename', from: '/opt/app', to: '/moved' });
      // cache changes after the move: its pages must not come from the index.
      await call(app, { method: 'DELETE', url: `/api/images/${id}/draft/content?path=${encodeURIComponent('/moved/cache/fresh.txt')}` });
      for (const dir of ['/moved', '/moved/conf', '/moved/cache']) {
        const whole = await list(app, id, dir);
        const paged: FsEntry[] = [];
        let cursor: string | null = null;
        do {
          const page: FsPage = await getJson<FsPage>(app, `/api/images/${id}/fs?path=${encodeURIComponent(dir)}&draft=1&paged=1&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
          expect(page.total, dir).toBe(whole.length);
          paged.push(...page.items);
          cursor = page.next;
        } while (cursor);
        const byName = (a: FsEntry, b: FsEntry) => (a.name < b.name ? -1 : 1);
        expect([...paged].sort(byName), dir).toEqual([...whole].sort(byName));
      }
      // The hard link of conf is shown as the draft has it: a plain file with its bytes.
      expect((await list(app, id, '/moved/conf')).find((e) => e.name === 'data.hardlink')).toMatchObject({ type: 'file', size: 13, edited: true });
      expect((await list(app, id, '/moved/cache')).some((e) => e.name === 'fresh.txt')).toBe(false);
      for (let i = 0; i < 2; i++) expect((await call(app, { method: 'POST', url: `/api/images/${id}/draft/undo` })).status).toBe(200);
    });

    it('is one change carrying its bytes; the explorer lists, counts and serves what it holds where it went', async () => {
      const conf = (await getJson<FsEntry[]>(app, `/api/images/${id}/fs?path=/opt/app`)).find((e) => e.name === 'conf')!;
      const keep = (await app.inject(`/api/images/${id}/content?path=/opt/app/conf/keep.conf`)).body;
      let r = await op(app, id, { op: 'rename', from: '/opt/app', to: '/srv/app' });
      expect(r.status).toBe(200);
      const gone = r.body.changes.find((c) => c.path === '/opt/app')!;
      expect(gone).toMatchObject({ kind: 'deleted', type: 'dir' });
      expect(gone.sizeDelta).toBeLessThan(0);
      expect(r.body.changes.find((c) => c.path === '/srv/app')).toEqual({ path: '/srv/app', kind: 'added', type: 'dir', sizeDelta: -gone.sizeDelta, tree: true });
      expect(r.body.changes.filter((c) => c.path.startsWith('/srv/app/'))).toEqual([]);
      expect(r.body.size.after).toBe(r.body.size.before);

      expect((await list(app, id, '/srv/app')).find((e) => e.name === 'conf')).toMatchObject({ type: 'dir', childCount: conf.childCount, edited: true });
      expect((await app.inject(`/api/images/${id}/content?path=/srv/app/conf/keep.conf&draft=1`)).body).toBe(keep);
      expect((await app.inject(`/api/images/${id}/fs?path=/opt/app&draft=1`)).statusCode).toBe(404);

      r = await call(app, { method: 'DELETE', url: `/api/images/${id}/draft/content?path=${encodeURIComponent('/srv/app/conf/keep.conf')}` });
      expect(r.body.changes).toContainEqual({ path: '/srv/app/conf/keep.conf', kind: 'deleted', type: 'file', sizeDelta: -keep.length });
      expect(r.body.size.after).toBe(r.body.size.before - keep.length);
      expect((await list(app, id, '/srv/app/conf')).some((e) => e.name === 'keep.conf')).toBe(false);
    });

    it('a folder moved away, edited and moved back lists as the image’s, with the edit counted', async () => {
      const etc = (await getJson<FsEntry[]>(app, `/api/images/${id}/fs?path=/`)).find((e) => e.name === 'etc')!;
      await op(app, id, { op: 'rename', from: '/etc', to: '/etc-away' });
      await put(app, id, '/etc-away/added.conf', 'x=1\n');
      const r = await op(app, id, { op: 'rename', from: '/etc-away', to: '/etc' });
      expect(r.body.changes.filter((c) => c.path === '/etc' || c.path.startsWith('/etc/') || c.path.startsWith('/etc-away'))).toEqual([
        { path: '/etc', kind: 'modified', type: 'dir', sizeDelta: 0 },
        { path: '/etc/added.conf', kind: 'added', type: 'file', sizeDelta: 4 },
      ]);
      expect((await list(app, id, '/')).find((e) => e.name === 'etc')).toMatchObject({ childCount: etc.childCount! + 1 });
      const passwd = (await list(app, id, '/etc')).find((e) => e.name === 'passwd')!;
      expect(passwd.edited).toBeUndefined();
    });

    it('a folder deleted and made again says the image’s tree under it is gone', async () => {
      await call(app, { method: 'DELETE', url: `/api/images/${id}/draft/content?path=${encodeURIComponent('/var/lib/app')}` });
      const r = await op(app, id, { op: 'mkdir', path: '/var/lib/app' });
      expect(r.body.changes.find((c) => c.path === '/var/lib/app')).toMatchObject({ kind: 'modified', type: 'dir', replacesTree: true, sizeDelta: -65536 });
    });
  });
});

describe('drafts across restarts and image deletion', () => {
  it('a restart keeps the draft answer for answer; deleting the image drops its draft and blobs', async () => {
    const dir = await tempDir();
    try {
      const first = await build(dir);
      const id = await ingest(first, 'multi-docker-legacy');
      await put(first, id, '/etc/os-release', ALPYNE);
      await op(first, id, { op: 'delete', path: '/opt/app/.env' });
      await call(first, { method: 'PATCH', url: `/api/images/${id}/draft/config`, payload: { Cmd: ['cat', '/etc/os-release'] } });
      await call(first, { method: 'PUT', url: `/api/images/${id}/draft/tag`, payload: { tag: 'alpyne:latest' } });
      const urls = [`/api/images/${id}/draft`, `/api/images/${id}/fs?path=/etc&draft=1`, `/api/images/${id}/content?path=/etc/os-release&draft=1`];
      const snap = async (app: FastifyInstance) => Promise.all(urls.map(async (u) => (await app.inject(u)).body));
      const before = await snap(first);
      await first.close();

      const second = await build(dir);
      expect(await snap(second)).toEqual(before);
      const digest = (await getJson<FsEntry[]>(second, `/api/images/${id}/fs?path=/etc&draft=1`)).find((e) => e.name === 'os-release')!.digest!;
      expect(existsSync(blobFile(dir, digest))).toBe(true);
      expect((await second.inject({ method: 'DELETE', url: `/api/images/${id}` })).statusCode).toBe(204);
      await second.peel.idle();
      expect(existsSync(blobFile(dir, digest))).toBe(false);
      expect(await count(second, `SELECT (SELECT count(*) FROM drafts) + (SELECT count(*) FROM draft_ops) AS n`)).toBe(0);
      await second.close();
    } finally {
      await removeDir(dir);
    }
  });
});
