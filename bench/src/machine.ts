import { cpus, loadavg, release, totalmem } from 'node:os';
import { statfs } from 'node:fs/promises';
import { spawnText } from './util/exec.js';

export interface Machine {
  cpu: string;
  cores: number;
  memGiB: number;
  kernel: string;
  node: string;
  diskFreeGiB: number;
  tools: Record<string, string>;
  loadAtStart: number[];
}

async function version(cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await spawnText(cmd, args);
    return stdout.trim().split('\n')[0];
  } catch (e) {
    return `unavailable (${(e as Error).message.slice(0, 80)})`;
  }
}

export async function describeMachine(dir: string): Promise<Machine> {
  const s = await statfs(dir);
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    diskFreeGiB: Math.round((s.bavail * s.bsize) / 2 ** 30),
    tools: {
      skopeo: await version('skopeo', ['--version']),
      umoci: await version('umoci', ['--version']),
      tar: await version('tar', ['--version']),
      chromium: await version('/usr/bin/chromium', ['--version']),
    },
    loadAtStart: loadavg(),
  };
}
