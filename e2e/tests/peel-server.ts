import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The test runner sets NO_COLOR and FORCE_COLOR=0 for its own output; Node warns about that pair
 * in every process it starts, which would read as a warning of the server's own.
 */
const QUIET_COLOURS = { NO_COLOR: '1', FORCE_COLOR: undefined };

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface PeelServer {
  url: string;
  /** Everything the server wrote to stderr so far (Node's process warnings land there). */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * A Peel server of this test's own, on a free loopback port, serving the UI the shared test
 * server built, with its own data and the DOCKER_HOST given (a Docker test must not depend on
 * the environment the shared server happened to start with), and any other variables given.
 */
export async function startPeel(env: { DOCKER_HOST: string } & Record<string, string>): Promise<PeelServer> {
  const data = await mkdtemp(join(tmpdir(), 'peel-e2e-docker-'));
  const child = spawn(join(root, 'apps/server/node_modules/.bin/tsx'), ['--conditions=source', 'src/main.ts'], {
    cwd: join(root, 'apps/server'),
    env: { ...process.env, ...env, ...QUIET_COLOURS, PORT: '0', HOST: '127.0.0.1', PEEL_DATA_DIR: data, PEEL_WEB_DIST: join(root, 'apps/web/dist') },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: stopping it stops tsx's node child too.
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await listening(child);
  return {
    url,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.pid) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(-child.pid, 'SIGTERM');
        await exited;
      }
      await rm(data, { recursive: true, force: true });
    },
  };
}

/** Resolves with the address from the server's "peel listening on …" line. */
function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`the Peel server did not start in 60 s: ${err || out}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /peel listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Peel server exited (${code}): ${err || out}`));
    });
  });
}
