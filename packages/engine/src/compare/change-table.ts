/**
 * The changes of a comparison kept compactly, for a server that holds many of them: each path
 * once, every number in a typed column, each sha256 as its 32 bytes in one shared buffer (a
 * digest both sides have alike stored once), link targets, device numbers and xattrs (few) in side
 * maps. About a third of the heap the PathChange objects with their CompareNodes take; a change is
 * made an object again only when it is read (`get`).
 */
import type { EntryType } from '../types.js';
import { CONTENT_FIELDS, type ChangeKind, type ChangedField, type CompareNode, type PathChange } from './types.js';

const KINDS: readonly ChangeKind[] = ['added', 'removed', 'modified', 'type', 'metadata'];
const FIELDS: readonly ChangedField[] = [...CONTENT_FIELDS, 'mode', 'uid', 'gid', 'mtime', 'xattrs'];
const TYPES: readonly EntryType[] = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo'];
const MTIME_ONLY = 1 << FIELDS.length;
const SHA256 = /^sha256:[0-9a-f]{64}$/;
const NO_DIGEST = -1;

/** What few entries have: kept by change index. */
interface Rare {
  linkTarget: string | null;
  device: string | null;
  xattrs: Record<string, string> | null;
  /** A digest that is not `sha256:<hex>`. */
  digest?: string;
}

/** One side's columns; type 0: the side has no entry at that path. */
class SideColumns {
  type = new Uint8Array(0);
  layer = new Int32Array(0);
  mode = new Float64Array(0);
  uid = new Float64Array(0);
  gid = new Float64Array(0);
  mtime = new Float64Array(0);
  size = new Float64Array(0);
  digest = new Int32Array(0);
  readonly rare = new Map<number, Rare>();

  grow(capacity: number): void {
    const more = <T extends Uint8Array | Int32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.type = more(this.type, (n) => new Uint8Array(n));
    this.layer = more(this.layer, (n) => new Int32Array(n));
    this.mode = more(this.mode, (n) => new Float64Array(n));
    this.uid = more(this.uid, (n) => new Float64Array(n));
    this.gid = more(this.gid, (n) => new Float64Array(n));
    this.mtime = more(this.mtime, (n) => new Float64Array(n));
    this.size = more(this.size, (n) => new Float64Array(n));
    this.digest = more(this.digest, (n) => new Int32Array(n));
  }

  /** Bytes of one row of the columns. */
  static readonly ROW_BYTES = 1 + 4 + 8 * 6 + 4;
}

export class ChangeTable {
  private readonly paths: string[] = [];
  private kinds = new Uint8Array(0);
  /** Bit i: FIELDS[i] changed; MTIME_ONLY: an mtime-only change. */
  private fields = new Uint16Array(0);
  private readonly sides = { a: new SideColumns(), b: new SideColumns() };
  private digests = Buffer.alloc(0);
  private digestCount = 0;
  private pathChars = 0;
  /** One list per distinct set of changed fields, shared by the changes made from the table. */
  private readonly fieldLists = new Map<number, ChangedField[]>();

  get length(): number {
    return this.paths.length;
  }

  /** Heap the table holds (columns at their capacity, digests, paths). */
  get bytes(): number {
    const capacity = this.kinds.length;
    const rare = this.sides.a.rare.size + this.sides.b.rare.size;
    return capacity * (1 + 2 + 4 + 2 * SideColumns.ROW_BYTES) + this.digests.length + this.pathChars + this.paths.length * 16 + rare * 200;
  }

  push(c: PathChange): void {
    const i = this.paths.length;
    if (i === this.kinds.length) this.grow(Math.max(1024, i * 2));
    this.paths.push(c.path);
    this.pathChars += c.path.length;
    this.kinds[i] = KINDS.indexOf(c.change);
    let bits = c.mtimeOnly ? MTIME_ONLY : 0;
    for (const f of c.fields) bits |= 1 << FIELDS.indexOf(f);
    this.fields[i] = bits;
    const a = this.putSide(this.sides.a, i, c.a, null);
    this.putSide(this.sides.b, i, c.b, c.a?.digest === c.b?.digest ? a : null);
  }

  path(i: number): string {
    return this.paths[i];
  }

  kind(i: number): ChangeKind {
    return KINDS[this.kinds[i]];
  }

  /** The bytes of a side's file at change i (0: absent, or not a file). */
  size(i: number, side: 'a' | 'b'): number {
    return this.sides[side].size[i];
  }

  /** Change i as the engine made it. */
  get(i: number): PathChange {
    const bits = this.fields[i];
    let fields = this.fieldLists.get(bits & ~MTIME_ONLY);
    if (!fields) this.fieldLists.set(bits & ~MTIME_ONLY, (fields = FIELDS.filter((_, f) => bits & (1 << f))));
    return { path: this.paths[i], change: this.kind(i), fields, mtimeOnly: (bits & MTIME_ONLY) !== 0, a: this.node(this.sides.a, i), b: this.node(this.sides.b, i) };
  }

  private grow(capacity: number): void {
    const kinds = new Uint8Array(capacity);
    kinds.set(this.kinds);
    this.kinds = kinds;
    const fields = new Uint16Array(capacity);
    fields.set(this.fields);
    this.fields = fields;
    this.sides.a.grow(capacity);
    this.sides.b.grow(capacity);
  }

  /** Stores a side's node at row i; returns the digest's slot (`shared`: a slot holding the same digest already). */
  private putSide(s: SideColumns, i: number, n: CompareNode | null, shared: number | null): number {
    if (!n) {
      s.digest[i] = NO_DIGEST;
      return NO_DIGEST;
    }
    s.type[i] = TYPES.indexOf(n.type) + 1;
    s.layer[i] = n.layer;
    s.mode[i] = n.mode;
    s.uid[i] = n.uid;
    s.gid[i] = n.gid;
    s.mtime[i] = n.mtime;
    s.size[i] = n.size;
    let slot = NO_DIGEST;
    let odd: string | undefined;
    if (n.digest !== null) {
      if (shared !== null && shared !== NO_DIGEST) slot = shared;
      else if (SHA256.test(n.digest)) slot = this.putDigest(n.digest);
      else odd = n.digest;
    }
    s.digest[i] = slot;
    if (n.linkTarget !== null || n.device !== null || n.xattrs !== null || odd !== undefined) {
      s.rare.set(i, { linkTarget: n.linkTarget, device: n.device, xattrs: n.xattrs, ...(odd === undefined ? {} : { digest: odd }) });
    }
    return slot;
  }

  private putDigest(digest: string): number {
    const at = this.digestCount * 32;
    if (at + 32 > this.digests.length) {
      const more = Buffer.alloc(Math.max(32 * 1024, this.digests.length * 2));
      this.digests.copy(more);
      this.digests = more;
    }
    this.digests.write(digest.slice(7), at, 'hex');
    return this.digestCount++;
  }

  private node(s: SideColumns, i: number): CompareNode | null {
    const type = s.type[i];
    if (type === 0) return null;
    const rare = s.rare.get(i);
    const slot = s.digest[i];
    const digest = slot !== NO_DIGEST ? `sha256:${this.digests.toString('hex', slot * 32, slot * 32 + 32)}` : (rare?.digest ?? null);
    return {
      path: this.paths[i], type: TYPES[type - 1], mode: s.mode[i], uid: s.uid[i], gid: s.gid[i], mtime: s.mtime[i], size: s.size[i],
      digest, linkTarget: rare?.linkTarget ?? null, device: rare?.device ?? null, xattrs: rare?.xattrs ?? null, layer: s.layer[i],
    };
  }
}
