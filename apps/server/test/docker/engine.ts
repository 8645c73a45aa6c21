/**
 * The real Docker engine the Docker tests drive: the private dockerd of scripts/dockerd.sh
 * (started if it is not running), and its CLI for the steps a person would take by hand.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../../../..');

/** Starts (or reuses) the private engine and returns its DOCKER_HOST. */
export async function startDockerd(): Promise<string> {
  const { stdout } = await run('bash', [resolve(REPO, 'scripts/dockerd.sh'), 'start'], { cwd: REPO });
  const host = stdout.trim().split('\n').pop() ?? '';
  if (!host.startsWith('unix://')) throw new Error(`scripts/dockerd.sh start printed no DOCKER_HOST (${JSON.stringify(stdout)})`);
  return host;
}

/** The docker CLI against that engine; resolves with stdout. */
export async function dockerCli(host: string, args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { env: { ...process.env, DOCKER_HOST: host }, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** A repository name no other test (or person) uses, so parallel suites never share a tag. */
export const uniqueRepo = (what: string): string => `peel-test/${what}-${randomBytes(4).toString('hex')}`;

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 20_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
