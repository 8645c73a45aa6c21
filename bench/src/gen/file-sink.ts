import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { ByteSink } from '@peel/engine';

/** A ByteSink writing to a file, with backpressure; close() waits until the bytes are on disk (in the page cache). */
export function fileSink(path: string): ByteSink & { close(): Promise<void> } {
  const out = createWriteStream(path);
  let failed: Error | null = null;
  out.on('error', (e) => (failed = e));
  return {
    async write(chunk) {
      if (failed) throw failed;
      if (!out.write(chunk)) await once(out, 'drain');
    },
    close: () => new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e || failed ? reject(e ?? failed) : resolve()))),
  };
}
