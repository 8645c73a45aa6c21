/**
 * Tests that only mean something as root (creating devices, keeping owners, running a command as
 * another user). CI runs them as root; anywhere else they fail with this message rather than
 * pass having checked less.
 */
const isRoot = process.getuid?.() === 0;

export function requireRoot(what: string): void {
  if (!isRoot) throw new Error(`needs root: ${what}. Run this test file as root (CI does), e.g. \`sudo -E pnpm --filter @peel/cli exec vitest run <file>\`.`);
}
