import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const SERVER_DIR = resolve(import.meta.dirname, '../../../apps/server');
/** tsx's loader by absolute URL, so the server can run from any working directory. */
const TSX = pathToFileURL(createRequire(join(SERVER_DIR, 'package.json')).resolve('tsx/package.json').replace(/package\.json$/, 'dist/loader.mjs')).href;

export interface ServerProcess {
  child: ChildProcess;
  address: string;
  pid: number;
  /** Everything the process wrote to stderr so far. */
  stderr: () => string;
  /** SIGKILL, then wait for the exit. */
  kill9: () => Promise<void>;
  /** SIGTERM (a clean shutdown), then wait for the exit. */
  stop: () => Promise<void>;
}

/** Starts the real server (src/main.ts under tsx) as a child process and waits for its address. */
export async function startServer(env: Record<string, string>, cwd = SERVER_DIR): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', TSX, join(SERVER_DIR, 'src/main.ts')], {
    cwd,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'fatal', PEEL_WEB_DIST: '/nonexistent-peel-ui', ...env },
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
    child.once('exit', (code, signal) => fail(new Error(`server exited (${code ?? signal}) before listening: ${err || out}`)));
  });
  return {
    child,
    address,
    pid: child.pid!,
    stderr: () => err,
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs the server expecting it to refuse to start; returns its exit code and stderr. */
export function startRefused(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'fatal', PEEL_WEB_DIST: '/nonexistent-peel-ui', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout!.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((ok) => child.once('exit', (code) => ok({ code, stderr: err })));
}

/** Peak resident memory of a process so far, in MiB (VmHWM). */
export function peakRssMiB(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export function rssMiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export interface UploadResult {
  status: number;
  body: string;
  /** Bytes written before the server answered (or the socket closed). */
  sent: number;
  ms: number;
}

/**
 * POSTs a lazily generated body over a real socket, writing chunk by chunk with backpressure and
 * stopping as soon as the server has answered: a refused bomb is never sent whole.
 */
export function uploadStream(address: string, chunks: Iterable<Buffer> | AsyncIterable<Buffer>, opts: { size?: number; path?: string; headers?: Record<string, string> } = {}): Promise<UploadResult> {
  const t = performance.now();
  return new Promise((done, fail) => {
    let answered = false;
    let sent = 0;
    const headers: Record<string, string | number> = { 'content-type': 'application/x-tar', ...opts.headers };
    if (opts.size !== undefined) headers['content-length'] = opts.size;
    const req = request(new URL(opts.path ?? '/api/images?name=hostile.tar', address), { method: 'POST', headers }, (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        done({ status: res.statusCode ?? 0, body, sent, ms: performance.now() - t });
        req.destroy(); // a refused upload is not worth finishing
      });
      res.on('error', fail);
    });
    req.on('error', (e) => {
      if (!answered) fail(e);
    });
    (async () => {
      for await (const c of chunks) {
        if (answered || req.destroyed) return;
        sent += c.length;
        if (!req.write(c)) {
          await new Promise<void>((r) => {
            const go = () => {
              req.off('drain', go);
              req.off('close', go);
              r();
            };
            req.on('drain', go);
            req.on('close', go);
          });
        }
      }
      if (!answered && !req.destroyed) req.end();
    })().catch(() => undefined);
  });
}

export async function getJson<T>(address: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; json: T }> {
  const res = await fetch(new URL(path, address), { headers });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : null) as T };
}
