import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, ingest, removeDir, tempDir } from './helper.js';

const SERVER = resolve(import.meta.dirname, '..');

/**
 * The embedded store serves one process: a second Peel on the same data folder is refused at
 * start with a message that says why (before it touches anything), and a lock left by a process
 * that is gone does not keep the folder locked.
 */
describe('one process per embedded data folder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(() => removeDir(dir));

  it('refuses a second server on the folder while the first runs, and leaves the first alone', async () => {
    const first = await build(dir);
    const id = await ingest(first, 'tiny-docker-legacy');
    // What a second start would clean up if it got that far: the first one's upload in progress.
    const inFlight = join(dir, 'blobs', 'tmp', 'upload-in-progress');
    writeFileSync(inFlight, 'partial');
    await expect(build(dir)).rejects.toMatchObject({ code: 'DATA_FOLDER_IN_USE', message: expect.stringMatching(/in use by another Peel \(pid \d+/) });
    expect(existsSync(inFlight)).toBe(true);
    expect((await first.inject(`/api/images/${id}/content?path=/etc/os-release`)).statusCode).toBe(200);
    await first.close();

    const second = await build(dir);
    expect((await second.inject(`/api/images/${id}`)).statusCode).toBe(200);
    await second.close();
    expect(existsSync(join(dir, 'peel.lock'))).toBe(false);
  });

  it('takes over a lock whose process is gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(dir, 'peel.lock'), JSON.stringify({ pid: Number(gone.stdout), host: hostname(), started: '2026-01-01T00:00:00Z' }));
    const app = await build(dir);
    expect(JSON.parse(readFileSync(join(dir, 'peel.lock'), 'utf8')).pid).toBe(process.pid);
    await app.close();
    // A half-written lock (a crash while writing it) is not a holder either.
    writeFileSync(join(dir, 'peel.lock'), '{"pid":');
    await (await build(dir)).close();
  });

  it('a second `peel` server process exits 1 with one plain line', async () => {
    const first = await build(dir);
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', 'src/main.ts'], {
        cwd: SERVER, env: { ...process.env, PEEL_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect(code).toBe(1);
      expect(stderr.trim()).toMatch(/^peel: the data folder .* is in use by another Peel \(pid \d+ on .*\): the embedded store serves one process\. Stop that one, or start this one with another PEEL_DATA_DIR\.$/);
    } finally {
      await first.close();
    }
  });
});
