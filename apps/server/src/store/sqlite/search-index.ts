import { ExternalSort } from '@peel/engine';
import type { Conn } from './conn.js';

/** Names remembered as seen: a repeated name (index.js, f0001.txt) then costs nothing more. */
const RECENT_NAMES = 8192;
/** Names written per transaction once the rows are in. */
const NAMES_CHUNK = 4096;

/**
 * Fills an image's fs_folders and fs_names (the substring search's index, see migrations.ts) as
 * its merged rows are written. Rows come a folder at a time, so a parent is written (inside the
 * row writer's transaction) once per run of its rows. Names come in no useful order: written as
 * they come, a million names unlike each other (content hashes) cost SQLite a random b-tree
 * insert each, 110 s for 3 million here against 4 s in order; so the names not seen lately
 * are sorted on disk, and written in order, each once, after the rows.
 */
export class SearchIndexWriter {
  private lastLiveFolder: Buffer | undefined;
  private lastShadowedFolder: Buffer | undefined;
  private readonly recentNames = new Set<string>();
  /** Names as latin1 strings: one character per byte, so that string order is byte order. */
  private readonly names = new ExternalSort<string>({
    compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
    encode: (name) => [name],
    decode: ([name]) => name as string,
  });

  constructor(private readonly c: Conn, private readonly image: number) {}

  /** Called for every fs_nodes row and (`shadowed`) fs_shadowed row, inside the transaction that writes it. */
  note(parent: Buffer, name: Buffer, shadowed: boolean): void {
    const last = shadowed ? this.lastShadowedFolder : this.lastLiveFolder;
    if (last === undefined || !last.equals(parent)) {
      this.c.stmt(`INSERT INTO fs_folders (image, folder, live, shadowed) VALUES (?, ?, ?, ?)
        ON CONFLICT (image, folder) DO UPDATE SET live = max(live, excluded.live), shadowed = max(shadowed, excluded.shadowed)`)
        .run(this.image, parent, shadowed ? 0 : 1, shadowed ? 1 : 0);
      if (shadowed) this.lastShadowedFolder = parent;
      else this.lastLiveFolder = parent;
    }
    const key = name.toString('latin1');
    if (this.recentNames.has(key)) return;
    if (this.recentNames.size >= RECENT_NAMES) this.recentNames.clear();
    this.recentNames.add(key);
    this.names.add(key);
  }

  /** Once every row is written. */
  async writeNames(check?: () => void): Promise<void> {
    const insert = this.c.stmt(`INSERT OR IGNORE INTO fs_names (image, name) VALUES (?, ?)`);
    let chunk: Buffer[] = [];
    const flush = async () => {
      check?.();
      const names = chunk;
      chunk = [];
      await this.c.write(() => {
        for (const name of names) insert.run(this.image, name);
      });
    };
    let last: string | undefined;
    for await (const batch of this.names.sorted()) {
      for (const name of batch) {
        if (name === last) continue;
        last = name;
        chunk.push(Buffer.from(name, 'latin1'));
      }
      if (chunk.length >= NAMES_CHUNK) await flush();
    }
    if (chunk.length > 0) await flush();
  }

  /** Removes the sort's files (whether or not the names were written). */
  dispose(): void {
    this.names.dispose();
  }
}
