/**
 * Reads from the real registry in each auth mode, checked against skopeo: manifest bytes and
 * digests (`skopeo inspect --raw` / `skopeo inspect`), the platform picked from an index, config
 * and layer blobs (sha256 of the streamed bytes against the layer list), tag lists.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createRegistryClient, dockerConfigCredentials, parseReference, type RegistryClientImpl, type RegistryError } from '../../src/index.js';
import { MODES, SEEDED, clientOptions, dockerLogin, run, runText, skopeoFlags, type TestRegistry, scratch } from './tools.js';

const registries = inject('registries');

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function skopeo(reg: TestRegistry, args: string[], image: string): Promise<Buffer> {
  return run('skopeo', [...args, ...skopeoFlags(reg, 'plain'), `docker://${reg.host}/${image}`]);
}

describe.each(MODES)('reading from the %s registry', (mode) => {
  const reg = registries[mode];
  const client: RegistryClientImpl = createRegistryClient(clientOptions(reg));
  afterAll(() => client.close());
  const ref = (image: string) => parseReference(`${reg.host}/${image}`);

  it.each([SEEDED.tiny, SEEDED.multi, SEEDED.multiarch, SEEDED.multiarchV2s2])('fetches the manifest of %s as skopeo reads it', async (image) => {
    const raw = await skopeo(reg, ['inspect', '--raw'], image);
    const manifest = await client.manifest(ref(image));
    expect(manifest.bytes.equals(raw)).toBe(true);
    expect(manifest.digest).toBe(sha256(raw));
    expect(manifest.mediaType).toBe(JSON.parse(raw.toString()).mediaType);
    const byDigest = await client.manifest({ ...ref(image), tag: null, digest: manifest.digest });
    expect(byDigest.bytes.equals(raw)).toBe(true);
  });

  it('reads an image manifest\'s layers and config, as skopeo inspect lists them', async () => {
    const inspect = JSON.parse(await skopeo(reg, ['inspect'], SEEDED.multi).then(String)) as { Digest: string; Layers: string[] };
    const manifest = await client.resolveImage(ref(SEEDED.multi));
    expect(manifest.digest).toBe(inspect.Digest);
    expect(manifest.image!.layers.map((l) => l.digest)).toEqual(inspect.Layers);
    expect(manifest.image!.layers).toHaveLength(13);
    expect(manifest.index).toBeNull();
  });

  it.each([
    [SEEDED.multiarch, 'arm64'],
    [SEEDED.multiarch, 'amd64'],
    [SEEDED.multiarchV2s2, 'arm64'],
  ])('picks the %s image for linux/%s from the index, as skopeo copy --override-arch does', async (image, arch) => {
    // skopeo copies the one platform's manifest, unchanged, into a dir: layout (manifest.json): the one skopeo chose.
    const dir = scratch('peel-registry-pick');
    await run('skopeo', ['--override-os', 'linux', '--override-arch', arch, 'copy', '-q', ...skopeoFlags(reg, 'src'), `docker://${reg.host}/${image}`, `dir:${dir}`]);
    const chosen = readFileSync(path.join(dir, 'manifest.json'));
    const manifest = await client.resolveImage(ref(image), { os: 'linux', architecture: arch });
    expect(manifest.bytes.equals(chosen)).toBe(true);
    expect(manifest.digest).toBe(sha256(chosen));
    expect(manifest.image).not.toBeNull();
  });

  it('refuses a platform the index does not have, naming the ones it has', async () => {
    await expect(client.resolveImage(ref(SEEDED.multiarch), { os: 'linux', architecture: 's390x' })).rejects.toMatchObject({
      code: 'NO_SUCH_PLATFORM',
      message: expect.stringMatching(/linux\/amd64.*linux\/arm64|linux\/arm64.*linux\/amd64/),
    });
  });

  it('streams the config blob as skopeo inspect --config --raw gives it, and every layer to its digest', async () => {
    const manifest = await client.resolveImage(ref(SEEDED.multi));
    const config = await bytesOf(await client.blob(ref(SEEDED.multi), manifest.image!.config));
    expect(config.equals(await skopeo(reg, ['inspect', '--config', '--raw'], SEEDED.multi))).toBe(true);
    for (const layer of manifest.image!.layers) {
      const bytes = await bytesOf(await client.blob(ref(SEEDED.multi), layer));
      expect(bytes.length).toBe(layer.size);
      expect(sha256(bytes)).toBe(layer.digest);
    }
  });

  it('tells which blobs the repository holds', async () => {
    const manifest = await client.resolveImage(ref(SEEDED.multi));
    expect(await client.hasBlob(ref(SEEDED.multi), manifest.image!.layers[0]!.digest)).toBe(true);
    expect(await client.hasBlob(ref(SEEDED.multi), `sha256:${'0'.repeat(64)}`)).toBe(false);
  });

  it('lists tags as skopeo list-tags does', async () => {
    const listed = JSON.parse(await runText('skopeo', ['list-tags', ...skopeoFlags(reg, 'plain'), `docker://${reg.host}/test/tiny`])) as { Tags: string[] };
    const page = await client.tags({ registry: reg.host, repository: 'test/tiny' });
    expect(page.tags.sort()).toEqual(listed.Tags.sort());
    expect(page.tags).toEqual(['v1', 'v2']);
    expect(page.next).toBeNull();
    // distribution 2.8 ignores n and last: the client cuts the pages itself.
    expect(await client.tags({ registry: reg.host, repository: 'test/tiny' }, { n: 1 })).toEqual({ tags: ['v1'], next: 'v1' });
    expect(await client.tags({ registry: reg.host, repository: 'test/tiny' }, { n: 1, last: 'v1' })).toEqual({ tags: ['v2'], next: null });
  });

  it('answers NOT_FOUND for an unknown tag, with the registry\'s code', async () => {
    await expect(client.manifest(ref('test/tiny:nope'))).rejects.toMatchObject({ code: 'NOT_FOUND', registryCode: 'MANIFEST_UNKNOWN' });
  });
});

describe('credentials and auth modes', () => {
  it('basic: no credentials is UNAUTHORIZED; a wrong password is refused without being echoed', async () => {
    const reg = registries.basic;
    const anonymous = createRegistryClient();
    await expect(anonymous.manifest(parseReference(`${reg.host}/${SEEDED.tiny}`))).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/needs a user name and password/) });
    const wrong = createRegistryClient({ credentials: () => ({ username: 'alice', password: 'wrong-password-123' }) });
    const error = (await wrong.manifest(parseReference(`${reg.host}/${SEEDED.tiny}`)).catch((e: unknown) => e)) as RegistryError;
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toMatch(/refused the user name and password/);
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain('wrong-password-123');
    anonymous.close();
    wrong.close();
  });

  it('basic: credentials come from a Docker config written by `docker login`', async () => {
    const reg = registries.basic;
    const dir = await dockerLogin(reg, inject('dockerHost'));
    const client = createRegistryClient({ credentials: dockerConfigCredentials({ env: { DOCKER_CONFIG: dir } }) });
    const manifest = await client.manifest(parseReference(`${reg.host}/${SEEDED.tiny}`));
    expect(manifest.bytes.equals(await skopeo(reg, ['inspect', '--raw'], SEEDED.tiny))).toBe(true);
    client.close();
  });

  it('token: anonymous gets public/ repositories through the token flow, and nothing else (a bounded 401 loop)', async () => {
    const reg = registries.token;
    const client = createRegistryClient({ ca: clientOptions(reg).ca });
    const manifest = await client.manifest(parseReference(`${reg.host}/${SEEDED.publicTiny}`));
    expect(manifest.bytes.equals(await skopeo(reg, ['inspect', '--raw'], SEEDED.publicTiny))).toBe(true);
    await expect(client.manifest(parseReference(`${reg.host}/${SEEDED.tiny}`))).rejects.toMatchObject({ code: 'AUTH_LOOP', message: expect.stringMatching(/without credentials/) });
    client.close();
  });

  it('token: wrong credentials are refused by the token server', async () => {
    const reg = registries.token;
    const client = createRegistryClient({ ca: clientOptions(reg).ca, credentials: () => ({ username: 'alice', password: 'nope-nope' }) });
    await expect(client.manifest(parseReference(`${reg.host}/${SEEDED.tiny}`))).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/refused the credentials/) });
    client.close();
  });

  it('token: an identity token (OAuth2 refresh grant) works as a Docker config\'s identitytoken', async () => {
    const reg = registries.token;
    const dir = scratch('peel-docker-config');
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { [reg.host]: { identitytoken: reg.identityToken } } }));
    const client = createRegistryClient({ ca: clientOptions(reg).ca, credentials: dockerConfigCredentials({ env: { DOCKER_CONFIG: dir } }) });
    const manifest = await client.manifest(parseReference(`${reg.host}/${SEEDED.tiny}`));
    expect(manifest.bytes.equals(await skopeo(reg, ['inspect', '--raw'], SEEDED.tiny))).toBe(true);
    client.close();
  });

  it('token: one token per scope is fetched and reused until it expires', async () => {
    const reg = registries.token;
    // The token server's own count of issued tokens, read with curl over its TLS port.
    const stats = async () => (JSON.parse(await runText('curl', ['-sS', '--cacert', reg.ca!, reg.tokenUrl!.replace(/\/token$/, '/stats')])) as { issued: number }).issued;
    const client = createRegistryClient(clientOptions(reg));
    const before = await stats();
    await client.manifest(parseReference(`${reg.host}/${SEEDED.tiny}`));
    await client.manifest(parseReference(`${reg.host}/test/tiny:v2`));
    await client.hasBlob(parseReference(`${reg.host}/${SEEDED.tiny}`), `sha256:${'0'.repeat(64)}`);
    expect(await stats()).toBe(before + 1);
    await client.manifest(parseReference(`${reg.host}/${SEEDED.multi}`));
    expect(await stats()).toBe(before + 2);
    client.close();
  });

  it('token over TLS: without the CA the certificate is not trusted, and no plain-HTTP fallback happens', async () => {
    const reg = registries.token;
    const client = createRegistryClient({ credentials: clientOptions(reg).credentials });
    await expect(client.manifest(parseReference(`${reg.host}/${SEEDED.tiny}`))).rejects.toMatchObject({ code: 'TLS_FAILED', message: expect.stringMatching(/not trusted.*PEEL_REGISTRY_CA/) });
    client.close();
  });
});

describe('blobs served from a CDN (distribution\'s redirect middleware)', () => {
  const reg = registries.cdn;
  const cdnStats = async () => JSON.parse(await runText('curl', ['-sS', `${reg.cdnUrl}/__stats`])) as { requests: number; withAuthorization: number };

  it('follows the 307 to the CDN for every blob, never sending it the registry\'s credentials', async () => {
    const client = createRegistryClient(clientOptions(reg));
    const ref = parseReference(`${reg.host}/${SEEDED.multi}`);
    const inspect = JSON.parse(await skopeo(reg, ['inspect'], SEEDED.multi).then(String)) as { Layers: string[] };
    const before = await cdnStats();
    const manifest = await client.resolveImage(ref);
    for (const layer of manifest.image!.layers) expect(sha256(await bytesOf(await client.blob(ref, layer)))).toBe(layer.digest);
    expect(manifest.image!.layers.map((l) => l.digest)).toEqual(inspect.Layers);
    expect(await client.hasBlob(ref, manifest.image!.config.digest)).toBe(true);
    const after = await cdnStats();
    expect(after.requests - before.requests).toBe(manifest.image!.layers.length + 1);
    expect(after.withAuthorization).toBe(0);
    client.close();
  });
});
