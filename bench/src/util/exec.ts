import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Ran {
  ms: number;
  /** Peak resident memory of the command (GNU time's %M), MiB. */
  peakMiB: number;
  stdout: string;
}

export class CommandError extends Error {
  constructor(readonly command: string, readonly code: number | null, readonly stderr: string) {
    super(`${command} exited with ${code}: ${stderr.trim().slice(-2000)}`);
  }
}

/** Runs a command under /usr/bin/time: wall time measured here, peak RSS from the kernel's rusage. */
export async function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  const dir = await mkdtemp(join(tmpdir(), 'peel-bench-time-'));
  const out = join(dir, 'time');
  try {
    const t0 = performance.now();
    const { stdout } = await spawnText('/usr/bin/time', ['-f', '%M', '-o', out, cmd, ...args], opts);
    const ms = performance.now() - t0;
    const kib = Number((await readFile(out, 'utf8')).trim().split('\n').pop());
    return { ms, peakMiB: kib / 1024, stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs a command to completion; rejects with its stderr on a non-zero exit. */
export function spawnText(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-20_000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ stdout, stderr }) : reject(new CommandError([cmd, ...args].join(' '), code, stderr))));
  });
}

/** Flushes dirty pages so one step's writeback does not slow the next step's timing. */
export async function settle(): Promise<void> {
  await spawnText('sync', []);
}
