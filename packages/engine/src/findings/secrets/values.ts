/** Judging and masking candidate secret values. */

/** Shannon entropy in bits per character. */
export function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const PLACEHOLDER_WORDS = new Set([
  'changeme', 'change-me', 'change_me', 'password', 'passwd', 'secret', 'token', 'example', 'sample', 'dummy', 'placeholder',
  'xxx', 'xxxx', 'xxxxxx', 'none', 'null', 'nil', 'undefined', 'true', 'false', 'yes', 'no', 'empty', 'redacted', 'todo', 'fixme',
  'your-token', 'your_token', 'your-key', 'your_key', 'your-secret', 'your_secret', 'your-password', 'your_password', 'mypassword',
  'string', 'required', 'optional', 'default', 'test', 'testing', 'pass', 'admin', 'root', 'guest', 'user', 'username',
]);

/**
 * A value that only stands for a secret: a word like `changeme`, a run of one character
 * (`****`, `xxxx`), a reference to somewhere else (`$VAR`, `${VAR}`, `{{ .x }}`, `%(x)s`, `<key>`,
 * `/run/secrets/x`), or code that computes it (`os.getenv(…)`).
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim().replace(/^["']|["']$/g, '');
  if (v.length === 0) return true;
  if (PLACEHOLDER_WORDS.has(v.toLowerCase())) return true;
  if (/^(.)\1*$/.test(v)) return true;
  if (/^[$%<{[]|\{\{|\$\{|\$\(|^\/(run|var\/run)\/secrets\//.test(v)) return true;
  if (/[()]|process\.env|os\.environ|getenv|ENV\[|secrets\./i.test(v)) return true;
  if (/^(your|my|some|insert|enter|put)[-_ ]/i.test(v) || /[-_](here|goes[-_]here)$/i.test(v)) return true;
  return false;
}

/**
 * Looks like a generated secret rather than a word, a setting or a name in code: long enough,
 * letters and digits mixed, varied characters, not a dotted identifier (`spec.tokenTable`).
 */
export function looksRandom(value: string): boolean {
  if (value.length < 12) return false;
  if (!/\d/.test(value) || !/[a-z]/i.test(value)) return false;
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value) || /[<>[\]{}!$%]/.test(value)) return false;
  if (/^(https?|file):\/\//i.test(value) || /^\.?\.?\//.test(value)) return false;
  return entropy(value) >= 3.5;
}

/** The value with all but a short prefix hidden: `sk_t************`. */
export function maskValue(value: string): string {
  const shown = value.length >= 16 ? 4 : value.length >= 8 ? 2 : 0;
  return value.slice(0, shown) + '*'.repeat(Math.min(12, Math.max(4, value.length - shown)));
}

const PREVIEW_WIDTH = 120;

/** The line around a value, the value masked, cut to a readable width. */
export function maskedPreview(line: string, start: number, value: string): string {
  const masked = line.slice(0, start) + maskValue(value) + line.slice(start + value.length);
  const text = masked.replace(/\s+/g, ' ').trim();
  if (text.length <= PREVIEW_WIDTH) return text;
  const at = Math.max(0, text.indexOf(maskValue(value)) - 40);
  return `${at > 0 ? '…' : ''}${text.slice(at, at + PREVIEW_WIDTH)}…`;
}
