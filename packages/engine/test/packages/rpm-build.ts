import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PackageRecord } from '../../src/packages/types.js';
import { run } from '../interop/exec.js';

// Small noarch packages built at test time with Debian's rpmbuild, and an rpm command bound to a
// private sqlite rpmdb made with `rpm --initdb` (installs use --justdb: nothing lands outside it).

const SQLITE = ['--define', '_db_backend sqlite'];

export const specs: Record<string, string> = {
  // An epoch, a %dir, a %config file, a licence with spaces.
  'hello-1.0': `Name: peel-hello
Version: 1.0
Release: 1
Epoch: 2
Summary: hello
License: MIT and BSD
BuildArch: noarch
%description
hello
%install
mkdir -p %{buildroot}/usr/share/peel-hello %{buildroot}/etc
echo hello > %{buildroot}/usr/share/peel-hello/greeting.txt
echo conf > %{buildroot}/etc/peel-hello.conf
%files
%dir /usr/share/peel-hello
/usr/share/peel-hello/greeting.txt
%config /etc/peel-hello.conf
`,
  // The upgrade: another file set (the %config file goes, two files come).
  'hello-1.1': `Name: peel-hello
Version: 1.1
Release: 3.fc40
Epoch: 2
Summary: hello
License: MIT
BuildArch: noarch
%description
hello
%install
mkdir -p %{buildroot}/usr/share/peel-hello %{buildroot}/usr/bin
echo hello again > %{buildroot}/usr/share/peel-hello/greeting.txt
echo bye > %{buildroot}/usr/share/peel-hello/farewell.txt
printf '#!/bin/sh\\n' > %{buildroot}/usr/bin/peel-hello
%files
/usr/share/peel-hello
/usr/bin/peel-hello
`,
  // 400 files with long names (a header far larger than a 4 KiB page: sqlite overflow pages),
  // names with a space and non-ASCII letters.
  deep: `Name: peel-deep
Version: 5.0.1
Release: 1
Summary: deep
License: Apache-2.0
BuildArch: noarch
%description
deep
%install
d=%{buildroot}/usr/share/peel-deep/a-rather-long-folder-name-to-make-the-header-big/and-another-one
mkdir -p "$d"
for i in $(seq 1 400); do echo $i > "$d/file-number-$i-with-a-long-name.txt"; done
echo x > "%{buildroot}/usr/share/peel-deep/with space ü é.txt"
%files
/usr/share/peel-deep
`,
  // An explicit epoch 0: rpm's EVR shows it ("0:1-1"), unlike an absent epoch.
  zero: `Name: peel-zero
Version: 1
Release: 1
Epoch: 0
Summary: zero
License: MIT
BuildArch: noarch
%description
zero
%files
`,
  // One name built for two architectures (multilib: both installed side by side).
  multi: `Name: peel-multi
Version: 4
Release: 1
Summary: multi
License: MIT
%description
multi
%install
mkdir -p %{buildroot}%{_libdir}
echo x > %{buildroot}%{_libdir}/libpeel.so.4
%files
%{_libdir}/libpeel.so.4
`,
  // A package without files, and 40 subpackages (more rows than one b-tree leaf page holds).
  many: `Name: peel-many
Version: 3
Release: 7
Summary: many
License: GPL-2.0-or-later
BuildArch: noarch
%description
many
%{lua: for i = 1, 40 do print("%package -n peel-sub-" .. i .. "\\nSummary: sub\\nLicense: MIT\\n%description -n peel-sub-" .. i .. "\\nsub\\n%files -n peel-sub-" .. i .. "\\n/usr/share/peel-many/sub-" .. i .. ".txt\\n") end}
%install
mkdir -p %{buildroot}/usr/share/peel-many
for i in $(seq 1 40); do echo $i > %{buildroot}/usr/share/peel-many/sub-$i.txt; done
%files
`,
};

