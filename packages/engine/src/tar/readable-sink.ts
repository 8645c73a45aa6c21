import { PassThrough } from 'node:stream';
import type { ByteSink } from './writer.js';

/**
 * A ByteSink whose bytes come out of a Readable (an HTTP reply, an ingest), with backpressure:
 * write() waits while the reader is behind, and fails once the reader is gone, so a writer
 * never waits forever on a closed download.
 */
export function readableSink(highWaterMark = 1024 * 1024): { stream: PassThrough; sink: ByteSink } {
  const stream = new PassThrough({ highWaterMark });
  const gone = () => new Error('the reader of the bytes went away');
  const sink: ByteSink = {
    write(chunk) {
      if (stream.destroyed || stream.writableEnded) return Promise.reject(gone());
      if (stream.write(chunk)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          stream.off('close', onClose);
          resolve();
        };
        const onClose = () => {
          stream.off('drain', onDrain);
          reject(gone());
        };
        stream.once('drain', onDrain);
        stream.once('close', onClose);
      });
    },
  };
  return { stream, sink };
}
