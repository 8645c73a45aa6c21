/** Permission bits as a grid a person can tick: who (owner, group, others) × what (read, write, execute). */

export type Who = 'owner' | 'group' | 'others';
export type What = 'read' | 'write' | 'execute';

export const WHO: readonly Who[] = ['owner', 'group', 'others'];
export const WHAT: readonly What[] = ['read', 'write', 'execute'];

const SHIFT: Record<Who, number> = { owner: 6, group: 3, others: 0 };
const VALUE: Record<What, number> = { read: 4, write: 2, execute: 1 };

/** The mask of one permission bit, e.g. (group, write) → 0o020. */
export function bitMask(who: Who, what: What): number {
  return VALUE[what] << SHIFT[who];
}

/** The special bits beside rwx, in the order `chmod` writes them. */
export const SPECIAL_BITS = [
  { mask: 0o4000, label: 'setuid', hint: 'runs as the file owner' },
  { mask: 0o2000, label: 'setgid', hint: 'runs as the file group; in folders, new files inherit the group' },
  { mask: 0o1000, label: 'sticky', hint: 'in folders, only owners may delete their files' },
] as const;

/** Sets or clears one bit of a mode. */
export function withBit(mode: number, mask: number, on: boolean): number {
  return on ? mode | mask : mode & ~mask;
}

/**
 * Reads an octal mode as typed ("644", "0755", "4755"); null when it is not 1–4 octal digits.
 * Only permission bits are returned (no file type).
 */
export function parseOctalMode(text: string): number | null {
  const trimmed = text.trim().replace(/^0o/i, '');
  if (!/^[0-7]{1,4}$/.test(trimmed)) return null;
  return Number.parseInt(trimmed, 8) & 0o7777;
}

/** An owner as typed: "1000", "1000:1000" or "0:0"; null when not numeric uid[:gid]. */
export function parseOwner(text: string, fallbackGid: number): { uid: number; gid: number } | null {
  const match = /^\s*(\d{1,10})\s*(?::\s*(\d{1,10})\s*)?$/.exec(text);
  if (!match) return null;
  const uid = Number(match[1]);
  const gid = match[2] === undefined ? fallbackGid : Number(match[2]);
  if (uid > 0xffffffff || gid > 0xffffffff) return null;
  return { uid, gid };
}
