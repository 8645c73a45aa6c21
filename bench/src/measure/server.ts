import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';

export interface ServerOptions {
  repo: string;
  dataDir: string;
  /** The built web UI, or a missing folder for API-only runs. */
  webDist: string;
  /** Write a V8 CPU profile of the server into this folder when it stops. */
  cpuProfDir?: string;
  /** PEEL_DATABASE_URL: the index on PostgreSQL instead of SQLite in the data folder. */
  databaseUrl?: string;
}

export interface Server {
  pid: number;
  address: string;
  /** Peak resident memory so far (VmHWM), MiB. */
  peakMiB(): number;
  rssMiB(): number;
  stop(): Promise<void>;
}

/**
 * Starts Peel's server as people run it (`pnpm --filter @peel/server start`: the bundle
 * scripts/build.mjs writes, apps/server/dist/main.mjs), as `node dist/main.mjs` directly so that
 * the process measured is the server itself, not a pnpm wrapper.
 */
export async function startServer(o: ServerOptions): Promise<Server> {
  buildServer(o.repo);
  const args = [...SERVER_NODE_FLAGS, ...(o.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProfDir] : []), 'apps/server/dist/main.mjs'];
  const child = spawn(process.execPath, args, {
    cwd: o.repo,
    env: { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? SERVER_MALLOC_ARENAS, PORT: '0', HOST: '127.0.0.1', PEEL_DATA_DIR: o.dataDir, PEEL_WEB_DIST: o.webDist, LOG_LEVEL: 'warn', PEEL_DATABASE_URL: o.databaseUrl ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err = (err + c).slice(-10_000)));
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /peel listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code} before listening: ${out}${err}`)));
  });
  const pid = child.pid!;
  running.add(child);
  child.once('exit', () => running.delete(child));
  return {
    pid,
    address,
    peakMiB: () => procStatus(pid, 'VmHWM'),
    rssMiB: () => procStatus(pid, 'VmRSS'),
    stop: () => stop(child),
  };
}

/** The node flags of `start` in apps/server/package.json (keep the two alike). */
const SERVER_NODE_FLAGS = ['--max-semi-space-size=4'];
/** As scripts/start.sh and `pnpm start` run it. */
const SERVER_MALLOC_ARENAS = '2';

let built = false;

/** Bundles the server once per bench run (from the sources as they are now). */
function buildServer(repo: string): void {
  if (built) return;
  execFileSync(process.execPath, ['apps/server/scripts/build.mjs'], { cwd: repo, stdio: 'inherit' });
  built = true;
}

// Servers this process started; none outlives it, even when a measurement throws.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGTERM');
});

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** A memory figure of a live process from /proc/<pid>/status, MiB. */
export function procStatus(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]) / 1024;
}

/** POSTs an archive file as the raw body (streamed from disk) and resolves with the reply. */
export function uploadFile(address: string, file: string, name: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(`/api/images?name=${encodeURIComponent(name)}`, address), {
      method: 'POST',
      headers: { 'content-type': 'application/x-tar', 'content-length': statSync(file).size },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    createReadStream(file, { highWaterMark: 1 << 20 }).pipe(req);
  });
}
