import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { processRuns } from './owner.js';

const LOCK_FILE = 'peel.lock';

interface Holder {
  pid: number;
  host: string;
  started: string;
}

/** A second process asked for a data folder that a live Peel holds. */
export class DataFolderInUseError extends Error {
  readonly code = 'DATA_FOLDER_IN_USE';
}

/**
 * The embedded store (one SQLite file and the blob folder beside it) serves one process: a second
 * Peel on the same folder would clean the first one's temporary files at start, and the two would
 * race each other's writes. A lock file names the process that holds the folder; one left by a
 * process that is gone (kill -9, a power cut) is taken over.
 */
export class DataFolderLock {
  private released = false;

  private constructor(private readonly file: string) {}

  static acquire(dataDir: string): DataFolderLock {
    const file = join(dataDir, LOCK_FILE);
    const me: Holder = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
    // Two tries: the second after removing a lock whose holder is gone; losing that race to
    // another starting process ends in its lock being found alive.
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx', 0o644);
        try {
          writeSync(fd, `${JSON.stringify(me)}\n`);
        } finally {
          closeSync(fd);
        }
        return new DataFolderLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = readHolder(file);
      if (holder && processRuns(holder.pid, holder.host)) {
        throw new DataFolderInUseError(
          `the data folder ${dataDir} is in use by another Peel (pid ${holder.pid} on ${holder.host}, started ${holder.started}): `
          + 'the embedded store serves one process. Stop that one, or start this one with another PEEL_DATA_DIR.',
        );
      }
      try {
        unlinkSync(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    throw new DataFolderInUseError(`the data folder ${dataDir} is being taken by another Peel starting at the same time`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      unlinkSync(this.file);
    } catch {
      // already gone: nothing to give back
    }
  }
}

function readHolder(file: string): Holder | null {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>;
    return typeof holder.pid === 'number' && typeof holder.host === 'string' ? { pid: holder.pid, host: holder.host, started: String(holder.started ?? '') } : null;
  } catch {
    // Unreadable or half-written: a process that died while writing it.
    return null;
  }
}
