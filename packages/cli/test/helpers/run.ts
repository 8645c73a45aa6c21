/**
 * Runs `peel` in-process (runCli with captured streams) or as a real process through bin/peel.js.
 * In-process runs get their own TMPDIR, so a test can check that no temporary store is left.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli.js';
import { tempDir } from './tmp.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const fixture = (name: string) => path.join(repoRoot, 'fixtures', name);
export const peelBin = path.join(repoRoot, 'packages/cli/bin/peel.js');

export interface PeelRun {
  code: number;
  stdout: Buffer;
  stderr: string;
  /** stdout as UTF-8 text. */
  out: string;
}

export interface RunOptions {
  /** A file streamed to stdin, or bytes. */
  stdin?: string | Buffer;
  cwd?: string;
  env?: Record<string, string | undefined>;
  tty?: boolean;
}

export async function peel(args: string[], o: RunOptions = {}): Promise<PeelRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => outChunks.push(c));
  stderr.on('data', (c: Buffer) => errChunks.push(c));
  const stdin = o.stdin === undefined ? Readable.from([]) : Buffer.isBuffer(o.stdin) ? Readable.from([o.stdin]) : createReadStream(o.stdin);
  const env = { TMPDIR: await tempDir('test-tmp'), ...o.env };
  const code = await runCli(args, { stdin, stdout, stderr, env, cwd: o.cwd ?? repoRoot, stderrIsTTY: o.tty === true });
  const stdoutBuf = Buffer.concat(outChunks);
  return { code, stdout: stdoutBuf, stderr: Buffer.concat(errChunks).toString('utf8'), out: stdoutBuf.toString('utf8') };
}

/** `bin/peel.js …` as a child process: the installed command, real exit codes and pipes; `umask` like `077`. */
export function peelProcess(args: string[], o: { stdin?: string; cwd?: string; env?: Record<string, string>; umask?: string } = {}): Promise<PeelRun> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, peelBin, ...args];
    const [file, ...argv] = o.umask === undefined ? command : ['sh', '-c', `umask ${o.umask} && exec "$@"`, 'sh', ...command];
    const child = spawn(file, argv, { cwd: o.cwd ?? repoRoot, env: { ...process.env, ...o.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    if (o.stdin) createReadStream(o.stdin).pipe(child.stdin);
    else child.stdin.end();
    child.on('close', (code) => {
      const stdout = Buffer.concat(out);
      resolve({ code: code ?? -1, stdout, stderr: Buffer.concat(err).toString('utf8'), out: stdout.toString('utf8') });
    });
  });
}
