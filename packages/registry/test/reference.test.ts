import { describe, expect, it } from 'vitest';
import { formatReference, parseReference, parseRepository, RegistryError } from '../src/index.js';

const D = `sha256:${'ab'.repeat(32)}`;

describe('parseReference', () => {
  it.each([
    ['alpine', 'registry-1.docker.io', 'library/alpine', 'latest', null],
    ['alpine:3.19', 'registry-1.docker.io', 'library/alpine', '3.19', null],
    ['docker.io/alpine', 'registry-1.docker.io', 'library/alpine', 'latest', null],
    ['index.docker.io/library/alpine:edge', 'registry-1.docker.io', 'library/alpine', 'edge', null],
    ['docker://bitnami/redis', 'registry-1.docker.io', 'bitnami/redis', 'latest', null],
    ['ghcr.io/team/app/sub:1.4', 'ghcr.io', 'team/app/sub', '1.4', null],
    ['127.0.0.1:5000/test/x:v1', '127.0.0.1:5000', 'test/x', 'v1', null],
    ['localhost/app', 'localhost', 'app', 'latest', null],
    ['localhost:5000/app', 'localhost:5000', 'app', 'latest', null],
    ['[::1]:5000/app:2', '[::1]:5000', 'app', '2', null],
    [`registry.example:5000/team/app@${D}`, 'registry.example:5000', 'team/app', null, D],
    [`registry.example:5000/team/app:1.4@${D}`, 'registry.example:5000', 'team/app', '1.4', D],
    ['host.example/a__b/c-d/e.f_g:T_1', 'host.example', 'a__b/c-d/e.f_g', 'T_1', null],
  ])('%s', (text, registry, repository, tag, digest) => {
    expect(parseReference(text)).toEqual({ registry, repository, tag, digest });
  });

  it('reads the first component as a repository path when it is no host', () => {
    // "team" has no dot, port or localhost: Docker reads it as Docker Hub's user "team".
    expect(parseReference('team/app')).toMatchObject({ registry: 'registry-1.docker.io', repository: 'team/app' });
  });

  it.each([
    ['', /empty/],
    ['Alpine', /lowercase/],
    ['host.example/Team/app', /lowercase/],
    ['host.example//app', /empty/],
    ['host.example/app:', /not a valid tag/],
    ['host.example/app:-x', /not a valid tag/],
    [`host.example/app:${'t'.repeat(129)}`, /not a valid tag/],
    ['host.example/app@sha256:abc', /not a digest/],
    [`host.example/app@md5:${'a'.repeat(32)}`, /not a digest/],
    ['host.example:99999/app', /out of range/],
    ['bad_host.example:5000/app', /registry host/],
    ['oci:layout/app', /is not a registry host/],
    ['https://host.example/app', /only the docker:\/\/ transport/],
    ['host.example/a--b_/c', /not a valid repository path component/],
    [`host.example/${'a'.repeat(256)}`, /longer than 255/],
  ])('refuses %j', (text, message) => {
    expect(() => parseReference(text)).toThrow(RegistryError);
    expect(() => parseReference(text)).toThrow(message);
  });

  it('gives BAD_REFERENCE errors that quote the input', () => {
    try {
      parseReference('Upper/Case');
      expect.unreachable();
    } catch (e) {
      expect((e as RegistryError).code).toBe('BAD_REFERENCE');
      expect((e as RegistryError).message).toContain('"Upper/Case"');
    }
  });

  it('round-trips through formatReference', () => {
    for (const text of ['alpine', `ghcr.io/team/app:1@${D}`, `127.0.0.1:5000/x@${D}`, '[::1]:5000/app:2']) {
      const ref = parseReference(text);
      expect(parseReference(formatReference(ref))).toEqual(ref);
    }
    expect(formatReference(parseReference('alpine'))).toBe('registry-1.docker.io/library/alpine:latest');
  });
});

describe('parseRepository', () => {
  it('takes a repository without tag or digest', () => {
    expect(parseRepository('alpine')).toEqual({ registry: 'registry-1.docker.io', repository: 'library/alpine' });
    expect(parseRepository('docker://127.0.0.1:5000/test/x')).toEqual({ registry: '127.0.0.1:5000', repository: 'test/x' });
  });
  it.each(['alpine:3', `127.0.0.1:5000/x@${D}`])('refuses %s', (text) => {
    expect(() => parseRepository(text)).toThrow(/no tag or digest/);
  });
});
