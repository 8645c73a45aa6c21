import { PassThrough } from 'node:stream';
import { once } from 'node:events';
import type { DockerLoadResult } from '@peel/api';
import type { DockerClient } from './client.js';
import { readText } from './client.js';
import { DockerEngineError } from './errors.js';

/** Where an archive writer puts its bytes (the engine's export `write(sink)` shape). */
export interface ArchiveSink {
  write(chunk: Buffer): Promise<void>;
}

/**
 * `docker load`: streams an archive, as `write` produces it, into `POST /images/load` and
 * reads back the names the engine gave it. Backpressure goes all the way to the writer.
 */
export async function loadArchive(docker: DockerClient, write: (sink: ArchiveSink) => Promise<void>, signal?: AbortSignal): Promise<DockerLoadResult> {
  const body = new PassThrough({ highWaterMark: 1024 * 1024 });
  const reply = docker.request({ method: 'POST', path: '/images/load', query: { quiet: true }, body, signal });
  // The engine may answer (an error) before it has read everything: stop writing then.
  let answered = false;
  void reply.then(
    () => (answered = true),
    (err: unknown) => {
      answered = true;
      body.destroy(err as Error);
    },
  );
  const sink: ArchiveSink = {
    async write(chunk) {
      if (answered && body.destroyed) throw new DockerEngineError(502, 'the engine stopped reading the archive');
      if (!body.write(chunk)) await drainedOrClosed(body);
    },
  };
  try {
    await write(sink);
    body.end();
  } catch (err) {
    body.destroy(err as Error);
    await reply.catch(() => {});
    throw err;
  }
  const res = await reply;
  return parseLoadReply(await readText(res, 1024 * 1024));
}

/**
 * Waits until the stream takes more bytes or is gone. Both waits end here, the losing one
 * included: a listener left behind per wait would pile up over a large archive.
 */
async function drainedOrClosed(stream: PassThrough): Promise<void> {
  const done = new AbortController();
  try {
    await Promise.race([once(stream, 'drain', { signal: done.signal }), once(stream, 'close', { signal: done.signal })]);
  } finally {
    done.abort();
  }
}

/**
 * The reply is JSON lines: `{"stream":"Loaded image: alpyne:latest\n"}` per name (or
 * `Loaded image ID: sha256:…` for an untagged image), or `{"error": …}` when it failed.
 */
export function parseLoadReply(text: string): DockerLoadResult {
  const tags: string[] = [];
  const ids: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let msg: { stream?: string; error?: string; errorDetail?: { message?: string } };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      continue;
    }
    if (msg.error || msg.errorDetail) throw new DockerEngineError(400, msg.errorDetail?.message ?? msg.error ?? 'docker load failed');
    for (const part of (msg.stream ?? '').split('\n')) {
      const id = part.match(/^Loaded image ID: (\S+)/);
      const name = part.match(/^Loaded image: (\S+)/);
      if (id) ids.push(id[1]);
      else if (name) tags.push(name[1]);
    }
  }
  const loaded = tags[0] ?? ids[0];
  if (!loaded) throw new DockerEngineError(502, `docker load reported no image (${JSON.stringify(text.slice(0, 200))})`);
  return { loaded, tags: tags.length ? tags : ids };
}
