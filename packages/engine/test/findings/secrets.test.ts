import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FsBlobStore, SecretFinding } from '../../src/index.js';
import { tempStore } from '../helpers.js';
import { analyzeSpec } from './helpers.js';

let store: FsBlobStore;
let dispose: () => Promise<void>;
beforeAll(async () => ({ store, dispose } = await tempStore()));
afterAll(() => dispose());

// Token-shaped test values, built here so no file of this repository holds one whole.
const rand = (n: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789') =>
  Array.from({ length: n }, (_, i) => alphabet[(i * 7 + 3) % alphabet.length]).join('');
const AWS_ID = `AKIA${rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
const AWS_SECRET = rand(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+');
const GITHUB = `ghp_${rand(36)}`;
const GITLAB = `glpat-${rand(20)}`;
const SLACK = `xoxb-${rand(12, '0123456789')}-${rand(24)}`;
const STRIPE = `sk_live_${rand(24)}`;
const KEY_BODY = rand(64, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
const pem = (label: string) => `-----BEGIN ${label}-----\n${KEY_BODY}\n${KEY_BODY}\n-----END ${label}-----\n`;

const sites = (fs: SecretFinding[]) => fs.map((s) => [s.kind, s.path, s.layer, s.line, s.deletedIn]);
const values = [AWS_ID, AWS_SECRET, GITHUB, GITLAB, SLACK, STRIPE, KEY_BODY];

describe('secrets in files', () => {
  it('finds each known shape and credential store, with line numbers, never showing the value', async () => {
    const f = await analyzeSpec({
      layers: [[
        { name: 'app/', type: 'directory' },
        { name: 'app/settings.py', data: `DEBUG = False\nAWS_ACCESS_KEY_ID = "${AWS_ID}"\naws_secret_access_key = "${AWS_SECRET}"\n` },
        { name: 'app/deploy.sh', data: `#!/bin/sh\ngit clone https://x:${GITHUB}@github.com/o/r\ncurl -H "PRIVATE-TOKEN: ${GITLAB}" https://gitlab.example\n` },
        { name: 'app/notify.yaml', data: `slack:\n  token: ${SLACK}\nbilling:\n  stripe: ${STRIPE}\n` },
        { name: 'root/.ssh/id_ed25519', data: pem('OPENSSH PRIVATE KEY'), mode: 0o600 },
        { name: 'etc/ssl/private/server.key', data: `Proc-Type: 4,ENCRYPTED\n`.replace(/^/, pem('RSA PRIVATE KEY').split('\n')[0] + '\n') + `DEK-Info: AES-128-CBC,00\n\n${KEY_BODY}\n-----END RSA PRIVATE KEY-----\n` },
        { name: 'app/sa.json', data: JSON.stringify({ type: 'service_account', project_id: 'p', private_key: pem('PRIVATE KEY') }, null, 2) },
        { name: 'root/.npmrc', data: `//registry.npmjs.org/:_authToken=${rand(36)}\n` },
        { name: 'root/.pypirc', data: `[pypi]\nusername = __token__\npassword = pypi-${rand(40)}\n` },
        { name: 'root/.netrc', data: `machine example.com login me password ${rand(14)}\n` },
        { name: 'root/.git-credentials', data: `https://me:${rand(20)}@git.example.com\n` },
        { name: 'root/.docker/config.json', data: `{\n  "auths": {\n    "r.example": {\n      "auth": "${Buffer.from('me:pw12345').toString('base64')}"\n    }\n  }\n}\n` },
        { name: 'srv/app.conf', data: `db_host = db\nsecret_key = ${rand(32)}\nmax_conns = 10\n` },
      ]],
    }, store);
    expect(sites(f.secrets)).toEqual([
      ['github-token', 'app/deploy.sh', 0, 2, null],
      ['gitlab-token', 'app/deploy.sh', 0, 3, null],
      ['slack-token', 'app/notify.yaml', 0, 2, null],
      ['stripe-key', 'app/notify.yaml', 0, 4, null],
      ['gcp-service-account', 'app/sa.json', 0, 4, null],
      ['aws-access-key', 'app/settings.py', 0, 2, null],
      ['aws-secret-key', 'app/settings.py', 0, 3, null],
      ['private-key', 'etc/ssl/private/server.key', 0, 1, null],
      ['registry-auth', 'root/.docker/config.json', 0, 4, null],
      ['url-credentials', 'root/.git-credentials', 0, 1, null],
      ['netrc-password', 'root/.netrc', 0, 1, null],
      ['registry-auth', 'root/.npmrc', 0, 1, null],
      ['registry-auth', 'root/.pypirc', 0, 3, null],
      ['private-key', 'root/.ssh/id_ed25519', 0, 1, null],
      ['secret-assignment', 'srv/app.conf', 0, 2, null],
    ]);
    for (const s of f.secrets) {
      for (const v of values) expect(s.preview).not.toContain(v);
      expect(s.status).toBe('present');
      expect(s.fix).toMatch(/^Rotate the secret first/);
    }
    expect(f.secrets.find((s) => s.kind === 'private-key')!.preview).toBe('-----BEGIN RSA PRIVATE KEY----- [key body hidden]');
  });

  it('reports copies that a later layer deleted, overwrote or hid behind an opaque folder', async () => {
    const f = await analyzeSpec({
      layers: [
        [{ name: 'a/', type: 'directory' }, { name: 'a/.env', data: `TOKEN=${rand(20)}\n` }, { name: 'b/', type: 'directory' }, { name: 'b/id_rsa', data: pem('RSA PRIVATE KEY') }],
        [{ name: 'a/', type: 'directory' }, { name: 'a/.env', data: 'TOKEN=changeme\n' }],
        [{ name: 'b/', type: 'directory' }, { name: 'b/.wh..wh..opq' }],
      ],
      history: [{ created_by: 'COPY .env /a/' }, { created_by: 'COPY .env.safe /a/.env' }, { created_by: 'RUN rm -rf /b/*' }],
    }, store);
    expect(f.secrets.map((s) => [s.kind, s.path, s.layer, s.deletedIn, s.status, s.createdBy])).toEqual([
      ['dotenv', 'a/.env', 0, 1, 'overwritten', 'COPY .env /a/'],
      ['private-key', 'b/id_rsa', 0, 2, 'deleted', 'COPY .env /a/'],
    ]);
    expect(f.secrets[0].fix).toMatch(/Layer 1 overwrote \/a\/\.env, but layer 0 still ships its bytes/);
  });

  it('finds a secret in a file held only by a hard link after its path was deleted', async () => {
    const f = await analyzeSpec({
      layers: [
        [{ name: 'x/', type: 'directory' }, { name: 'x/.env', data: `API_KEY=${rand(24)}\n` }, { name: 'x/keep', type: 'link', linkname: 'x/.env' }],
        [{ name: 'x/.wh..env' }],
      ],
    }, store);
    expect(sites(f.secrets)).toEqual([['dotenv', 'x/.env', 0, 1, 1]]);
    expect(f.waste.bytes).toBe(0);
  });

  it('raises nothing on placeholders, public material, binaries, vendored trees or package data', async () => {
    const binary = Buffer.concat([Buffer.from('\x7fELF\0\0\0'), Buffer.from(`\npassword=${rand(30)}\n${GITHUB}\n`)]);
    const f = await analyzeSpec({
      layers: [[
        { name: 'app/.env', data: '# comment API_KEY=abc\nAPI_KEY=\nDB_PASSWORD=changeme\nSECRET=${SECRET}\nTOKEN=<your-token>\nLOG_LEVEL=debug\nDB_PASSWORD_FILE=/run/secrets/db\n' },
        { name: 'app/.env.example', data: 'API_KEY=your_api_key_here\n' },
        { name: 'app/config.yaml', data: `password: \${DB_PASSWORD}\napi_key: "{{ .Values.key }}"\ntoken: os.getenv("TOKEN")\nkey_id: ${rand(20)}\ngpg_key: ${rand(40, '0123456789ABCDEF')}\n` },
        { name: 'app/docs.md', data: `AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n` },
        { name: 'app/example.sh', data: 'export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\npostgres://user:password@localhost/db\n' },
        { name: 'etc/ssl/certs/ca.pem', data: `-----BEGIN CERTIFICATE-----\n${KEY_BODY}\n-----END CERTIFICATE-----\n` },
        { name: 'root/.ssh/id_rsa.pub', data: `ssh-rsa ${KEY_BODY} me@host\n` },
        { name: 'app/server', data: binary, mode: 0o755 },
        { name: 'app/lib.so.conf', data: binary },
        { name: 'app/node_modules/pkg/test/key.pem', data: pem('RSA PRIVATE KEY') },
        { name: 'usr/local/go/src/crypto/tls/cert_test.go', data: pem('RSA PRIVATE KEY') },
        { name: 'usr/share/doc/x/README.conf', data: `token = ${GITHUB}\n` },
        { name: 'etc/passwd', data: 'root:x:0:0:root:/root:/bin/sh\n' },
        { name: 'etc/shadow', data: 'root:*:19000:0:99999:7:::\n' },
      ]],
    }, store, undefined, { Env: ['PATH=/usr/bin', `GPG_KEY=${rand(40, '0123456789ABCDEF')}`, 'POSTGRES_PASSWORD_FILE=/run/secrets/pg', 'API_TOKEN=', 'NODE_VERSION=20.1.0'] });
    expect(f.secrets).toEqual([]);
  });

  it('in code, takes only quoted literals: names like token/key are everywhere in source', async () => {
    const literal = rand(24);
    const f = await analyzeSpec({
      layers: [[
        { name: 'app/src/keys.ts', data: [
          'const key = this._lastStrValue;',
          '    tokenTable: spec.tokenTable || noTokens,',
          'const KEY_IGNORE = TMP_KEY_IGNORE;',
          'type OpeningParenToken = OpeningParenToken$1;',
          ' * const myURL = new URL("https://abc:xyz@example.com");',
          'const queryKey = options.queryKey;',
          `export const API_KEY = "${literal}";`,
        ].join('\n') },
        { name: 'app/src/settings.py', data: `SECRET_KEY = os.environ["SECRET_KEY"]\nSECRET_KEY = '${literal}'\n` },
      ]],
    }, store);
    expect(sites(f.secrets)).toEqual([['secret-assignment', 'app/src/keys.ts', 0, 7, null], ['secret-assignment', 'app/src/settings.py', 0, 2, null]]);
  });

  it('skips large text files unless their name says credentials, and reads at most maxReadBytes', async () => {
    const filler = 'x = 1\n'.repeat(40_000);
    const f = await analyzeSpec({
      layers: [[
        { name: 'app/big.json', data: `${filler}token = ${GITHUB}\n` },
        { name: 'app/big.env', data: `${filler}API_KEY=${rand(30)}\n` },
        { name: 'app/.env', data: `A=1\nAPI_KEY=${rand(30)}\n${filler}` },
      ]],
    }, store, { maxTextBytes: 64 * 1024, maxReadBytes: 128 * 1024 });
    expect(sites(f.secrets)).toEqual([['dotenv', 'app/.env', 0, 2, null]]);
    expect(f.scan).toMatchObject({ skippedLarge: 1, truncated: 2 });
  });

  it('reads CRLF files and keys split over blocks', async () => {
    const f = await analyzeSpec({
      layers: [[
        { name: 'app/.env', data: `A=1\r\nDB_PASSWORD=${rand(16)}\r\n` },
        // The header's line ends at byte 65 536, the end of the first 64 KiB read: its body comes in the next block.
        { name: 'app/tls.key', data: `${'# padding line\n'.repeat(4367)}${pem('EC PRIVATE KEY')}` },
      ]],
    }, store);
    expect(sites(f.secrets)).toEqual([['dotenv', 'app/.env', 0, 2, null], ['private-key', 'app/tls.key', 0, 4368, null]]);
  });

  it('finds a token in a minified line far longer than the line limit', async () => {
    const line = `${'a'.repeat(50_000)};const k="${GITHUB}";${'b'.repeat(50_000)}`;
    const f = await analyzeSpec({ layers: [[{ name: 'app/bundle.js', data: line }]] }, store);
    expect(sites(f.secrets)).toEqual([['github-token', 'app/bundle.js', 0, 1, null]]);
  });
});

