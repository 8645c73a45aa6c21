import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from './helpers.js';

// The README's example is run as a reader would run it, so it cannot drift from the engine:
// `tsc` checks it against the real exports, `tsx` runs it, and GNU tar says what it should print
// and what the archive it writes holds.
const PACKAGE = resolve(import.meta.dirname, '..');
const REPO = resolve(PACKAGE, '../..');
const example = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(PACKAGE, 'README.md'), 'utf8'))?.[1] ?? '';

// Inside the package, so that `@peel/engine` resolves to the package itself.
const dir = mkdtempSync(join(PACKAGE, '.readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tar = (...args: string[]): Buffer => execFileSync('tar', args, { maxBuffer: 64 * 1024 * 1024 });

describe('README example', () => {
  it('type-checks against the engine, runs, and prints and writes what GNU tar sees', () => {
    expect(example).toContain("from '@peel/engine'");
    writeFileSync(join(dir, 'example.ts'), example);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', include: [], files: ['example.ts'] }));
    const typecheck = spawnSync(join(REPO, 'node_modules/.bin/tsc'), ['-p', join(dir, 'tsconfig.json')], { cwd: dir, encoding: 'utf8' });
    expect(typecheck.stdout + typecheck.stderr).toBe('');

    const input = fixture('tiny-docker-legacy.tar');
    const output = join(dir, 'edited.tar');
    const printed = execFileSync(join(REPO, 'node_modules/.bin/tsx'), ['--conditions=source', 'example.ts', input, output], { cwd: dir, encoding: 'utf8' }).split('\n');

    // What GNU tar says the input holds: its manifest, and its one layer's /etc.
    const [manifest] = JSON.parse(tar('-xOf', input, 'manifest.json').toString()) as Array<{ RepoTags: string[]; Layers: string[] }>;
    expect(manifest.Layers).toHaveLength(1);
    const layer = join(dir, 'layer.tar');
    writeFileSync(layer, tar('-xOf', input, manifest.Layers[0]));
    const etc = tar('-tvf', layer, '--numeric-owner')
      .toString()
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/))
      .filter((cols) => /^etc\/[^/]+$/.test(cols[5]))
      .map(([mode, , size, , , path]) => `${{ '-': 'file', d: 'dir', l: 'symlink' }[mode[0]]}\t${size}\t${path}`);
    expect(etc.length).toBeGreaterThan(3);

    expect(printed[0]).toBe(`docker-legacy: ${manifest.RepoTags.join(', ')}, 1 layer(s)`);
    expect(printed.slice(1, 1 + etc.length).sort()).toEqual(etc.sort());
    const osRelease = tar('-xOf', layer, 'etc/os-release').toString();
    expect(printed.slice(1 + etc.length).join('\n')).toContain(osRelease);

    // The export: the same layer, then one holding the new /etc/os-release.
    const written = JSON.parse(tar('-xOf', output, 'manifest.json').toString()) as Array<{ RepoTags: string[]; Layers: string[] }>;
    expect(written[0].RepoTags).toEqual(['docker.io/library/edited:latest']);
    expect(written[0].Layers).toHaveLength(2);
    const top = join(dir, 'top.tar.gz');
    writeFileSync(top, tar('-xOf', output, written[0].Layers[1]));
    expect(tar('-xzOf', top, 'etc/os-release').toString()).toBe('NAME="Edited Linux"\nID=edited\n');
    expect(printed.at(-2)).toBe(`${output}: ${statSync(output).size} bytes, 2 layers, docker.io/library/edited:latest`);
    // tsc reads the whole engine: a few seconds alone, more on a busy machine.
  }, 180_000);
});
