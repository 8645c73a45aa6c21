import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { fixture, peel } from './helpers/run.js';
import { readOracle } from './helpers/listing.js';

const multi = fixture('multi-docker-legacy.tar');

describe('peel ls', () => {
  it('-R lists the whole merged filesystem: the umoci oracle\'s paths', async () => {
    const r = await peel(['ls', multi, '-R']);
    expect(r.code).toBe(0);
    const oracle = (await readOracle(fixture('multi.oracle/merged-fs-umoci.tsv'))).filter((o) => o.path !== '.').map((o) => `/${o.path}`);
    expect(r.out.split('\n').filter(Boolean).sort()).toEqual(oracle.sort());
  });

  it('--long -R --json: types, modes and owners of the merged oracle', async () => {
    const r = await peel(['ls', multi, '/', '-R', '--json']);
    const rows = JSON.parse(r.out) as Array<{ path: string; type: string; mode: number; uid: number; gid: number; linkTarget: string | null }>;
    const byPath = new Map(rows.map((x) => [x.path, x]));
    for (const o of (await readOracle(fixture('multi.oracle/merged-fs-umoci.tsv'))).filter((x) => x.path !== '.')) {
      const got = byPath.get(o.path)!;
      const letter = { file: '-', dir: 'd', symlink: 'l', hardlink: 'h' }[got.type];
      expect(`${o.path} ${letter} ${got.mode.toString(8).padStart(4, '0')} ${got.uid}/${got.gid}`).toBe(`${o.path} ${o.type} ${o.mode} ${o.owner}`);
      if (o.type === 'l') expect(got.linkTarget).toBe(o.link);
    }
    const long = await peel(['ls', multi, '/data', '-l']);
    expect(long.code).toBe(0);
  });

  it('a folder, a symlinked folder and a single file', async () => {
    expect((await peel(['ls', multi, '/opt/app'])).out).toBe('cache/\nconf/\n');
    const long = await peel(['ls', multi, '/usr/local/bin/suid-helper', '--long']);
    expect(long.out).toMatch(/^-rwsr-xr-x\s+0\/0\s+49\s+\S+\s+layer 9\s+suid-helper\n$/);
    const link = await peel(['ls', multi, '/etc/app.conf', '-l']);
    expect(link.out).toMatch(/lrwxrwxrwx .* app\.conf -> \/opt\/app\/conf\/keep\.conf\n$/);
    const root = await peel(['ls', multi, '/data', '-l']);
    expect(root.out).toBe('');
    const parent = await peel(['ls', multi, '/', '-l']);
    expect(parent.out).toMatch(/^drwx------\s+999\/999\s+0\s+\S+\s+layer 11\s+data$/m);
  });

  it('--deleted shows what later layers removed (the leaked .env) and, per layer, the whiteouts', async () => {
    const merged = await peel(['ls', multi, '/opt/app', '--deleted']);
    expect(merged.out).toBe('.env  (deleted by layer 6)\ncache/\nconf/\nlegacy  (deleted by layer 3)\n');
    const layer = await peel(['ls', multi, '/opt/app', '--layer', '3', '--deleted']);
    expect(layer.out).toBe('.wh.legacy  (whiteout: deletes /opt/app/legacy)\ncache/\nconf/\n');
    const plain = await peel(['ls', multi, '/opt/app', '--layer', '3']);
    expect(plain.out).toBe('cache/\nconf/\n');
    const top = await peel(['ls', multi, '/', '--layer', '-1', '-R']);
    expect(top.out).toBe('/usr\n/usr/local\n/usr/local/bin\n/usr/local/bin/docker-entrypoint.sh\n');
  });

  it('errors: no such path (2), no such layer (2), bad --layer (1)', async () => {
    const missing = await peel(['ls', multi, '/nope']);
    expect([missing.code, missing.stderr]).toEqual([2, 'peel ls: /nope: no such file or folder\n']);
    const layer = await peel(['ls', multi, '--layer', '13']);
    expect(layer.code).toBe(2);
    expect(layer.stderr).toContain('the image has 13 layers (0..12)');
    const bad = await peel(['ls', multi, '--layer', 'top']);
    expect(bad.code).toBe(1);
  });
});

describe('peel cat', () => {
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  it('writes a file of the merged filesystem, following symlinks inside the image', async () => {
    const r = await peel(['cat', multi, '/etc/os-release']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('NAME="Tiny Linux"\nID=tiny\nVERSION_ID=1.0.0\nPRETTY_NAME="Tiny Linux v1"\n');
    const viaLink = await peel(['cat', multi, '/etc/app.conf']);
    expect(viaLink.stdout).toEqual((await peel(['cat', multi, '/opt/app/conf/keep.conf'])).stdout);
    const busybox = await peel(['cat', fixture('multi-oci-zstd.tar'), '/bin/sh']);
    expect(sha(busybox.stdout)).toBe(sha(await readFile('/bin/busybox')));
  });

  it('--layer reads a file a later layer deleted, and the bytes a later layer replaced', async () => {
    const secret = await peel(['cat', multi, '/opt/app/.env', '--layer', '5']);
    expect(secret.out).toContain('API_KEY=sk_test_FIXTURE_0123456789abcdef');
    expect((await peel(['cat', multi, '/opt/app/.env'])).code).toBe(2);
    const big = await peel(['cat', multi, '/var/lib/app/big.bin', '--layer', '7']);
    expect(big.stdout.length).toBe(2_097_152);
    const small = await peel(['cat', multi, '/var/lib/app/big.bin']);
    expect(small.stdout).toEqual(Buffer.alloc(65_536));
    const hardlink = await peel(['cat', multi, '/opt/app/conf/data.hardlink', '--layer', '9']);
    expect(hardlink.stdout).toEqual((await peel(['cat', multi, '/opt/app/conf/data.bin'])).stdout);
  });

  it('a folder or a missing file exits 2', async () => {
    const dir = await peel(['cat', multi, '/etc']);
    expect([dir.code, dir.stderr]).toEqual([2, 'peel cat: /etc is a folder (use `peel ls`)\n']);
    expect((await peel(['cat', multi, '/etc/nothing'])).code).toBe(2);
  });

  it('reads the archive from stdin', async () => {
    const r = await peel(['cat', '-', '/etc/hostname'], { stdin: fixture('tiny-docker-legacy.tar') });
    expect(r.code).toBe(0);
    expect(r.out.length).toBe(5);
  });
});
