/**
 * Temporary folders for one test file, all under one root that test/helpers/setup.ts removes
 * after the file's tests (so runs do not pile up folders in /tmp).
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

let root: string | null = null;

export function tempDir(prefix: string): Promise<string> {
  if (!root) {
    root = mkdtempSync(path.join(tmpdir(), 'peel-cli-test-'));
    chmodSync(root, 0o755); // the unpack test that runs as nobody must get through
  }
  return mkdtemp(path.join(root, `${prefix}-`));
}

export async function removeTempDirs(): Promise<void> {
  if (root) await rm(root, { recursive: true, force: true });
  root = null;
}
