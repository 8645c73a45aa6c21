/**
 * Image references as Docker spells them: `host[:port]/repo[:tag][@sha256:…]`, Docker Hub's short
 * names (`alpine` → registry-1.docker.io/library/alpine:latest), an optional `docker://` prefix.
 * The grammar is distribution's reference package's, so a name Docker accepts parses here.
 */
import type { ImageReference } from './types.js';
import { RegistryError } from './errors.js';

export const DOCKER_HUB = 'registry-1.docker.io';
/** Names of Docker Hub that users and Docker configs write. */
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::([0-9]{1,5}))?$/;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const MAX_NAME = 255;

const bad = (text: string, why: string) => new RegistryError('BAD_REFERENCE', `${JSON.stringify(text)} is not an image reference: ${why}`);

/** `docker.io` and its aliases become registry-1.docker.io; other hosts stay as written. */
export function normalizeRegistry(host: string): string {
  const lower = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? DOCKER_HUB : host;
}

export const isDigest = (text: string): boolean => DIGEST.test(text);

/** Checks a digest's form (sha256 or sha512, lowercase hex); throws BAD_REFERENCE. */
export function checkDigest(digest: string): string {
  if (!DIGEST.test(digest)) {
    throw new RegistryError('BAD_REFERENCE', `${JSON.stringify(digest)} is not a digest (sha256:<64 hex> or sha512:<128 hex>)`);
  }
  return digest;
}

function splitName(text: string, name: string): { registry: string; repository: string } {
  if (name === '') throw bad(text, 'the repository name is empty');
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  // The first component is a host when it looks like one (a dot, a port, or localhost), as Docker decides.
  const hasHost = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['));
  let registry = hasHost ? first : DOCKER_HUB;
  let repository = hasHost ? name.slice(slash + 1) : name;
  if (hasHost) {
    const m = HOST.exec(first);
    if (!m) throw bad(text, `${JSON.stringify(first)} is not a registry host[:port]`);
    if (m[1] !== undefined && (Number(m[1]) < 1 || Number(m[1]) > 65535)) throw bad(text, `port ${m[1]} is out of range`);
    registry = normalizeRegistry(first);
  }
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  for (const component of repository.split('/')) {
    if (component === '') throw bad(text, 'a path component of the repository is empty');
    if (!COMPONENT.test(component)) {
      throw bad(text, /[A-Z]/.test(component)
        ? `repository names must be lowercase (${JSON.stringify(component)})`
        : `${JSON.stringify(component)} is not a valid repository path component (lowercase letters, digits, and . _ __ - between them)`);
    }
  }
  if (repository.length > MAX_NAME) throw bad(text, `the repository name is longer than ${MAX_NAME} characters`);
  return { registry, repository };
}

/** Parses `[docker://]host[:port]/repo[:tag][@digest]`; a reference without tag or digest gets `latest`. */
export function parseReference(input: string): ImageReference {
  const text = input.trim();
  let rest = text;
  if (rest.startsWith('docker://')) rest = rest.slice('docker://'.length);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) throw bad(text, 'only the docker:// transport is a registry reference');
  if (rest === '') throw bad(text, 'it is empty');
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const d = rest.slice(at + 1);
    if (!DIGEST.test(d)) throw bad(text, `${JSON.stringify(d)} is not a digest (sha256:<64 hex> or sha512:<128 hex>)`);
    digest = d;
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(text, `${JSON.stringify(tag)} is not a valid tag (letters, digits, _ . -, at most 128, not starting with . or -)`);
  }
  const { registry, repository } = splitName(text, rest);
  if (tag === null && digest === null) tag = 'latest';
  return { registry, repository, tag, digest };
}

/** Parses a repository without tag or digest (`host/repo`, `alpine`): what a tag list names. */
export function parseRepository(input: string): Omit<ImageReference, 'tag' | 'digest'> {
  const text = input.trim();
  const name = text.replace(/^docker:\/\//, '');
  if (name.includes('@') || name.lastIndexOf(':') > name.lastIndexOf('/')) throw bad(text, 'a repository has no tag or digest');
  const { registry, repository } = parseReference(text);
  return { registry, repository };
}

/** The reference written back out; `parseReference(formatReference(r))` gives r again. */
export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== null ? `:${ref.tag}` : ''}${ref.digest !== null ? `@${ref.digest}` : ''}`;
}
