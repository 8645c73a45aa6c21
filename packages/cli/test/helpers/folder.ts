/** A small build context made at test time: every kind of entry `peel build` takes. */
import { chmod, link, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tempDir } from './tmp.js';

export async function makeContext(): Promise<string> {
  const dir = await tempDir('build');
  await mkdir(path.join(dir, 'app/empty'), { recursive: true });
  await mkdir(path.join(dir, 'bin'));
  await writeFile(path.join(dir, 'app/hello.txt'), 'hello\n');
  await writeFile(path.join(dir, 'app/zero.txt'), '');
  await writeFile(path.join(dir, 'app/crème brûlée.txt'), 'unicode and spaces\n');
  await link(path.join(dir, 'app/hello.txt'), path.join(dir, 'app/hello-hardlink.txt'));
  await writeFile(path.join(dir, 'bin/tool'), '#!/bin/sh\necho tool\n');
  await chmod(path.join(dir, 'bin/tool'), 0o4755);
  await symlink('../app/hello.txt', path.join(dir, 'bin/hello'));
  await symlink('/nowhere', path.join(dir, 'bin/dangling'));
  await chmod(path.join(dir, 'app/empty'), 0o700);
  return dir;
}
