import type { EntryType } from '@peel/api';

const TYPE_CHAR: Record<EntryType, string> = {
  file: '-',
  hardlink: '-',
  dir: 'd',
  symlink: 'l',
  char: 'c',
  block: 'b',
  fifo: 'p',
  whiteout: '-',
  opaque: '-',
};

/**
 * `ls -l` permission string: (type 'dir', 0o755) → "drwxr-xr-x". setuid/setgid show as s/S in the
 * owner/group execute slot, sticky as t/T in the other execute slot (capital when not executable).
 */
export function modeString(type: EntryType, mode: number): string {
  const bit = (mask: number, char: string) => (mode & mask ? char : '-');
  const exec = (execMask: number, specialMask: number, special: string) => {
    const x = (mode & execMask) !== 0;
    if (mode & specialMask) return x ? special : special.toUpperCase();
    return x ? 'x' : '-';
  };
  return (
    TYPE_CHAR[type] +
    bit(0o400, 'r') + bit(0o200, 'w') + exec(0o100, 0o4000, 's') +
    bit(0o040, 'r') + bit(0o020, 'w') + exec(0o010, 0o2000, 's') +
    bit(0o004, 'r') + bit(0o002, 'w') + exec(0o001, 0o1000, 't')
  );
}

/** Four-digit octal: 0o4755 → "4755". */
export function modeOctal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** True when the mode carries setuid, setgid or sticky: worth a visual hint. */
export function hasSpecialBits(mode: number): boolean {
  return (mode & 0o7000) !== 0;
}
