/**
 * Listings in the oracles' format (fixtures/README.md "Listing format"): path, type letter,
 * 4-digit mode, uid/gid, size, link. A host folder is listed with lstat, hard links the way a
 * tar writer would show them: the first name of an inode (byte order) is the file, later names
 * are `h` entries pointing at it.
 */
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';

export interface Row {
  path: string;
  type: string;
  mode: string;
  owner: string;
  size: number;
  link: string;
}

export const rowText = (r: Row) => [r.path, r.type, r.mode, r.owner, r.size, r.link].join('\t');

export async function readOracle(file: string): Promise<Row[]> {
  const text = await readFile(file, 'utf8');
  return text.split('\n').filter((l) => l !== '').map((l) => {
    const [path, type, mode, owner, size, link = ''] = l.split('\t');
    return { path, type, mode, owner, size: Number(size), link };
  });
}

export async function listFolder(root: string): Promise<Row[]> {
  const rows: Row[] = [];
  const firstName = new Map<string, string>();
  const walk = async (dir: string, rel: string) => {
    const names = (await readdir(dir)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const name of names) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const host = `${dir}/${name}`;
      const st = await lstat(host);
      const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
      const owner = `${st.uid}/${st.gid}`;
      if (st.isDirectory()) {
        rows.push({ path, type: 'd', mode, owner, size: 0, link: '' });
        await walk(host, path);
      } else if (st.isSymbolicLink()) {
        rows.push({ path, type: 'l', mode: '0777', owner, size: 0, link: await readlink(host) });
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? firstName.get(key) : undefined;
        if (first) rows.push({ path, type: 'h', mode, owner, size: 0, link: first });
        else {
          if (st.nlink > 1) firstName.set(key, path);
          rows.push({ path, type: '-', mode, owner, size: st.size, link: '' });
        }
      } else {
        rows.push({ path, type: st.isFIFO() ? 'p' : st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : '?', mode, owner, size: 0, link: '' });
      }
    }
  };
  await walk(root, '');
  // Depth-first by name gives `a/b` before `a-c`; the oracles are sorted by whole path bytes.
  return rows.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
}
