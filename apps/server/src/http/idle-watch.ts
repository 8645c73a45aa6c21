import { Transform, type Readable } from 'node:stream';
import { ApiError } from '../errors.js';

/**
 * Passes a request body through and fails it with 408 when the client sends nothing for `ms`
 * while the server is waiting for bytes. The clock runs only while the reader wants more: a
 * server that is busy writing (backpressure) never times a client out. Errors and aborts of the
 * source are forwarded, so consumers see a cancelled upload as before.
 */
export function watchIdle(source: Readable, ms: number): Readable {
  let timer: NodeJS.Timeout | null = null;
  const disarm = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  const watch = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      disarm();
      cb(null, chunk);
    },
    flush(cb) {
      disarm();
      cb();
    },
    destroy(err, cb) {
      disarm();
      cb(err);
    },
  });
  const read = watch._read.bind(watch);
  watch._read = (size: number) => {
    if (!timer && !source.readableEnded && !watch.destroyed) {
      timer = setTimeout(() => {
        timer = null;
        const stalled = new ApiError(408, 'UPLOAD_STALLED', `the client sent nothing for ${Math.round(ms / 1000)} s; the upload is abandoned`);
        // The 408 reply then closes the connection (the request was not read to its end).
        watch.destroy(stalled);
      }, ms);
    }
    read(size);
  };
  source.on('error', (e) => watch.destroy(e));
  source.on('aborted', () => watch.destroy(new ApiError(400, 'ABORTED', 'the client cancelled the upload')));
  source.on('end', disarm);
  source.pipe(watch);
  return watch;
}