/** An OpenPGP public key made for these tests with gpg: `rpm --import` stores it as a gpg-pubkey pseudo-package (no arch, no files). */
export const TEST_PUBLIC_KEY = `-----BEGIN PGP PUBLIC KEY BLOCK-----

mQENBGsVhAQBCADg2Wd0HuL/6hLtUhj2vLkiCBKfajVhpKuaMvYZl75O3ykq1C1B
jyl1S93tM6wgBcymPtATIJsguN4IdVdGtAc748RhQn8PHdCOjQ8aw2Mr0j+4Nq2q
bEJO7JJ4/V6x3FGDoccTphzMdOn6aHOZUT1aHBXKba3lAeWm7MCFz/t/DGywxbkd
DQ075gjXxVl+XoAxSdWJjIp5VPeTs+giOYuBi9sc/m2vfpZX/kCpVYcLXFHS8yM3
ctgx5qQoiFDawRW1HTc+1Bztmjmi5QR2hyTck2JYEHA2S2Uh5JnSJ0i0TsnIkH+v
ddaHu02LlKZ2AU9wwKeAjcpRlIkoPfh8baCNABEBAAG0IFBlZWwgVGVzdCA8cGVl
bEBleGFtcGxlLmludmFsaWQ+iQFOBBMBCgA4FiEEM5ZBHdFVAID4eCqBNUoHO+He
thEFAmsVhAQCGwMFCwkIBwIGFQoJCAsCBBYCAwECHgECF4AACgkQNUoHO+HethFk
0AgAx50e4EititWA9sDfiWrW7ulSbAbP9EBeYyydY+IINAO6IvX/s7vmonMLHwrE
WIWlCmWyQPpbUiwFlmdlY5FaHVqQGKgNXH/d6HeoaexaH/zvpEniKo9BKcEfPT1B
5zdDakjCQmWMfvSPht4rQmaHEFMjuYs2fu2lAy8fuQ2erVMQDI7VxuIMMkplRWS4
1E1rnRfBdeEvaTYIp5zWdOTjvRFX3iP6og0TiHaeXYNeZF1vzWOvVa9QgsmJOl2E
pjM4LdgB/UzF39yi6FX5K9V6qDNLRbSJOxY8iKHpjxGFRlekFlGZNEWpr7NGBt+H
QYgST1S1EoJ+CrRezIJ/PhGvMg==
=hAqH
-----END PGP PUBLIC KEY BLOCK-----
`;

export interface RpmWorkspace {
  /** The built .rpm files of each spec. */
  rpms: Record<string, string[]>;
  /** The folder of the rpmdb (rpmdb.sqlite and its -wal, -shm). */
  dbDir: string;
  /** Runs rpm on that database; resolves with its stdout. */
  rpm(args: string[]): Promise<string>;
  dispose(): Promise<void>;
}

export async function rpmWorkspace(build: (keyof typeof specs)[]): Promise<RpmWorkspace> {
  const work = await mkdtemp(join(tmpdir(), 'peel-rpm-'));
  const rpms: Record<string, string[]> = {};
  for (const key of build) {
    const top = join(work, 'build', key);
    await mkdir(top, { recursive: true });
    await writeFile(join(top, 'p.spec'), specs[key]!);
    const spec = specs[key]!;
    // A spec without BuildArch is built for two architectures.
    for (const target of spec.includes('BuildArch: noarch') ? [[]] : [['--target', 'x86_64'], ['--target', 'i686']]) {
      await run('rpmbuild', [...target, '--define', `_topdir ${top}`, '--define', '_build_id_links none', '--define', 'debug_package %{nil}', '-bb', join(top, 'p.spec')]);
    }
    rpms[key] = [];
    for (const arch of await readdir(join(top, 'RPMS'))) {
      for (const file of await readdir(join(top, 'RPMS', arch))) rpms[key].push(join(top, 'RPMS', arch, file));
    }
  }
  const dbDir = join(work, 'db');
  await mkdir(dbDir);
  const rpm = async (args: string[]) => (await run('rpm', ['--dbpath', dbDir, ...SQLITE, ...args])).toString('utf8');
  await rpm(['--initdb']);
  return { rpms, dbDir, rpm, dispose: () => rm(work, { recursive: true, force: true }) };
}

/** What rpm itself says is installed, in the shape of the reader's records. */
export async function rpmAnswer(rpm: (args: string[]) => Promise<string>): Promise<PackageRecord[]> {
  const fields = ['%{NEVRA}', '%{NAME}', '%{EVR}', '%{ARCH}', '%{SIZE}', '%{LICENSE}', '%{SOURCERPM}'].join('\\t');
  const lines = (await rpm(['-qa', '--qf', `${fields}\\n`])).split('\n').filter((line) => line !== '');
  const records: PackageRecord[] = [];
  for (const line of lines) {
    const [nevra, name, version, arch, size, license, source] = line.split('\t') as [string, string, string, string, string, string, string];
    // By NEVRA, not name: `rpm -ql NAME` lists the files of every architecture installed under NAME.
    const listed = (await rpm(['-ql', nevra])).split('\n').filter((path) => path !== '');
    const none = (value: string) => (value === '(none)' ? null : value);
    records.push({
      ecosystem: 'rpm',
      name,
      version,
      arch: none(arch),
      source: none(source),
      license: none(license),
      installedSize: Number(size),
      files: listed.length === 1 && listed[0] === '(contains no files)' ? [] : listed,
    });
  }
  return records.sort(byNameArch);
}

const key = (p: PackageRecord) => `${p.name}\0${p.arch}`;
export const byNameArch = (a: PackageRecord, b: PackageRecord) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
