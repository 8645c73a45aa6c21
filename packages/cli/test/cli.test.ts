import { execFileSync, spawn } from 'node:child_process';
import { readdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, peel, peelBin, peelProcess, repoRoot } from './helpers/run.js';
import { tempDir } from './helpers/tmp.js';

const tiny = fixture('tiny-docker-legacy.tar');
const COMMANDS = ['inspect', 'ls', 'cat', 'unpack', 'build', 'edit', 'diff'];

describe('peel: help, usage and exit codes', () => {
  it('--help lists every command and the exit codes; no command is a usage error', async () => {
    const help = await peel(['--help']);
    expect(help.code).toBe(0);
    for (const c of COMMANDS) expect(help.out).toMatch(new RegExp(`^  ${c} +\\S`, 'm'));
    expect(help.out).toContain('Exit codes:');
    const none = await peel([]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('Commands:');
  });

  it.each(COMMANDS)('peel %s --help', async (c) => {
    const r = await peel([c, '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^usage: peel ${c} `));
    expect(r.out).toContain('Global options:');
    expect(r.out).toContain('--store DIR');
    expect((await peel(['help', c])).out).toBe(r.out);
  });

  it('unknown command, unknown flag, missing and extra arguments exit 1 with the usage line', async () => {
    const unknown = await peel(['explode']);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining('unknown command "explode"')]);
    const flag = await peel(['ls', tiny, '--colour']);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toMatch(/Unknown option '--colour'[\s\S]*usage: peel ls /);
    const missing = await peel(['cat', tiny]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('missing argument');
    const extra = await peel(['inspect', tiny, 'more']);
    expect(extra.code).toBe(1);
    expect(extra.stderr).toContain('unexpected argument "more"');
  });

  it('-h and --version', async () => {
    expect((await peel(['ls', '-h'])).code).toBe(0);
    expect((await peel(['--version'])).out).toMatch(/^peel \d+\.\d+\.\d+\n$/);
  });
});

describe('peel: temporary store and progress', () => {
  it('removes its temporary store after success and after failure; --store keeps blobs', async () => {
    const tmp = await tempDir('tmpdir');
    expect((await peel(['inspect', tiny], { env: { TMPDIR: tmp } })).code).toBe(0);
    expect((await peel(['inspect', fixture('multi.oracle/layers.tsv')], { env: { TMPDIR: tmp } })).code).toBe(2);
    expect(await readdir(tmp)).toEqual([]);
    const store = path.join(tmp, 'kept');
    expect((await peel(['inspect', tiny, '--store', store])).code).toBe(0);
    const blobs = await readdir(path.join(store, 'sha256'));
    expect(blobs.length).toBeGreaterThan(3);
    expect((await peel(['cat', tiny, '/etc/hostname', '--store', store])).code).toBe(0);
    expect((await readdir(path.join(store, 'sha256'))).sort()).toEqual(blobs.sort());
  });

  it('draws progress on a terminal only: not in pipes, not in CI, not with --quiet; --progress forces it', async () => {
    // "\r ESC[K reading FILE  [####----]  45%  1.2 MB / 2.1 MB  8.1 MB/s"
    const size = String.raw`[\d.]+ [kMGT]?B`;
    const bar = new RegExp(String.raw`\r\u001b\[Kreading \S+ {2}\[#*-*\] +\d+% {2}${size} \/ ${size} {2}${size}\/s`);
    const tty = await peel(['inspect', tiny], { tty: true, env: { CI: undefined, TERM: 'xterm' } });
    expect(tty.stderr).toMatch(bar);
    expect(tty.out).not.toContain('\x1b');
    expect((await peel(['inspect', tiny], { tty: false })).stderr).toBe('');
    expect((await peel(['inspect', tiny], { tty: true, env: { CI: 'true' } })).stderr).toBe('');
    expect((await peel(['inspect', tiny, '-q'], { tty: true, env: { CI: undefined } })).stderr).toBe('');
    expect((await peel(['inspect', tiny, '--progress'], { tty: false, env: { CI: 'true' } })).stderr).toMatch(bar);
    const unpack = await peel(['unpack', fixture('multi-docker-legacy.tar'), path.join(await tempDir('p'), 'o'), '--progress']);
    expect(unpack.stderr).toMatch(/unpacking {2}layer 13\/13 {2}\[/);
  });
});

describe('peel as a process (bin/peel.js)', () => {
  it('reads `-` from stdin: docker save … | peel inspect -', async () => {
    const r = await peelProcess(['inspect', '-', '--json'], { stdin: fixture('multi-oci.tar') });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).tags).toEqual(['fixtures/multi:latest']);
  });

  it('exit codes reach the shell: 2 for bad input, 1 for usage', async () => {
    expect((await peelProcess(['ls', 'missing.tar'])).code).toBe(2);
    expect((await peelProcess(['ls'])).code).toBe(1);
  });

  it('works through a symlink from anywhere (a global install) and as `pnpm peel`', async () => {
    const bin = await tempDir('bin');
    await symlink(peelBin, path.join(bin, 'peel'));
    const out = execFileSync(path.join(bin, 'peel'), ['cat', tiny, '/etc/hostname'], { cwd: bin, encoding: 'utf8' });
    expect(out).toBe(execFileSync('pnpm', ['--silent', 'peel', 'cat', tiny, '/etc/hostname'], { cwd: repoRoot, encoding: 'utf8' }));
  });

  it('a closed pipe ends quietly (peel cat … | head)', () => {
    const script = `node ${JSON.stringify(peelBin)} cat ${JSON.stringify(fixture('multi-docker-legacy.tar'))} /var/lib/app/big.bin --layer 7 | head -c 10 > /dev/null; echo "\${PIPESTATUS[0]}"`;
    expect(execFileSync('bash', ['-c', script], { encoding: 'utf8' }).trim()).toBe('0');
  });

  it('Ctrl-C while reading stdin: exit 130 and no temporary store left', async () => {
    const tmp = await tempDir('sigint');
    const child = spawn(process.execPath, [peelBin, 'inspect', '-'], { env: { ...process.env, TMPDIR: tmp }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.on('error', () => undefined); // the write may outlive the child
    // half an archive, then silence: peel is waiting for more input
    child.stdin.write((await readFile(tiny)).subarray(0, 1_000_000));
    // (tsx keeps its compile cache in TMPDIR too: only peel-* folders are ours)
    const stores = async () => (await readdir(tmp)).filter((n) => n.startsWith('peel-'));
    for (let i = 0; i < 200 && (await stores()).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await stores()).toHaveLength(1);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(stderr).toContain('interrupted');
    expect(await stores()).toEqual([]);
  });
});
