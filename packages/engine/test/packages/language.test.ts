import { describe, expect, it } from 'vitest';
import { DEFAULT_PACKAGE_LIMITS, languageLocationOf, npmPackageOf, parseRecord, pypiPackageOf, readLanguagePackage } from '../../src/index.js';
import { memoryFiles } from './memory-files.js';

const limits = DEFAULT_PACKAGE_LIMITS;

describe('language package locations', () => {
  it('takes node_modules/NAME and node_modules/@SCOPE/NAME package.json files, and dist-info METADATA', () => {
    expect([
      '/app/node_modules/a/package.json',
      '/app/node_modules/@s/b/package.json',
      '/app/node_modules/a/node_modules/c/package.json',
      '/app/package.json',
      '/app/node_modules/a/lib/package.json',
      '/app/node_modules/@s/package.json',
      '/app/node_modules/.bin/package.json',
      '/usr/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA',
      '/usr/lib/python3.11/site-packages/six-1.16.0.egg-info/METADATA',
    ].map((p) => languageLocationOf(p)?.root ?? null)).toEqual([
      '/app/node_modules/a', '/app/node_modules/@s/b', '/app/node_modules/a/node_modules/c', null, null, null, null,
      '/usr/lib/python3.11/site-packages/six-1.16.0.dist-info', null,
    ]);
  });
});

describe('npm package.json', () => {
  it('reads name, version and the licence in each of its forms', () => {
    const of = (o: unknown) => npmPackageOf(Buffer.from(JSON.stringify(o)), '/p', []);
    expect(of({ name: 'a', version: '1.0.0', license: 'MIT' })).toMatchObject({ ecosystem: 'npm', name: 'a', version: '1.0.0', license: 'MIT', arch: null });
    expect(of({ name: 'a', version: '1', license: { type: 'ISC' } })?.license).toBe('ISC');
    expect(of({ name: 'a', version: '1', licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] })?.license).toBe('MIT OR Apache-2.0');
    expect(of({ name: 'a', version: '1' })?.license).toBeNull();
    expect(of({ name: 'a' })).toBeNull();
    expect(of([1, 2])).toBeNull();
  });

  it('warns on a package.json that is not JSON', () => {
    const warnings: string[] = [];
    expect(npmPackageOf(Buffer.from('{"name": "a", '), '/x/package.json', warnings)).toBeNull();
    expect(warnings).toEqual(['/x/package.json is not valid JSON']);
  });

  it('does not read a manifest over 1 MiB', async () => {
    const files = memoryFiles({ '/n/node_modules/big/package.json': `{"name":"big","version":"1","pad":"${'x'.repeat(2 * 1024 * 1024)}"}` });
    const db = await readLanguagePackage(languageLocationOf('/n/node_modules/big/package.json')!, files, limits);
    expect(db).toMatchObject({ packages: [], warnings: [expect.stringContaining('over the limit of 1048576: not read')] });
    expect(files.reads.every((r) => r.maxBytes <= 1024 * 1024)).toBe(true);
  });
});

describe('Python dist-info', () => {
  it('reads METADATA headers up to the body, the licence from License-Expression, License or classifiers', () => {
    const of = (text: string) => pypiPackageOf(Buffer.from(text), '/m', limits, []);
    expect(of('Metadata-Version: 2.4\nName: attrs\nVersion: 23.2.0\nLicense-Expression: MIT\nLicense: other\n\nName: body\n')).toMatchObject({ ecosystem: 'pypi', name: 'attrs', version: '23.2.0', license: 'MIT' });
    expect(of('Name: six\nVersion: 1.16.0\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: MIT License\nClassifier: Topic :: X\n')?.license).toBe('MIT License');
    expect(of(`Name: x\nVersion: 1\nLicense: Copyright (c) ${'and on '.repeat(20)}\n`)?.license).toBeNull();
    expect(of('Name: x\nVersion: 1\nLicense: Copyright (c) 2010 Someone\n        Permission is hereby granted\n')?.license).toBeNull();
    expect(of('Name: x\nVersion: 1\nLicense: BSD-3-Clause\nSummary: s\n  more summary\n')?.license).toBe('BSD-3-Clause');
    expect(of('Version: 1\n')).toBeNull();
  });

  it('reads RECORD paths (quoted ones too) relative to the folder holding the dist-info, dropping escapes', () => {
    const warnings: string[] = [];
    const record = 'six.py,sha256=abc,34549\n"we,ird ""name"".py",,\n../../../bin/tool,,\n' + '../'.repeat(12) + 'etc/x,,\nsix-1.16.0.dist-info/RECORD,,\n';
    expect(parseRecord(Buffer.from(record), '/s/six-1.16.0.dist-info/RECORD', '/usr/lib/python3/site-packages/six-1.16.0.dist-info', limits, warnings)).toEqual([
      '/usr/lib/python3/site-packages/six.py',
      '/usr/lib/python3/site-packages/we,ird "name".py',
      '/usr/bin/tool',
      '/usr/lib/python3/site-packages/six-1.16.0.dist-info/RECORD',
    ]);
    expect(warnings).toEqual(['/s/six-1.16.0.dist-info/RECORD: 1 path climbing above the root (..) dropped']);
  });
});
