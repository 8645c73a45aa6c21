import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCommands } from '../src/registry.js';
import { tempDir } from './helpers/tmp.js';

const spec = (name: string) => `export const command = {
  name: '${name}', summary: 'test', usage: 'IMAGE.tar', description: 'test', positionals: { min: 1, max: 1 }, options: {},
  async run() { return 3; },
};\n`;

describe('command registry', () => {
  it('picks up an optional findings module when its file exists, after the built-in commands', async () => {
    const dir = await tempDir('registry');
    const empty = (await loadCommands(pathToFileURL(`${dir}/`))).map((c) => c.name);
    expect(empty).toEqual(['inspect', 'ls', 'cat', 'unpack', 'build', 'edit', 'diff', 'packages', 'tags']);
    await writeFile(path.join(dir, 'findings.ts'), spec('findings'));
    const names = (await loadCommands(pathToFileURL(`${dir}/`))).map((c) => c.name);
    expect(names).toEqual([...empty, 'findings']);
  });

  it('refuses a findings module that does not follow the contract', async () => {
    const dir = await tempDir('registry');
    await writeFile(path.join(dir, 'findings.ts'), spec('wrong-name'));
    await expect(loadCommands(pathToFileURL(`${dir}/`))).rejects.toThrow('must export `command`');
  });
});