describe('reading through any BlobStore', () => {
  it('finds the same secrets when the store is not on disk (ranged opens instead of positional reads)', async () => {
    const { FsBlobStore } = await import('../../src/index.js');
    const disk = store;
    // A store that keeps no files: the scanner must fall back to the store's own ranged open.
    const wrapped: import('../../src/index.js').BlobStore = {
      create: () => disk.create(),
      has: (d) => disk.has(d),
      size: (d) => disk.size(d),
      open: (d, r) => disk.open(d, r),
      delete: (d) => disk.delete(d),
      files: null,
      indexes: null,
    };
    expect(wrapped instanceof FsBlobStore).toBe(false);
    const spec = { layers: [[{ name: 'app/.env', data: `A=1\nAPI_KEY=${rand(24)}\n${'# x\n'.repeat(30_000)}TOKEN=${rand(20)}\n` }]] };
    const viaDisk = await analyzeSpec(spec, disk);
    const viaOpen = await analyzeSpec(spec, wrapped);
    expect(sites(viaOpen.secrets)).toEqual(sites(viaDisk.secrets));
    expect(sites(viaOpen.secrets)).toEqual([['dotenv', 'app/.env', 0, 2, null], ['dotenv', 'app/.env', 0, 30_003, null]]);
  });
});

