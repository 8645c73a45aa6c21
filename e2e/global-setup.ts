import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Starts the private Docker engine the export tests load their downloads into (or finds it
 * running). Tests read its address from PEEL_E2E_DOCKER_HOST; when it cannot start, the reason
 * is in PEEL_E2E_DOCKER_ERROR and only the tests that need Docker fail, with that reason.
 */
export default async function globalSetup(): Promise<void> {
  try {
    const out = execFileSync('bash', ['scripts/dockerd.sh', 'start'], { cwd: root, encoding: 'utf8', timeout: 90_000, stdio: ['ignore', 'pipe', 'pipe'] });
    process.env.PEEL_E2E_DOCKER_HOST = out.trim().split('\n').pop();
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    process.env.PEEL_E2E_DOCKER_ERROR = (e.stderr || e.message).trim();
  }
}
