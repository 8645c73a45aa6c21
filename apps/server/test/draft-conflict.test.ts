import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { DraftState } from '@peel/api';
import type { Repos } from '../src/store/index.js';
import { build, getJson, ingest, removeDir, sql, tempDir } from './helper.js';

/**
 * Another edit of the same draft (another browser, another process) commits between an edit's
 * read and its write: its revision check finds the draft moved on. On either store.
 */
describe('an edit that finds the draft changed meanwhile', () => {
  let dir: string;
  let app: FastifyInstance;
  let id: string;

  beforeAll(async () => {
    dir = await tempDir();
    app = await build(dir);
    id = await ingest(app, 'tiny-docker-legacy');
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  /** The next transaction's first draft read is followed by a change committed by someone else. */
  function anotherEditLandsAfterTheNextRead(): void {
    const store = app.peel.index;
    const transaction = store.transaction.bind(store);
    store.transaction = <T>(fn: (tx: Repos) => Promise<T>): Promise<T> => {
      store.transaction = transaction;
      return transaction((tx) => {
        const get = tx.drafts.get.bind(tx.drafts);
        const drafts = Object.create(tx.drafts) as Repos['drafts'];
        drafts.get = async (imageId) => {
          const read = await get(imageId);
          await sql(app, 'UPDATE drafts SET revision = revision + 1');
          return read;
        };
        return fn({ ...tx, drafts });
      });
    };
  }

  const addOp = (path: string) => app.inject({ method: 'POST', url: `/api/images/${id}/draft/ops`, payload: { op: 'mkdir', path } });

  it('keeps both when it appends an op: read again and applied again', async () => {
    expect((await addOp('/first')).statusCode).toBe(200);
    anotherEditLandsAfterTheNextRead();
    const res = await addOp('/second');
    expect(res.statusCode, res.body).toBe(200);
    const draft = await getJson<DraftState>(app, `/api/images/${id}/draft`);
    expect(draft.ops).toHaveLength(2);
  });

  it('answers 409 to an undo, which names the last op the user saw', async () => {
    anotherEditLandsAfterTheNextRead();
    const res = await app.inject({ method: 'POST', url: `/api/images/${id}/draft/undo` });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ error: { code: 'DRAFT_CHANGED' } });
    expect((await getJson<DraftState>(app, `/api/images/${id}/draft`)).ops).toHaveLength(2);
  });
});
