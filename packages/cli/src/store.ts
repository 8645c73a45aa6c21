/**
 * The blob store an invocation works in: a temporary FsBlobStore removed when the command ends
 * (and, as a last resort, when the process exits), or a kept one with --store DIR.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '@peel/engine';

const live = new Set<string>();
let exitHookInstalled = false;

export interface StoreHandle {
  store: FsBlobStore;
  /** True for a temporary store. */
  temporary: boolean;
  dispose(): Promise<void>;
}

export async function openStore(dir: string | undefined, env: Record<string, string | undefined>): Promise<StoreHandle> {
  if (dir) {
    const store = await new FsBlobStore(dir).init();
    await store.cleanTemp();
    return { store, temporary: false, dispose: async () => undefined };
  }
  const tmp = mkdtempSync(join(env.TMPDIR || tmpdir(), 'peel-'));
  live.add(tmp);
  installExitHook();
  const store = await new FsBlobStore(tmp).init();
  return {
    store,
    temporary: true,
    dispose: async () => {
      await rm(tmp, { recursive: true, force: true });
      live.delete(tmp);
    },
  };
}

/** A process killed mid-command (second Ctrl-C) still leaves no temp store behind. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const dir of live) rmSync(dir, { recursive: true, force: true });
  });
}
