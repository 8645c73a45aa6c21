import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from './helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
  command: string;
}

/** Every process on the machine, from /proc (what ps reads). */
async function processes(): Promise<Proc[]> {
  const out: Proc[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so read after the last ')'.
      const [, ppid, pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = (await readFile(`/proc/${name}/cmdline`, 'utf8')).split('\0').join(' ').trim() || (await readlink(`/proc/${name}/exe`).catch(() => ''));
      out.push({ pid: Number(name), ppid: Number(ppid), pgid: Number(pgid), command });
    } catch {
      // it ended while we looked
    }
  }
  return out;
}

/** The process and all its descendants. */
function tree(all: Proc[], pid: number): Proc[] {
  const found = all.filter((p) => p.pid === pid);
  for (let i = 0; i < found.length; i += 1) found.push(...all.filter((p) => p.ppid === found[i].pid));
  return found;
}

for (const [command, ...args] of [['bash', 'scripts/start.sh'], ['npm', 'start']]) {
  test(`a TERM to \`${command} ${args.join(' ')}\` ends the server and leaves no process behind`, async ({ request }) => {
    test.setTimeout(240_000);
    const data = await mkdtemp(join(tmpdir(), 'peel-e2e-start-'));
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', PEEL_DATA_DIR: data, PEEL_SETUP_SYSTEM: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that whatever the test finds left over can be ended after it.
      detached: true,
    });
    const pid = child.pid!;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ? -1 : code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`start.sh did not print its address in 200 s: ${out}`)), 200_000);
        const read = (chunk: Buffer) => {
          out += chunk.toString();
          const match = /peel listening on (http:\/\/\S+)/.exec(out);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        };
        child.stdout.on('data', read);
        child.stderr.on('data', read);
        child.once('exit', (code) => reject(new Error(`start.sh exited (${code}) before listening: ${out}`)));
      });
      expect((await request.get(`${url}/api/health`)).status()).toBe(200);

      const started = tree(await processes(), pid);
      // The server itself is among them (whatever runs it).
      expect(started.map((p) => p.command).join('\n')).toMatch(/node .*dist\/main\.mjs/);
      process.kill(pid, 'SIGTERM');
      expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running 15 s after TERM'), 15_000))])).toBe(0);
      // Not one process of that tree is left, and none of its group either.
      await expect
        .poll(async () => {
          const alive = await processes();
          const pids = new Set(started.map((p) => p.pid));
          return alive.filter((p) => pids.has(p.pid) || p.pgid === pid).map((p) => `${p.pid} ${p.command}`);
        }, { timeout: 10_000 })
        .toEqual([]);
      await expect(request.get(`${url}/api/health`, { timeout: 2_000 })).rejects.toThrow();
    } finally {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // nothing left, as it should be
      }
      await rm(data, { recursive: true, force: true });
    }
  });
}
