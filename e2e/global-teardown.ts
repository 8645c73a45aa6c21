import { rm } from 'node:fs/promises';

/** Removes the throwaway data directory the test server used. */
export default async function globalTeardown(): Promise<void> {
  const dir = process.env.PEEL_E2E_DATA;
  if (dir && dir.includes('peel-e2e-')) await rm(dir, { recursive: true, force: true });
}
