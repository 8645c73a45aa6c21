import { Readable } from 'node:stream';

/**
 * A JSON array sent as it is read, chunk by chunk: a reply of a million items is never one
 * string or one array in memory. Each item is written by JSON.stringify, so items must already
 * be in the shape the route's schema describes (the schema's serializer does not run on a stream).
 */
export function jsonArray(chunks: AsyncIterable<readonly unknown[]>): Readable {
  return Readable.from((async function* () {
    yield '[';
    let first = true;
    for await (const chunk of chunks) {
      if (!chunk.length) continue;
      const text = chunk.map((item) => JSON.stringify(item)).join(',');
      yield first ? text : `,${text}`;
      first = false;
    }
    yield ']';
  })(), { objectMode: false });
}
