/**
 * SafeTree: creates entries below one root folder and nowhere else.
 * - Paths are the engine's normalised ones (no `..`, no absolute paths) and are checked again here.
 * - Every parent is a folder this tree made itself with mkdir (tracked in memory), so nothing is
 *   ever written through a symlink, whatever the archive put at a parent's name.
 * - Files are opened O_CREAT|O_EXCL|O_NOFOLLOW, symlinks and devices are created fresh: an
 *   existing name is never followed or overwritten (a duplicate entry first removes what this
 *   tree made there, as a later tar entry replaces an earlier one).
 * - Folder modes, owners and times are applied at the end, deepest first, so a 0500 folder can
 *   still be filled and its mtime is not disturbed by its children.
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { link, lchown, lutimes, mkdir, open, rm, symlink, chmod, chown, utimes } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Readable } from 'node:stream';
import { isUtf8 } from 'node:buffer';
import { isSafeRelative, nameBytes } from '../fs-name.js';

export interface Attrs {
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch. */
  mtime: number;
}

export interface TreeOptions {
  /** Set owners (uid/gid) from the image: only root may. */
  owners: boolean;
  /** Create char/block devices: only root may. */
  devices: boolean;
  warn: (message: string) => void;
}

type Kind = 'dir' | 'file' | 'symlink' | 'other';

const run = promisify(execFile);
const CREATE_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

export class SafeTree {
  private readonly kinds = new Map<string, Kind>();
  private readonly dirAttrs = new Map<string, Attrs>();
  private readonly root: Buffer;

  private constructor(root: string, private readonly opts: TreeOptions) {
    this.root = Buffer.from(root);
  }

  /** Creates the root folder itself (it must not exist yet: nothing already there is trusted). */
  static async create(root: string, opts: TreeOptions): Promise<SafeTree> {
    await mkdir(root, 0o755);
    return new SafeTree(root, opts);
  }

  has(path: string): Kind | undefined {
    return this.kinds.get(path);
  }

  async dir(path: string, attrs: Attrs): Promise<void> {
    if (!(await this.prepare(path, 'dir'))) return;
    if (this.kinds.get(path) !== 'dir') {
      await mkdir(this.host(path), 0o700);
      this.kinds.set(path, 'dir');
    }
    this.dirAttrs.set(path, attrs);
  }

  async file(path: string, attrs: Attrs, content: Readable): Promise<void> {
    if (!(await this.prepare(path, 'file'))) return void content.destroy();
    const fh = await open(this.host(path), CREATE_FILE, 0o600);
    this.kinds.set(path, 'file');
    try {
      for await (const chunk of content) await fh.write(chunk as Buffer);
      if (this.opts.owners) await fh.chown(attrs.uid, attrs.gid);
      await fh.chmod(attrs.mode & 0o7777); // after chown, which clears setuid/setgid
      await fh.utimes(attrs.mtime, attrs.mtime);
    } finally {
      await fh.close();
    }
  }

  async symlink(path: string, target: string, attrs: Attrs): Promise<void> {
    if (!(await this.prepare(path, 'symlink'))) return;
    const p = this.host(path);
    await symlink(nameBytes(target), p);
    this.kinds.set(path, 'symlink');
    if (this.opts.owners) await lchown(p, attrs.uid, attrs.gid);
    await lutimes(p, attrs.mtime, attrs.mtime);
  }

  /** Links `path` to a file this tree made; false when `target` is not one (the caller copies instead). */
  async hardlink(path: string, target: string): Promise<boolean> {
    if (this.kinds.get(target) !== 'file' || path === target) return false;
    if (!(await this.prepare(path, 'file'))) return true;
    await link(this.host(target), this.host(path));
    this.kinds.set(path, 'file');
    return true;
  }

  /** Device nodes and fifos, through mknod(1)/mkfifo(1) (Node has no mknod). */
  async special(path: string, type: 'char' | 'block' | 'fifo', dev: { major: number; minor: number }, attrs: Attrs): Promise<void> {
    if (type !== 'fifo' && !this.opts.devices) return this.opts.warn(`/${path}: ${type} device ${dev.major},${dev.minor} skipped (creating devices needs root)`);
    const bytes = this.hostBytes(path);
    if (!isUtf8(bytes)) return this.opts.warn(`/${path}: ${type} with a name that is not UTF-8 skipped`);
    if (!(await this.prepare(path, 'other'))) return;
    const p = bytes.toString('utf8');
    const mode = (attrs.mode & 0o777).toString(8);
    if (type === 'fifo') await run('mkfifo', ['-m', mode, '--', p]);
    else await run('mknod', ['-m', mode, '--', p, type === 'char' ? 'c' : 'b', String(dev.major), String(dev.minor)]);
    this.kinds.set(path, 'other');
    if (this.opts.owners) await lchown(p, attrs.uid, attrs.gid);
    await chmod(p, attrs.mode & 0o7777);
    await utimes(p, attrs.mtime, attrs.mtime);
  }

  /** Applies folder attributes, deepest first. */
  async finish(): Promise<void> {
    const dirs = [...this.dirAttrs].sort((a, b) => depth(b[0]) - depth(a[0]));
    for (const [path, a] of dirs) {
      if (this.kinds.get(path) !== 'dir') continue;
      const p = this.host(path);
      if (this.opts.owners) await chown(p, a.uid, a.gid);
      await chmod(p, a.mode & 0o7777);
      await utimes(p, a.mtime, a.mtime);
    }
  }

  /**
   * Makes the parents of `path` (folders made here, replacing any non-folder this tree made at a
   * parent's name) and clears `path` itself unless a folder is declared over a folder.
   * Returns false when the path cannot be used at all.
   */
  private async prepare(path: string, next: Kind): Promise<boolean> {
    if (!isSafeRelative(path)) {
      this.opts.warn(`skipped an entry with an unusable name ${JSON.stringify(path)}`);
      return false;
    }
    const parts = path.split('/');
    let dir = '';
    for (let i = 0; i < parts.length - 1; i++) {
      dir = dir === '' ? parts[i] : `${dir}/${parts[i]}`;
      const kind = this.kinds.get(dir);
      if (kind === 'dir') continue;
      if (kind !== undefined) {
        this.opts.warn(`/${path} is written under /${dir}, which is a ${kind === 'other' ? 'special file' : kind} here: /${dir} becomes a folder (as overlay drivers show it)`);
        await rm(this.host(dir), { force: true });
      }
      await mkdir(this.host(dir), 0o700);
      this.kinds.set(dir, 'dir');
      if (!this.dirAttrs.has(dir)) this.dirAttrs.set(dir, { mode: 0o755, uid: 0, gid: 0, mtime: 0 });
    }
    const existing = this.kinds.get(path);
    if (existing === undefined || (existing === 'dir' && next === 'dir')) return true;
    await rm(this.host(path), { recursive: true, force: true });
    for (const k of [...this.kinds.keys()]) if (k === path || k.startsWith(`${path}/`)) this.kinds.delete(k);
    for (const k of [...this.dirAttrs.keys()]) if (k === path || k.startsWith(`${path}/`)) this.dirAttrs.delete(k);
    return true;
  }

  private hostBytes(path: string): Buffer {
    return Buffer.concat([this.root, Buffer.from('/'), nameBytes(path)]);
  }

  private host(path: string): Buffer {
    return this.hostBytes(path);
  }
}

function depth(p: string): number {
  let n = 0;
  for (let i = 0; i < p.length; i++) if (p.charCodeAt(i) === 47) n++;
  return n;
}
