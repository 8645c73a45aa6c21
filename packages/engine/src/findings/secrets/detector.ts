import type { FileClass } from './names.js';
import { isSecretName } from './names.js';
import { FAMILY, assignmentMatches, dedupe, hasKeyBody, pemHeader, shapeMatches, urlCredentialMatches, type LineMatch } from './rules.js';
import { isPlaceholder } from './values.js';

const DOTENV_LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;
const NPMRC_AUTH = /(?:^|:)(_authToken|_auth|_password)\s*=\s*(\S+)/;
const PYPIRC_PASSWORD = /^\s*password\s*[:=]\s*(\S+)/i;
const NETRC_PASSWORD = /\bpassword\s+(\S+)/;
const DOCKER_AUTH = /"(auth|identitytoken|password|registrytoken)"\s*:\s*"([^"]+)"/;

/**
 * Finds secrets line by line in one file of a given class. It keeps the little state a
 * multi-line secret needs: a PEM header waits for its base64 body on the next line, and a
 * GCP service-account JSON (`"type": "service_account"`) names the private key that follows.
 */
export class LineDetector {
  private pendingKey: { line: number; match: LineMatch } | null = null;
  private serviceAccount = false;

  constructor(private readonly cls: FileClass) {}

  /** A PEM header was seen and its body is still to come. */
  get pending(): boolean {
    return this.pendingKey !== null;
  }

  /**
   * The matches a line completes, each with the 1-based line it belongs to. `families` (FAMILY
   * bits) says what the line holds; rules that need something else are not run.
   */
  scan(line: string, no: number, families: number = FAMILY.all): Array<{ line: number; match: LineMatch }> {
    const out: Array<{ line: number; match: LineMatch }> = [];
    // Encrypted PEM keys put `Proc-Type:`/`DEK-Info:` headers before the body.
    if (this.pendingKey && line.trim() !== '' && !/^[A-Za-z-]+:/.test(line)) {
      if (hasKeyBody(line)) out.push(this.pendingKey);
      this.pendingKey = null;
    }
    if (families & FAMILY.word && /"type"\s*:\s*"service_account"/.test(line)) this.serviceAccount = true;
    const pem = families & FAMILY.pem ? pemHeader(line) : null;
    if (pem) {
      const preview = `-----BEGIN ${pem.label}----- [key body hidden]`;
      const match: LineMatch = this.serviceAccount
        ? { kind: 'gcp-service-account', title: 'GCP service-account private key', name: 'private_key', value: pem.label, start: pem.start, preview }
        : { kind: 'private-key', title: `${pem.label.toLowerCase().replace(' block', '')} (PEM)`, name: null, value: pem.label, start: pem.start, preview };
      if (hasKeyBody(pem.rest)) out.push({ line: no, match });
      else this.pendingKey = { line: no, match };
    }
    for (const match of this.lineMatches(line, families)) out.push({ line: no, match });
    return out;
  }

  private lineMatches(line: string, families: number): LineMatch[] {
    if (line.length === 0) return [];
    const found = shapeMatches(line, families);
    if (families & FAMILY.word) found.push(...this.classMatches(line));
    if (families & FAMILY.url) found.push(...urlCredentialMatches(line, this.cls !== 'git-credentials'));
    if (families & FAMILY.word && this.cls !== 'dotenv') found.push(...assignmentMatches(line, this.cls === 'code' ? 'random-quoted' : 'random'));
    return dedupe(found);
  }

  private classMatches(line: string): LineMatch[] {
    const at = (m: RegExpExecArray, group: number) => m.index + m[0].lastIndexOf(m[group]);
    switch (this.cls) {
      case 'dotenv': {
        if (/^\s*#/.test(line)) return [];
        const m = DOTENV_LINE.exec(line);
        if (!m) return [];
        const value = unquote(m[2]);
        if (!isSecretName(m[1]) || value.length < 4 || isPlaceholder(value)) return [];
        return [{ kind: 'dotenv', title: `${m[1]} in a .env file`, name: m[1], value, start: line.indexOf(value, m.index + m[1].length) }];
      }
      case 'npmrc': {
        const m = NPMRC_AUTH.exec(line);
        return m && !isPlaceholder(m[2]) ? [{ kind: 'registry-auth', title: `npm registry ${m[1]}`, name: m[1], value: m[2], start: at(m, 2) }] : [];
      }
      case 'pypirc': {
        const m = PYPIRC_PASSWORD.exec(line);
        return m && !isPlaceholder(m[1]) ? [{ kind: 'registry-auth', title: 'PyPI password', name: 'password', value: m[1], start: at(m, 1) }] : [];
      }
      case 'netrc': {
        const m = NETRC_PASSWORD.exec(line);
        return m && !isPlaceholder(m[1]) ? [{ kind: 'netrc-password', title: '.netrc password', name: 'password', value: m[1], start: at(m, 1) }] : [];
      }
      case 'docker-config': {
        const m = DOCKER_AUTH.exec(line);
        return m && !isPlaceholder(m[2]) ? [{ kind: 'registry-auth', title: `registry login ("${m[1]}") in a Docker config`, name: m[1], value: m[2], start: at(m, 2) }] : [];
      }
      default:
        return [];
    }
  }
}

/** A .env value without its quotes or trailing comment. */
function unquote(raw: string): string {
  const v = raw.trim();
  const q = /^(["'])(.*)\1/.exec(v);
  if (q) return q[2];
  return v.replace(/\s+#.*$/, '');
}
