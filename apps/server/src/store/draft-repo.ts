import type { EntryType } from '@peel/api';
import type { DraftOp } from '@peel/engine';
import type { Db } from './db.js';

/** What one op did to the filesystem when it was made (see services/op-summary.ts). */
export interface OpSummary {
  kind: 'added' | 'modified' | 'deleted' | 'moved';
  type: EntryType;
  sizeDelta: number;
  purgeOnly?: boolean;
}

export interface StoredOp {
  op: DraftOp;
  summary: OpSummary;
  /** The blob a write op's bytes are in. */
  blob: string | null;
  createdAt: string;
}

export interface DraftHead {
  config: Record<string, unknown>;
  tag: string | null;
  updatedAt: string;
}

/**
 * Drafts as rows: a head (config patch, tag) and the ops in order (seq = position, kept dense).
 * Ops are JSON: JSON.stringify escapes the lone surrogates of non-UTF-8 names, so they survive
 * SQLite's UTF-8 TEXT. Every method is synchronous; callers wrap read-check-write in one call.
 */
export class DraftRepo {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      head: db.prepare(`SELECT config, tag, updated_at FROM drafts WHERE image = ?`),
      ops: db.prepare(`SELECT op, summary, blob, created_at FROM draft_ops WHERE image = ? ORDER BY seq`),
      count: db.prepare(`SELECT count(*) FROM draft_ops WHERE image = ?`).pluck(),
      upsertHead: db.prepare(`INSERT INTO drafts (image, config, tag, updated_at) VALUES (@image, @config, @tag, @now)
        ON CONFLICT (image) DO UPDATE SET config = @config, tag = @tag, updated_at = @now`),
      insertOp: db.prepare(`INSERT INTO draft_ops (image, seq, op, summary, blob, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
      deleteOps: db.prepare(`DELETE FROM draft_ops WHERE image = ?`),
      deleteHead: db.prepare(`DELETE FROM drafts WHERE image = ?`),
      blobs: db.prepare(`SELECT DISTINCT blob FROM draft_ops WHERE image = ? AND blob IS NOT NULL`).pluck(),
    };
  }

  head(image: number): DraftHead | undefined {
    const row = this.s.head.get(image) as { config: string; tag: string | null; updated_at: string } | undefined;
    return row && { config: JSON.parse(row.config) as Record<string, unknown>, tag: row.tag, updatedAt: row.updated_at };
  }

  ops(image: number): StoredOp[] {
    return (this.s.ops.all(image) as Array<{ op: string; summary: string; blob: string | null; created_at: string }>).map((r) => ({
      op: JSON.parse(r.op) as DraftOp,
      summary: JSON.parse(r.summary) as OpSummary,
      blob: r.blob,
      createdAt: r.created_at,
    }));
  }

  /** Sets the head (creating the draft) and stamps the edit time. */
  saveHead(image: number, config: Record<string, unknown>, tag: string | null, now: string): void {
    this.s.upsertHead.run({ image, config: JSON.stringify(config), tag, now });
  }

  appendOp(image: number, op: StoredOp): void {
    const seq = this.s.count.get(image) as number;
    this.s.insertOp.run(image, seq, JSON.stringify(op.op), JSON.stringify(op.summary), op.blob, op.createdAt);
  }

  /** Replaces the whole op list (after a discard), renumbering from 0. */
  replaceOps(image: number, ops: readonly StoredOp[]): void {
    this.db.transaction(() => {
      this.s.deleteOps.run(image);
      ops.forEach((o, seq) => this.s.insertOp.run(image, seq, JSON.stringify(o.op), JSON.stringify(o.summary), o.blob, o.createdAt));
    })();
  }

  /** Deletes the draft; returns the blobs its ops held (candidates for the blob collector). */
  clear(image: number): string[] {
    return this.db.transaction(() => {
      const blobs = this.s.blobs.all(image) as string[];
      this.s.deleteOps.run(image);
      this.s.deleteHead.run(image);
      return blobs;
    })();
  }
}