describe('secrets in the config', () => {
  it('checks Env, labels, the default command and every history step', async () => {
    const f = await analyzeSpec({
      layers: [[{ name: 'a' }], [{ name: 'b' }]],
      history: [
        { created_by: '/bin/sh -c #(nop) ADD file:1 in /' },
        { created_by: '/bin/sh -c #(nop)  ENV DB_PASSWORD=s3cr3t-Pa55' , empty_layer: true },
        { created_by: `|1 NPM_TOKEN=npm_${rand(36)} /bin/sh -c npm ci` },
      ],
    }, store, undefined, {
      Env: ['PATH=/bin', 'DB_PASSWORD=s3cr3t-Pa55', `SENTRY_DSN=https://abc:${rand(16)}@sentry.example/1`],
      Labels: { 'org.opencontainers.image.title': 'x', 'deploy.token': rand(32) },
      Cmd: ['server', `--api-key=${rand(28)}`],
    });
    expect(f.secrets.map((s) => [s.source, s.kind, s.path, s.line, s.historyStep, s.status])).toEqual([
      ['env', 'secret-assignment', 'DB_PASSWORD', 2, 1, 'config'],
      ['env', 'url-credentials', 'SENTRY_DSN', 3, null, 'config'],
      ['label', 'secret-assignment', 'deploy.token', null, null, 'config'],
      ['cmd', 'secret-assignment', null, null, null, 'config'],
      ['history', 'secret-assignment', null, 2, 1, 'config'],
      ['history', 'npm-token', null, 3, 2, 'config'],
    ]);
    expect(f.secrets[0].preview).toBe('DB_PASSWORD=s3*********');
    expect(f.secrets.at(-1)!.layer).toBe(1);
  });
});
