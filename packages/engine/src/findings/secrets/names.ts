import { baseName } from '../../layer/normalize.js';

/**
 * How a file is read for secrets, decided by its path alone:
 * - credential stores (`.env`, `.npmrc`, …) have their own line rules and are read anywhere;
 * - `key` files are read even when they look binary;
 * - `text` files (configuration, scripts) get the token-shape and high-entropy rules;
 * - `code` (source files) too, but an assigned value must be a quoted literal.
 */
export type FileClass = 'dotenv' | 'npmrc' | 'pypirc' | 'netrc' | 'git-credentials' | 'docker-config' | 'key' | 'text' | 'code';

/** Credential stores: scanned wherever they are, whatever their size up to the read limit. */
const STORES: ReadonlySet<FileClass> = new Set(['dotenv', 'npmrc', 'pypirc', 'netrc', 'git-credentials', 'docker-config']);
export const isCredentialStore = (c: FileClass): boolean => STORES.has(c);

const TEXT_EXTENSIONS = new Set(['conf', 'cfg', 'cnf', 'ini', 'json', 'yaml', 'yml', 'toml', 'properties', 'xml', 'tfvars', 'tf', 'hcl', 'env', 'sh', 'bash', 'zsh', 'ps1', 'sql']);
const CODE_EXTENSIONS = new Set(['py', 'js', 'mjs', 'cjs', 'ts', 'rb', 'php', 'pl', 'go', 'java', 'kt', 'cs', 'rs', 'lua', 'exs']);
const TEXT_NAMES = new Set(['dockerfile', 'makefile', 'procfile', 'containerfile', 'credentials', '.htpasswd', '.pgpass', '.my.cnf', '.s3cfg', '.boto', 'authorized_keys']);
const KEY_EXTENSIONS = new Set(['pem', 'key', 'p8', 'ppk', 'keystore']);

/**
 * Third-party trees that a build installs rather than writes: package managers' files, language
 * runtimes and their test data (Go's crypto tests hold real-looking private keys). Only credential
 * stores are read there.
 */
const SKIPPED_PREFIXES = ['proc/', 'sys/', 'dev/', 'usr/share/', 'usr/lib/', 'usr/lib64/', 'lib/', 'lib64/', 'usr/include/', 'usr/local/lib/',
  'usr/local/go/', 'usr/local/include/', 'usr/local/share/', 'var/lib/dpkg/', 'var/lib/apt/', 'var/lib/apk/', 'var/lib/rpm/', 'var/cache/', 'var/log/'];
const SKIPPED_SEGMENTS = new Set(['node_modules', 'site-packages', 'dist-packages', '__pycache__', '.git', 'testdata', 'vendor', '.cache', '.npm', '.cargo', '.rustup', '.m2', '.gradle']);

function skippedTree(path: string): boolean {
  if (SKIPPED_PREFIXES.some((p) => path.startsWith(p)) || /(^|\/)pkg\/mod\//.test(path)) return true;
  const parts = path.split('/');
  for (let i = 0; i < parts.length - 1; i++) if (SKIPPED_SEGMENTS.has(parts[i])) return true;
  return false;
}

/** The class of a file, or null when it is not worth reading. */
export function classifyPath(path: string): FileClass | null {
  const name = baseName(path).toLowerCase();
  const store = storeClass(path.toLowerCase(), name);
  if (store) return store;
  if (skippedTree(path)) return null;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1) : '';
  if (/^id_(rsa|dsa|ecdsa|ed25519)$/.test(name) || /^ssh_host_.*_key$/.test(name) || KEY_EXTENSIONS.has(ext)) return 'key';
  if (CODE_EXTENSIONS.has(ext)) return 'code';
  if (name.startsWith('.env') || TEXT_EXTENSIONS.has(ext) || TEXT_NAMES.has(name) || /^docker-compose/.test(name)) return 'text';
  if (/(secret|credential|passw(or)?d|token|api[-_]?key)/.test(name)) return 'text';
  if (path.startsWith('etc/') && ext !== 'so' && !name.endsWith('.pub')) return 'text';
  return null;
}

function storeClass(lowerPath: string, name: string): FileClass | null {
  if (name === '.env' || /^\.env\.(?!(example|sample|template|dist|defaults?)$)/.test(name) || (name.endsWith('.env') && name.length > 4)) return 'dotenv';
  if (name === '.npmrc' || name === 'npmrc') return 'npmrc';
  if (name === '.pypirc') return 'pypirc';
  if (name === '.netrc' || name === '_netrc') return 'netrc';
  if (name === '.git-credentials' || lowerPath.endsWith('git/credentials')) return 'git-credentials';
  if (lowerPath.endsWith('.docker/config.json') || lowerPath.endsWith('containers/auth.json')) return 'docker-config';
  return null;
}

/** Words that are never secrets when a name ends with them: the secret's file, its id, its length… */
const NOT_SECRET_SUFFIX = new Set(['FILE', 'PATH', 'DIR', 'URL', 'URI', 'HOST', 'PORT', 'USER', 'USERNAME', 'NAME', 'ID', 'VERSION', 'SHA', 'SHA1',
  'SHA256', 'SHA512', 'CHECKSUM', 'HASH', 'LENGTH', 'LEN', 'SIZE', 'TYPE', 'EXPIRY', 'EXPIRES', 'TTL', 'TIMEOUT', 'HEADER', 'FIELD', 'PARAM',
  'PREFIX', 'ENDPOINT', 'REGION', 'FORMAT', 'ALGORITHM', 'MODE', 'POLICY', 'ENABLED', 'DISABLED', 'REQUIRED', 'MIN', 'MAX', 'COUNT']);
const NOT_SECRET_WORD = /GPG|PGP|PUBLIC|PUBKEY|FINGERPRINT|KEYSERVER|KEYRING|KEYBOARD|KEYMAP|KEYID|HOTKEY|MONKEY|TURKEY|DONKEY|PASSENGER|PASSTHROUGH|PASSIVE|BYPASS|COMPASS/;
const SECRET_WORDS = new Set(['PASSWORD', 'PASSWD', 'PWD', 'PASS', 'PASSPHRASE', 'SECRET', 'SECRETS', 'TOKEN', 'APIKEY', 'KEY', 'AUTH',
  'CREDENTIAL', 'CREDENTIALS', 'PRIVATEKEY', 'AUTHTOKEN', 'ACCESSKEY', 'SECRETKEY', 'CLIENTSECRET']);

/** `DB_PASSWORD`, `apiKey`, `aws_secret_access_key`, `STRIPE_KEY`: a name that holds a secret. */
export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  if (NOT_SECRET_WORD.test(upper)) return false;
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean);
  if (words.length === 0) return false;
  if (NOT_SECRET_SUFFIX.has(words[words.length - 1])) return false;
  return words.some((w) => SECRET_WORDS.has(w));
}
