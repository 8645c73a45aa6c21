/**
 * Byte-wise substring matching in SQL, as SQLite's `instr(CAST(lower(x) AS BLOB), pattern)`:
 * LATIN1 decodes every byte to one character (any byte sequence, UTF-8 or not, round-trips),
 * and lower() under COLLATE "C" changes ASCII letters only — as SQLite's lower() does.
 */
export const lowerBytes = (bytes: string): string => `lower(convert_from(${bytes}, 'LATIN1') COLLATE "C")`;
export const asChars = (bytes: string): string => `convert_from(${bytes}, 'LATIN1')`;
/** The absolute path ('/' + parent + '/' + name) of a (parent, name) row, as bytes. */
export const ABS_PATH = `('\\x2f'::bytea || CASE WHEN length(parent) = 0 THEN name ELSE parent || '\\x2f'::bytea || name END)`;
/**
 * The same bytes as IMMUTABLE text, for an index: encode(…, 'escape') writes NUL and bytes above
 * 0x7f as \ooo and a backslash as two, the rest as is; ASCII letters lowered. A byte string's
 * image holds the image of each of its substrings (escapedBytes gives a pattern's).
 */
export const escapedLower = (bytes: string): string => `lower(encode(${bytes}, 'escape') COLLATE "C")`;
/** What encode(bytes, 'escape') gives in PostgreSQL. */
export const escapedBytes = (bytes: Buffer): string =>
  [...bytes].map((b) => (b === 0x5c ? '\\\\' : b === 0 || b > 0x7f ? `\\${b.toString(8).padStart(3, '0')}` : String.fromCharCode(b))).join('');
