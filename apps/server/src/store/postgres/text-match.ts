/**
 * Byte-wise substring matching in SQL, as SQLite's `instr(CAST(lower(x) AS BLOB), pattern)`:
 * LATIN1 decodes every byte to one character (any byte sequence, UTF-8 or not, round-trips),
 * and lower() under COLLATE "C" changes ASCII letters only — as SQLite's lower() does.
 */
export const lowerBytes = (bytes: string): string => `lower(convert_from(${bytes}, 'LATIN1') COLLATE "C")`;
export const asChars = (bytes: string): string => `convert_from(${bytes}, 'LATIN1')`;
/** The absolute path ('/' + parent + '/' + name) of a (parent, name) row, as bytes. */
export const ABS_PATH = `('\\x2f'::bytea || CASE WHEN length(parent) = 0 THEN name ELSE parent || '\\x2f'::bytea || name END)`;
