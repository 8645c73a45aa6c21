import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The Docker engine global-setup started; throws its start-up error when there is none. */
export function dockerHost(): string {
  const host = process.env.PEEL_E2E_DOCKER_HOST;
  if (!host) throw new Error(`No Docker engine for this test: ${process.env.PEEL_E2E_DOCKER_ERROR ?? 'global setup did not run'}`);
  return host;
}

/** Runs the docker CLI against that engine; resolves to stdout, rejects with stderr. */
export async function docker(args: string[], timeoutMs = 120_000): Promise<string> {
  try {
    const { stdout } = await run('docker', args, { env: { ...process.env, DOCKER_HOST: dockerHost() }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`docker ${args.join(' ')} failed: ${(e.stderr || e.message).trim()}`);
  }
}

/** `docker load -i FILE`: the references it loaded ("Loaded image: …" lines). */
export async function dockerLoad(file: string): Promise<string[]> {
  const out = await docker(['load', '-i', file]);
  return [...out.matchAll(/^Loaded image(?: ID)?: (\S+)$/gm)].map((m) => m[1]);
}

/** A name:tag no other run uses, so parallel or repeated runs never meet in the engine. */
export function uniqueTag(name: string): string {
  return `${name}:e2e-${process.pid}-${Date.now().toString(36)}`;
}
