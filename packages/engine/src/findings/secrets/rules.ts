import type { SecretKind } from '../types.js';
import { isSecretName } from './names.js';
import { isPlaceholder, looksRandom } from './values.js';

/** One secret found in a line of text. */
export interface LineMatch {
  kind: SecretKind;
  title: string;
  /** The name the value is assigned to, when there is one. */
  name: string | null;
  value: string;
  /** Where the value starts in the line. */
  start: number;
  /** A preview that shows nothing secret as it is (a PEM header); otherwise the line is masked. */
  preview?: string;
}

/**
 * What a line holds that a rule needs, as bits: a word of a secret's name, a URL, a PEM header,
 * a token prefix. The trigger pass (block-scan.ts) finds them, so a line runs only the rules
 * that can match it.
 */
export const FAMILY = { word: 1, url: 2, pem: 4, token: 8, all: 15 } as const;

interface ShapeRule {
  kind: SecretKind;
  title: string;
  re: RegExp;
  family: number;
}

/** Tokens whose shape alone says what they are (the providers' documented prefixes). */
const SHAPES: readonly ShapeRule[] = [
  { kind: 'aws-access-key', title: 'AWS access key ID', re: /\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b/g, family: FAMILY.token },
  { kind: 'github-token', title: 'GitHub token', re: /\b(gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{60,255})\b/g, family: FAMILY.token },
  { kind: 'gitlab-token', title: 'GitLab token', re: /\b((?:glpat|glrt|gldt|glptt)-[A-Za-z0-9_-]{20,})/g, family: FAMILY.token },
  { kind: 'slack-token', title: 'Slack token', re: /\b(xox[abposr]-[A-Za-z0-9-]{10,})/g, family: FAMILY.token },
  { kind: 'slack-webhook', title: 'Slack webhook URL', re: /(https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,})/g, family: FAMILY.url },
  { kind: 'stripe-key', title: 'Stripe secret key', re: /\b((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,})\b/g, family: FAMILY.token },
  { kind: 'npm-token', title: 'npm access token', re: /\b(npm_[A-Za-z0-9]{36})\b/g, family: FAMILY.token },
  { kind: 'google-api-key', title: 'Google API key', re: /\b(AIza[0-9A-Za-z_-]{35})/g, family: FAMILY.token },
  { kind: 'aws-secret-key', title: 'AWS secret access key', re: /aws_?secret_?access_?key["']?\s*[:=]+\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi, family: FAMILY.word },
];

const PEM = /-----BEGIN ((?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----/;
const BASE64_RUN = /[A-Za-z0-9+/]{24,}/;
const URL_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/([^\s:@/"'<>]+):([^\s@/"'<>]+)@[^\s"'<>]+/gi;
// Names are bounded (and start at a word's start): an unbounded name made long runs of letters cost quadratic time.
const ASSIGNMENT = /(?<![A-Za-z0-9_.])["']?([A-Za-z_][A-Za-z0-9_.-]{0,63})["']?\s*(?::=|=>|=|:)\s*(["']?)([^\s"'`,;]+)\2/g;

/** Shape matches anywhere in `text`. Documentation's own examples (`…EXAMPLE`) are left out. */
export function shapeMatches(text: string, families: number = FAMILY.all): LineMatch[] {
  const out: LineMatch[] = [];
  for (const rule of SHAPES) {
    if ((rule.family & families) === 0) continue;
    for (const m of text.matchAll(rule.re)) {
      const value = m[1];
      if (/EXAMPLE/i.test(value)) continue;
      out.push({ kind: rule.kind, title: rule.title, name: null, value, start: m.index + m[0].indexOf(value) });
    }
  }
  return out;
}

/** Hosts of documentation examples: `https://user:pass@example.com` teaches, it leaks nothing. */
const EXAMPLE_HOST = /^(?:[^@]*\.)?(?:example\.(?:com|org|net)|localhost|127\.0\.0\.1)(?:[:/]|$)/i;

/**
 * `scheme://user:password@host` with a real-looking password. In a credential store every entry
 * counts; elsewhere (`strict`) short passwords and example hosts are left out.
 */
export function urlCredentialMatches(text: string, strict = true): LineMatch[] {
  const out: LineMatch[] = [];
  for (const m of text.matchAll(URL_CREDENTIALS)) {
    const password = m[2];
    if (password.length < 3 || isPlaceholder(password)) continue;
    if (strict && (password.length < 6 || EXAMPLE_HOST.test(m[0].slice(m[0].lastIndexOf('@') + 1)))) continue;
    out.push({ kind: 'url-credentials', title: 'password in a URL', name: m[1], value: password, start: m.index + m[0].indexOf(`:${password}@`) + 1 });
  }
  return out;
}

/**
 * `NAME = value` where the name says secret and the value is a literal:
 * - 'any': any real value of 6 characters or more (build args and ENV in history);
 * - 'random': a generated-looking value (configuration files);
 * - 'random-quoted': the same, and quoted — in code an unquoted value is an expression.
 */
export function assignmentMatches(text: string, mode: 'any' | 'random' | 'random-quoted'): LineMatch[] {
  const out: LineMatch[] = [];
  for (const m of text.matchAll(ASSIGNMENT)) {
    const [, name, quote, value] = m;
    if (!isSecretName(name) || isPlaceholder(value)) continue;
    if (mode === 'any' ? value.length < 6 : !looksRandom(value) || (mode === 'random-quoted' && !quote)) continue;
    out.push({ kind: 'secret-assignment', title: `value of ${name}`, name, value, start: m.index + m[0].lastIndexOf(value) });
  }
  return out;
}

/** A PEM private-key header; `body` is where to look for the key's base64 (same line, for JSON strings). */
export function pemHeader(line: string): { label: string; start: number; rest: string } | null {
  const m = PEM.exec(line);
  return m ? { label: m[1], start: m.index, rest: line.slice(m.index + m[0].length) } : null;
}

export const hasKeyBody = (text: string): boolean => BASE64_RUN.test(text.replace(/\\n/g, '\n'));

/** Keeps the first match of each stretch of the line: specific rules come first, so they win. */
export function dedupe(matches: LineMatch[]): LineMatch[] {
  const kept: LineMatch[] = [];
  for (const m of matches) {
    const overlaps = kept.some((k) => m.start < k.start + k.value.length && k.start < m.start + m.value.length);
    if (!overlaps) kept.push(m);
  }
  return kept;
}
