import { draftOf, type DraftHeadRow, type DraftOpRow } from '../rows.js';
import { DraftRevisionConflict, type DraftHead, type DraftsRepo, type ImageId, type StoredDraft, type StoredOp } from '../types.js';
import type { Conn } from './conn.js';
import { Keys } from './keys.js';

/**
 * Drafts as rows: a head (config patch, tag, revision) and the ops in order (seq = position,
 * kept dense). Ops are JSON: JSON.stringify escapes the lone surrogates of non-UTF-8 names, so
 * they survive SQLite's UTF-8 TEXT.
 */
export class SqliteDrafts implements DraftsRepo {
  private readonly keys: Keys;

  constructor(private readonly c: Conn) {
    this.keys = new Keys(c);
  }

  private require(id: ImageId): number {
    const key = this.keys.image(id);
    if (key === undefined) throw new Error(`no image ${id}`);
    return key;
  }

  async get(id: ImageId): Promise<StoredDraft | undefined> {
    const image = this.keys.image(id);
    if (image === undefined) return undefined;
    const head = this.c.stmt(`SELECT config, tag, updated_at, revision FROM drafts WHERE image = ?`).get(image) as DraftHeadRow | undefined;
    if (!head) return undefined;
    const ops = this.c.stmt(`SELECT op, summary, blob, created_at FROM draft_ops WHERE image = ? ORDER BY seq`).all(image) as DraftOpRow[];
    return draftOf(head, ops);
  }

  /** Checks the revision and writes the head with the next one; the caller's write follows in the same transaction. */
  private bump(image: number, head: DraftHead, expected: number | null): number {
    const current = (this.c.stmt(`SELECT revision FROM drafts WHERE image = ?`).pluck().get(image) as number | undefined) ?? null;
    if (expected !== null && current !== expected) throw new DraftRevisionConflict(`the draft changed meanwhile (revision ${current ?? 'none'}, expected ${expected})`);
    const revision = (current ?? 0) + 1;
    this.c.stmt(`INSERT INTO drafts (image, config, tag, updated_at, revision) VALUES (@image, @config, @tag, @now, @revision)
      ON CONFLICT (image) DO UPDATE SET config = @config, tag = @tag, updated_at = @now, revision = @revision`)
      .run({ image, config: JSON.stringify(head.config), tag: head.tag, now: head.updatedAt, revision });
    return revision;
  }

  private insertOp(image: number, seq: number, o: StoredOp): void {
    this.c.stmt(`INSERT INTO draft_ops (image, seq, op, summary, blob, created_at) VALUES (@image, @seq, @op, @summary, @blob, @created_at)`)
      .run({ image, seq, op: JSON.stringify(o.op), summary: JSON.stringify(o.summary), blob: o.blob, created_at: o.createdAt });
  }

  async saveHead(id: ImageId, head: DraftHead, expected: number | null): Promise<number> {
    return this.c.write(() => this.bump(this.require(id), head, expected));
  }

  async appendOp(id: ImageId, op: StoredOp, head: DraftHead, expected: number | null): Promise<number> {
    return this.c.write(() => {
      const image = this.require(id);
      const revision = this.bump(image, head, expected);
      this.insertOp(image, this.c.stmt(`SELECT count(*) FROM draft_ops WHERE image = ?`).pluck().get(image) as number, op);
      return revision;
    });
  }

  async replaceOps(id: ImageId, ops: readonly StoredOp[], head: DraftHead, expected: number | null): Promise<number> {
    return this.c.write(() => {
      const image = this.require(id);
      const revision = this.bump(image, head, expected);
      this.c.stmt(`DELETE FROM draft_ops WHERE image = ?`).run(image);
      ops.forEach((o, seq) => this.insertOp(image, seq, o));
      return revision;
    });
  }

  async clear(id: ImageId): Promise<string[]> {
    return this.c.write(() => {
      const image = this.keys.image(id);
      if (image === undefined) return [];
      const blobs = this.c.stmt(`SELECT DISTINCT blob FROM draft_ops WHERE image = ? AND blob IS NOT NULL`).pluck().all(image) as string[];
      this.c.stmt(`DELETE FROM draft_ops WHERE image = ?`).run(image);
      this.c.stmt(`DELETE FROM drafts WHERE image = ?`).run(image);
      return blobs;
    });
  }
}
