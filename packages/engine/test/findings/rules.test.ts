import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { classifyPath, isSecretName } from '../../src/findings/secrets/names.js';
import { entropy, isPlaceholder, looksRandom, maskValue } from '../../src/findings/secrets/values.js';
import { readText } from '../../src/findings/secrets/read-text.js';
import { guessBaseImage } from '../../src/index.js';
import type { HistoryStep } from '../../src/index.js';

describe('secret names', () => {
  it.each(['DB_PASSWORD', 'apiKey', 'aws_secret_access_key', 'STRIPE_KEY', 'GITHUB_TOKEN', 'client-secret', 'BASIC_AUTH', 'passphrase'])('%s holds a secret', (n) => {
    expect(isSecretName(n)).toBe(true);
  });
  it.each(['GPG_KEY', 'PASSWORD_FILE', 'TOKEN_URL', 'KEY_ID', 'NODE_VERSION', 'PATH', 'PASSENGER_HOME', 'keyboard_layout', 'SSH_PUBLIC_KEY', 'AUTH_TYPE'])('%s does not', (n) => {
    expect(isSecretName(n)).toBe(false);
  });
});

describe('values', () => {
  it('tells placeholders and references from values', () => {
    for (const v of ['changeme', '${X}', '$X', '<token>', '{{ .x }}', '****', 'xxxxxxxx', '/run/secrets/db', 'os.getenv("X")', 'your_key_here', '']) expect(isPlaceholder(v)).toBe(true);
    for (const v of ['correct-horse-battery-staple', 'sk_test_FIXTURE_0123456789abcdef', 'Zm9vYmFyYmF6']) expect(isPlaceholder(v)).toBe(false);
  });
  it('measures randomness', () => {
    expect(entropy('aaaa')).toBe(0);
    expect(entropy('abcd')).toBe(2);
    expect(looksRandom('q8Fz1LmX0pT7vW3s')).toBe(true);
    expect(looksRandom('localhost-server')).toBe(false);
    expect(looksRandom('https://example.com/a/b/c')).toBe(false);
  });
  it('masks all but a short prefix, and says little about the length', () => {
    expect(maskValue('sk_test_FIXTURE_0123456789abcdef')).toBe('sk_t************');
    expect(maskValue('abc')).toBe('****');
  });
});

describe('which files are read', () => {
  it.each([
    ['app/.env', 'dotenv'], ['app/.env.production', 'dotenv'], ['app/prod.env', 'dotenv'], ['app/.env.example', 'text'],
    ['root/.npmrc', 'npmrc'], ['app/node_modules/x/.npmrc', 'npmrc'], ['root/.docker/config.json', 'docker-config'],
    ['root/.ssh/id_rsa', 'key'], ['etc/ssh/ssh_host_ed25519_key', 'key'], ['srv/tls.key', 'key'],
    ['app/config.yaml', 'text'], ['etc/os-release', 'text'], ['app/db-credentials.txt', 'text'],
  ])('%s → %s', (path, cls) => expect(classifyPath(path)).toBe(cls));
  it.each(['bin/busybox', 'usr/lib/x86_64-linux-gnu/libc.so.6', 'app/node_modules/x/index.js', 'usr/share/doc/a/copyright', 'root/.ssh/id_rsa.pub', 'app/logo.png', 'go/pkg/mod/x@v1/key.pem'])('%s is not read', (path) => {
    expect(classifyPath(path)).toBeNull();
  });
});

describe('readText', () => {
  const collect = async (chunks: Buffer[], limits = { maxBytes: 1 << 20, maxLine: 16, skipBinary: true }) => {
    const lines: Array<[number, string]> = [];
    const r = await readText(Readable.from(chunks) as AsyncIterable<Buffer>, limits, (block, first) => block.split('\n').forEach((l, i) => lines.push([first + i, l])));
    return { lines, r };
  };
  it('splits lines across chunk edges, as latin1 text whose bytes decode back to UTF-8', async () => {
    const text = Buffer.from('a=1\r\nnäme=ü\nlast');
    const chunks = Array.from({ length: text.length }, (_, i) => text.subarray(i, i + 1));
    const { lines } = await collect(chunks);
    expect(lines.map(([n, l]) => [n, Buffer.from(l, 'latin1').toString('utf8')])).toEqual([[1, 'a=1\r'], [2, 'näme=ü'], [3, 'last']]);
  });
  it('hands long lines over in overlapping pieces under one number', async () => {
    const { lines } = await collect([Buffer.from(`${'x'.repeat(600)}\nok\n`)], { maxBytes: 1 << 20, maxLine: 300, skipBinary: true });
    expect(lines.every(([n, l]) => (n === 1 ? l.length <= 300 : l === 'ok'))).toBe(true);
    expect(lines.at(-1)).toEqual([2, 'ok']);
  });
  it('stops at maxBytes and at a NUL byte in the first block', async () => {
    expect((await collect([Buffer.from('a\nb\nc\n')], { maxBytes: 3, maxLine: 100, skipBinary: true })).lines).toEqual([[1, 'a'], [2, 'b']]);
    const bin = await collect([Buffer.from('ELF\0x=1\n')]);
    expect(bin).toMatchObject({ lines: [], r: { binary: true } });
  });
});

describe('base image', () => {
  const step = (createdBy: string, layer: number | null, comment: string | null = null): HistoryStep => ({ created: null, createdBy, comment, author: null, emptyLayer: layer === null, layer });
  it('ends the base at its first CMD when layers follow (classic builder and BuildKit)', () => {
    expect(guessBaseImage([step('/bin/sh -c #(nop) ADD file:x in /', 0), step('/bin/sh -c #(nop)  CMD ["bash"]', null), step('RUN apt-get install -y x # buildkit', 1)]))
      .toMatchObject({ baseLayers: 1, lastBaseStep: 1, rule: 'first-cmd' });
    expect(guessBaseImage([step('ADD rootfs.tar /', 0), step('ENTRYPOINT ["/init"]', null), step('CMD ["x"]', null), step('COPY . /app', 1), step('CMD ["app"]', null)]))
      .toMatchObject({ baseLayers: 1, lastBaseStep: 1 });
  });
  it('uses buildah "FROM" comments when present, and gives up on an image that is its own base', () => {
    expect(guessBaseImage([step('ADD x /', 0), step('ADD y /', 1), step('RUN z', 2, 'FROM base:1')])).toMatchObject({ baseLayers: 2, rule: 'from-comment' });
    expect(guessBaseImage([step('ADD x /', 0), step('CMD ["sh"]', null)])).toMatchObject({ baseLayers: 0, rule: 'none' });
  });
});
