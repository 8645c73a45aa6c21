import { Transform, type Readable } from 'node:stream';
import { ApiError } from '../errors.js';

/**
 * Passes the upload through, counting bytes, and fails with 413 as soon as it exceeds `max`.
 * The request itself is not destroyed (pipe, not pipeline), so the 413 reply can still go out.
 */
export function limitBytes(body: Readable, max: number): Readable {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > max) cb(new ApiError(413, 'UPLOAD_TOO_LARGE', `the upload is larger than the limit of ${max} bytes (PEEL_MAX_UPLOAD_BYTES)`));
      else cb(null, chunk);
    },
  });
  body.on('error', (e) => counter.destroy(e));
  body.on('aborted', () => counter.destroy(new ApiError(400, 'ABORTED', 'the client cancelled the upload')));
  counter.on('error', () => body.unpipe(counter));
  body.pipe(counter);
  return counter;
}
