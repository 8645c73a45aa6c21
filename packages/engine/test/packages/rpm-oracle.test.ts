import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpmReader } from '../../src/packages/rpm.js';
import { TEST_PUBLIC_KEY, byNameArch, rpmAnswer, rpmWorkspace, type RpmWorkspace } from './rpm-build.js';
import { LIMITS, memoryLayer } from './rpm-apk-layer-files.js';

// The oracle is Debian's rpm itself: packages built here with rpmbuild, installed into a fresh
// sqlite rpmdb with `rpm --justdb`, then listed with `rpm -qa --qf` and `rpm -ql` at each stage:
// install, upgrade, erase.

let ws: RpmWorkspace;
const rpm = (args: string[]) => ws.rpm(args);
const oracle = () => rpmAnswer(rpm);

async function readerView(at = '/var/lib/rpm') {
  const database = await readFile(join(ws.dbDir, 'rpmdb.sqlite'));
  expect(database.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
  const wal = await readFile(join(ws.dbDir, 'rpmdb.sqlite-wal'));
  const parsed = await rpmReader.read(memoryLayer({ [`${at}/rpmdb.sqlite`]: database, [`${at}/rpmdb.sqlite-wal`]: wal }), LIMITS);
  expect(parsed).not.toBeNull();
  return { ...parsed!, packages: [...parsed!.packages].sort(byNameArch) };
}

beforeAll(async () => {
  ws = await rpmWorkspace(['hello-1.0', 'hello-1.1', 'deep', 'many', 'multi', 'zero']);
}, 120_000);

afterAll(() => ws?.dispose());

describe('rpm reader against rpm itself', () => {
  // The stages build on each other by design: one database, changed as an image's layers would.
  it('install, upgrade, erase: the same packages, versions, sizes, licences, sources and files as rpm -qa / -ql', async () => {
    await rpm(['-i', '--nodeps', '--noscripts', '--justdb', '--ignorearch', ...ws.rpms['hello-1.0']!, ...ws.rpms.deep!, ...ws.rpms.many!, ...ws.rpms.multi!, ...ws.rpms.zero!]);
    await writeFile(join(ws.dbDir, '..', 'key.asc'), TEST_PUBLIC_KEY);
    await rpm(['--import', join(ws.dbDir, '..', 'key.asc')]);
    const installed = await oracle();
    expect(installed).toHaveLength(1 + 1 + 41 + 2 + 1 + 1);
    expect(installed.find((p) => p.name === 'peel-zero')!.version).toBe('0:1-1');
    expect(installed.find((p) => p.name === 'peel-deep')!.version).toBe('5.0.1-1');
    expect(installed.filter((p) => p.name === 'peel-multi').map((p) => p.arch)).toEqual(['i686', 'x86_64']);
    expect(installed.find((p) => p.name === 'gpg-pubkey')).toMatchObject({ arch: null, source: null, files: [] });
    expect(installed.find((p) => p.name === 'peel-hello')!.version).toBe('2:1.0-1');
    expect(installed.find((p) => p.name === 'peel-deep')!.files).toHaveLength(404);
    expect(await readerView()).toEqual({ location: '/var/lib/rpm/rpmdb.sqlite', packages: installed, warnings: [] });

    await rpm(['-U', '--nodeps', '--noscripts', '--justdb', ...ws.rpms['hello-1.1']!]);
    const upgraded = await oracle();
    expect(upgraded.find((p) => p.name === 'peel-hello')!.version).toBe('2:1.1-3.fc40');
    expect((await readerView()).packages).toEqual(upgraded);

    await rpm(['-e', '--nodeps', '--noscripts', '--justdb', 'peel-many', 'peel-sub-7', 'peel-deep']);
    const erased = await oracle();
    expect(erased).toHaveLength(1 + 39 + 2 + 1 + 1);
    expect(await readerView('/usr/lib/sysimage/rpm')).toEqual({ location: '/usr/lib/sysimage/rpm/rpmdb.sqlite', packages: erased, warnings: [] });
  });
});
