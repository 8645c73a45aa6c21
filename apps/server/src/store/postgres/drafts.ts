import { draftOf, type DraftHeadRow, type DraftOpRow } from '../rows.js';
import { DraftRevisionConflict, type DraftHead, type DraftsRepo, type ImageId, type StoredDraft, type StoredOp } from '../types.js';
import type { PgConn } from './conn.js';
import { LockBusy } from './pool.js';

/** The advisory-lock namespace of draft edits (the second key is the image's row key). */
const DRAFT_LOCK = 0x64726166; // "draf"

/**
 * Drafts as rows: a head (config patch, tag, revision) and the ops in order (seq = position,
 * kept dense). Several processes edit one draft: every write runs in one transaction that locks
 * the image row (so a delete cannot slip between) and the draft's head row, checks the revision
 * the caller read, and bumps it — so of two edits made from the same read, the second fails
 * with DraftRevisionConflict instead of overwriting the first.
 */
export class PgDrafts implements DraftsRepo {
  constructor(private readonly c: PgConn) {}

  async get(id: ImageId): Promise<StoredDraft | undefined> {
    // A read inside a transaction is the start of an edit: the draft's lock queues the edits of
    // one draft from every process (the revision check would turn the later ones into conflicts).
    // Tried, not waited for: a transaction waiting on a lock would hold a pooled connection, and
    // enough of them would leave none for the one holding it (inTransaction runs it again).
    if (this.c.inTransaction) {
      const img = await this.c.one<{ key: number }>(`SELECT key FROM images WHERE id = $1 AND state = 'ready'`, [id]);
      if (!img) return undefined;
      const { locked } = (await this.c.one<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock($1, ($2 % 2147483647)::int) AS locked`, [DRAFT_LOCK, img.key]))!;
      if (!locked) throw new LockBusy(`the draft of ${id} is being edited`);
    }
    // One snapshot for head and ops: an edit committing between two reads must not mix them.
    return this.c.tx(async (t) => {
      const head = await t.one<DraftHeadRow & { image: number }>(
        `SELECT d.image, d.config, d.tag, d.updated_at, d.revision FROM images i JOIN drafts d ON d.image = i.key
          WHERE i.id = $1 AND i.state = 'ready'`, [id]);
      if (!head) return undefined;
      const ops = await t.rows<DraftOpRow>(`SELECT op, summary, blob, created_at FROM draft_ops WHERE image = $1 ORDER BY seq`, [head.image]);
      return draftOf(head, ops);
    }, 'repeatable read');
  }

  /** In `t`: locks the ready image's row and the head's, checks the revision, writes the head with the next one. */
  private async bump(t: PgConn, id: ImageId, head: DraftHead, expected: number | null): Promise<{ image: number; revision: number }> {
    const img = await t.one<{ key: number }>(`SELECT key FROM images WHERE id = $1 AND state = 'ready' FOR SHARE`, [id]);
    if (!img) throw new Error(`no image ${id}`);
    const current = (await t.one<{ revision: number }>(`SELECT revision FROM drafts WHERE image = $1 FOR UPDATE`, [img.key]))?.revision ?? null;
    if (expected !== null && current !== expected) throw new DraftRevisionConflict(`the draft changed meanwhile (revision ${current ?? 'none'}, expected ${expected})`);
    // Two first edits at once both find no head: the second waits on the first's insert and bumps it.
    const row = await t.one<{ revision: number }>(`INSERT INTO drafts (image, config, tag, updated_at, revision) VALUES ($1, $2, $3, $4, 1)
      ON CONFLICT (image) DO UPDATE SET config = EXCLUDED.config, tag = EXCLUDED.tag, updated_at = EXCLUDED.updated_at,
        revision = drafts.revision + 1
      RETURNING revision`, [img.key, JSON.stringify(head.config), head.tag, head.updatedAt]);
    return { image: img.key, revision: row!.revision };
  }

  private async insertOps(t: PgConn, image: number, first: number, ops: readonly StoredOp[]): Promise<void> {
    await t.insert('draft_ops', ['image', 'seq', 'op', 'summary', 'blob', 'created_at'], ops.map((o, i) => ({ o, seq: first + i })),
      ({ o, seq }) => [image, seq, JSON.stringify(o.op), JSON.stringify(o.summary), o.blob, o.createdAt], { chunkRows: 500 });
  }

  async saveHead(id: ImageId, head: DraftHead, expected: number | null): Promise<number> {
    return this.c.tx(async (t) => (await this.bump(t, id, head, expected)).revision);
  }

  async appendOp(id: ImageId, op: StoredOp, head: DraftHead, expected: number | null): Promise<number> {
    return this.c.tx(async (t) => {
      const { image, revision } = await this.bump(t, id, head, expected);
      const seq = (await t.one<{ n: number }>(`SELECT count(*) AS n FROM draft_ops WHERE image = $1`, [image]))!.n;
      await this.insertOps(t, image, seq, [op]);
      return revision;
    });
  }

  async replaceOps(id: ImageId, ops: readonly StoredOp[], head: DraftHead, expected: number | null): Promise<number> {
    return this.c.tx(async (t) => {
      const { image, revision } = await this.bump(t, id, head, expected);
      await t.run(`DELETE FROM draft_ops WHERE image = $1`, [image]);
      await this.insertOps(t, image, 0, ops);
      return revision;
    });
  }

  async clear(id: ImageId): Promise<string[]> {
    return this.c.tx(async (t) => {
      const img = await t.one<{ key: number }>(`SELECT key FROM images WHERE id = $1 AND state = 'ready' FOR SHARE`, [id]);
      if (!img) return [];
      await t.one(`SELECT image FROM drafts WHERE image = $1 FOR UPDATE`, [img.key]);
      const blobs = (await t.rows<{ blob: string }>(`SELECT DISTINCT blob FROM draft_ops WHERE image = $1 AND blob IS NOT NULL`, [img.key])).map((r) => r.blob);
      await t.run(`DELETE FROM draft_ops WHERE image = $1`, [img.key]);
      await t.run(`DELETE FROM drafts WHERE image = $1`, [img.key]);
      return blobs;
    });
  }
}
