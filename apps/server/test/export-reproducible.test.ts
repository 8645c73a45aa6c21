import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, removeDir, tempDir } from './helper.js';

// The same draft downloaded again — from the same server, from the server restarted with another
// umask and working directory, and at another time — is the same archive, byte for byte. The
// server runs as its own process (src/main.ts, as `npm start` runs it); created times are read
// from the download with GNU tar and JSON.parse, never by Peel.
const SERVER_DIR = resolve(import.meta.dirname, '..');
/** tsx's loader by absolute URL, so the server runs from any working directory. */
const TSX = pathToFileURL(createRequire(join(SERVER_DIR, 'package.json')).resolve('tsx/package.json').replace(/package\.json$/, 'dist/loader.mjs')).href;
const EXPORTS = ['mode=append', 'mode=flatten', 'mode=rewrite', 'mode=flatten&compression=none', 'mode=append&compression=none'];

interface Server { address: string; stop: () => Promise<void> }

async function startServer(dataDir: string, how: { umask: string; cwd: string; env?: Record<string, string> }): Promise<Server> {
  const { SOURCE_DATE_EPOCH: _ignored, ...env } = process.env;
  const child: ChildProcess = spawn('sh', ['-c', `umask ${how.umask} && exec "$@"`, 'sh', process.execPath, '--conditions=source', '--import', TSX, join(SERVER_DIR, 'src/main.ts')], {
    cwd: how.cwd,
    env: { ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'fatal', PEEL_DATA_DIR: dataDir, PEEL_WEB_DIST: '/nonexistent-peel-ui', ...how.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const address = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /peel listening on (http:\/\/\S+)/.exec(out);
      if (m) ok(m[1]);
    });
    child.once('exit', (code) => fail(new Error(`server exited (${code}) before listening: ${err || out}`)));
  });
  return {
    address,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function call(server: Server, method: string, url: string, body?: Buffer | object): Promise<Response> {
  const raw = Buffer.isBuffer(body);
  const res = await fetch(`${server.address}${url}`, {
    method,
    ...(body === undefined ? {} : { body: raw ? body : JSON.stringify(body), headers: { 'content-type': raw ? 'application/octet-stream' : 'application/json' } }),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res;
}

describe('the export download is reproducible', () => {
  let dir: string;
  let id: string;
  const runs: Server[] = [];
  const start = async (how: Parameters<typeof startServer>[1]) => {
    const s = await startServer(join(dir, 'data'), how);
    runs.push(s);
    return s;
  };
  /** Downloads an export into a file; returns the file and the sha256 of the whole download. */
  const download = async (server: Server, query: string, name: string) => {
    const bytes = Buffer.from(await (await call(server, 'GET', `/api/images/${id}/export?${query}`)).arrayBuffer());
    const file = join(dir, `${name}.tar`);
    await writeFile(file, bytes);
    return { file, sha: createHash('sha256').update(bytes).digest('hex') };
  };

  beforeAll(async () => {
    dir = await tempDir('peel-export-repro-');
    for (const d of ['cwd-a', 'cwd-b', 'cwd-c']) await mkdir(join(dir, d));
  });
  afterAll(async () => {
    for (const s of runs) await s.stop();
    await removeDir(dir);
  });

  it('twice, after a restart with another umask and working directory, and with SOURCE_DATE_EPOCH', async () => {
    const first = await start({ umask: '022', cwd: join(dir, 'cwd-a') });
    id = ((await (await call(first, 'POST', '/api/images?name=multi.tar', await readFile(fixture('multi-docker-legacy')))).json()) as { id: string }).id;
    // Everything a draft can hold that the export writes with a time: files, folders, links, moves, config.
    await call(first, 'PUT', `/api/images/${id}/draft/content?path=/etc/os-release`, Buffer.from('NAME="ALPYNE Linux"\nID=alpyne\n'));
    await call(first, 'PUT', `/api/images/${id}/draft/content?path=/srv/new/deep/file.txt`, Buffer.from('new\n'));
    await call(first, 'DELETE', `/api/images/${id}/draft/content?path=/opt/app/.env`);
    await call(first, 'POST', `/api/images/${id}/draft/ops`, { op: 'mkdir', path: '/srv/www', mode: 0o750, uid: 33, gid: 33 });
    await call(first, 'POST', `/api/images/${id}/draft/ops`, { op: 'symlink', path: '/srv/www/conf', target: '../../opt/app/conf' });
    await call(first, 'POST', `/api/images/${id}/draft/ops`, { op: 'rename', from: '/opt/app/conf/with space.conf', to: '/etc/moved.conf' });
    await call(first, 'POST', `/api/images/${id}/draft/ops`, { op: 'chmod', path: '/opt/app/conf/keep.conf', mode: 0o600 });
    await call(first, 'PATCH', `/api/images/${id}/draft/config`, { Cmd: ['cat', '/etc/os-release'] });

    const once: Record<string, string> = {};
    for (const q of EXPORTS) {
      const a = await download(first, q, `a-${q}`);
      const b = await download(first, q, `b-${q}`);
      expect(b.sha, `${q}: the same server, asked twice`).toBe(a.sha);
      once[q] = a.sha;
    }
    expect(new Set(Object.values(once)).size, 'every export differs from the others').toBe(EXPORTS.length);
    await first.stop();

    const second = await start({ umask: '077', cwd: join(dir, 'cwd-b') });
    for (const q of EXPORTS) expect((await download(second, q, `c-${q}`)).sha, `${q}: after a restart`).toBe(once[q]);
    // The created time is the image's own newest time, not the clock's.
    const flat = await download(second, 'mode=flatten', 'flat');
    const source = fixture('multi-docker-legacy');
    const sourceConfig = configOf(source);
    const newest = Math.max(...[sourceConfig.created, ...sourceConfig.history.map((h) => h.created)].filter((t): t is string => !!t).map((t) => Date.parse(t)));
    expect(configOf(flat.file).created).toBe(new Date(newest).toISOString());
    await second.stop();

    const third = await start({ umask: '002', cwd: join(dir, 'cwd-c'), env: { SOURCE_DATE_EPOCH: '1700000000' } });
    const dated = await download(third, 'mode=flatten', 'dated');
    expect((await download(third, 'mode=flatten', 'dated-again')).sha).toBe(dated.sha);
    expect(dated.sha).not.toBe(once['mode=flatten']);
    expect(configOf(dated.file).created).toBe('2023-11-14T22:13:20.000Z');
    for (const q of ['mode=append', 'mode=rewrite']) expect(configOf((await download(third, q, `dated-${q}`)).file).history.at(-1)?.created, q).toBe('2023-11-14T22:13:20.000Z');
    await third.stop();
  });
});

describe('SOURCE_DATE_EPOCH that is not a number of seconds', () => {
  it('stops the server before it listens, naming the variable', async () => {
    const dir = await tempDir('peel-sde-');
    try {
      const refused = await startServer(join(dir, 'data'), { umask: '022', cwd: dir, env: { SOURCE_DATE_EPOCH: '2024-01-01' } }).then(async (started) => {
        await started.stop();
        return 'it started';
      }, (e: Error) => e.message);
      expect(refused).toContain('SOURCE_DATE_EPOCH must be seconds since 1970, got "2024-01-01"');
    } finally {
      await removeDir(dir);
    }
  });
});

const tarText = (archive: string, member: string) => execFileSync('tar', ['-xOf', archive, member], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
function configOf(archive: string): { created: string; history: Array<{ created?: string }> } {
  const manifest = (JSON.parse(tarText(archive, 'manifest.json')) as Array<{ Config: string }>)[0];
  return JSON.parse(tarText(archive, manifest.Config)) as { created: string; history: Array<{ created?: string }> };
}
