import type { Statement } from 'better-sqlite3';
import type { Conn } from './conn.js';

/**
 * Rows per INSERT statement. One statement of 32 rows costs SQLite and better-sqlite3 about a
 * fifth less per row than 32 statements of one (3.5 against 4.3 µs per fs_nodes row here; 16 and
 * 64 rows measured the same as 32), and 32 rows of the widest bulk table bind 704 values, far
 * below SQLite's limit of 32,766.
 */
const ROWS_PER_STATEMENT = 32;

/** `INSERT INTO table (columns) VALUES (?, …), …` for `rows` rows. */
const insertSql = (table: string, columns: readonly string[], rows: number): string => {
  const one = `(${columns.map(() => '?').join(', ')})`;
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array<string>(rows).fill(one).join(', ')}`;
};

/**
 * A bulk table's rows, inserted a statement of several rows at a time. The values are bound as
 * one array in the order of `columns` (better-sqlite3 binds an array faster than an object of
 * named parameters, which was a fifth of an ingest's time). Rows are added inside a transaction
 * of the Conn; those of a statement not yet full are written by the Conn before that transaction
 * commits (or dropped if it rolls back).
 */
export class BatchedInsert {
  private readonly full: Statement;
  private readonly one: Statement;
  private readonly params: unknown[];
  private rows = 0;

  constructor(private readonly c: Conn, private readonly table: string, private readonly columns: readonly string[]) {
    this.full = c.stmt(insertSql(table, columns, ROWS_PER_STATEMENT));
    this.one = c.stmt(insertSql(table, columns, 1));
    this.params = new Array<unknown>(ROWS_PER_STATEMENT * columns.length);
  }

  add(values: readonly unknown[]): void {
    const width = this.columns.length;
    if (values.length !== width) throw new Error(`${this.table}: ${values.length} values for ${width} columns`);
    const at = this.rows * width;
    for (let i = 0; i < width; i++) this.params[at + i] = values[i];
    if (++this.rows === ROWS_PER_STATEMENT) {
      this.full.run(this.params);
      this.rows = 0;
    } else if (this.rows === 1) {
      this.c.hold(this);
    }
  }

  /**
   * Inserts the rows of a statement not yet full, one at a time (a statement per count would be
   * prepared and kept for each). The Conn calls it before a commit.
   */
  flush(): void {
    const width = this.columns.length;
    for (let r = 0; r < this.rows; r++) this.one.run(this.params.slice(r * width, (r + 1) * width));
    this.rows = 0;
  }

  /** Forgets the rows not yet written: the Conn calls it when their transaction rolls back. */
  discard(): void {
    this.rows = 0;
  }
}
