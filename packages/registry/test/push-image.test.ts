import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pushImage, type PushBlobSource } from '../src/push-image.js';
import type { ImageReference, RegistryClient } from '../src/types.js';

const ref: ImageReference = { registry: '127.0.0.1:5000', repository: 'team/app', tag: '2', digest: null };

/**
 * The order and failure rules of a push, over a client that records what it was asked: the
 * wire protocol itself is checked against the real docker-registry in the interop tests.
 */
function recordingClient(behaviour: (digest: string, signal?: AbortSignal) => Promise<'exists' | 'mounted' | 'uploaded'>) {
  const calls: string[] = [];
  const client = {
    pushBlob: async (_ref: ImageReference, d: { digest: string }, _open: unknown, o?: { signal?: AbortSignal; mountFrom?: string }) => {
      calls.push(`blob ${d.digest} from ${o?.mountFrom ?? '-'}`);
      return behaviour(d.digest, o?.signal);
    },
    pushManifest: async () => {
      calls.push('manifest');
      return 'sha256:m';
    },
  } as unknown as RegistryClient;
  return { client, calls };
}

const blobs = (n: number): PushBlobSource[] => Array.from({ length: n }, (_, i) => ({ digest: `sha256:${i}`, size: 1, open: () => Readable.from([Buffer.from('x')]) }));
const manifest = { mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes: Buffer.from('{}') };

function untilAborted(signal?: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('stopped')), { once: true }));
}

describe('pushImage', () => {
  it('puts every blob, then the manifest, and reports each outcome in the order given', async () => {
    const outcomes = ['exists', 'mounted', 'uploaded', 'uploaded'] as const;
    const { client, calls } = recordingClient(async (d) => outcomes[Number(d.slice(7))]!);
    const result = await pushImage(client, ref, { blobs: blobs(4), manifest }, { parallel: 3, mountFrom: (d) => (d === 'sha256:1' ? 'team/base' : undefined) });
    expect(result).toEqual({ digest: 'sha256:m', outcomes: [...outcomes] });
    expect(calls.at(-1)).toBe('manifest');
    expect(calls).toContain('blob sha256:1 from team/base');
    expect(calls).toContain('blob sha256:0 from -');
  });

  it('a failing blob stops the others, is the error told, and the manifest is never put', async () => {
    const boom = new Error('registry said no');
    const { client, calls } = recordingClient(async (d, signal) => {
      if (d === 'sha256:1') throw boom;
      return untilAborted(signal);
    });
    await expect(pushImage(client, ref, { blobs: blobs(6), manifest }, { parallel: 2 })).rejects.toBe(boom);
    expect(calls).not.toContain('manifest');
    // Blobs 0 and 1 started; the failure stopped the worker that held 0 and no blob after them began.
    expect(calls).toEqual(['blob sha256:0 from -', 'blob sha256:1 from -']);
  });

  it('cancelled by its caller while blobs go up: no manifest', async () => {
    const abort = new AbortController();
    const { client, calls } = recordingClient(async (_d, signal) => untilAborted(signal));
    const pushing = pushImage(client, ref, { blobs: blobs(2), manifest }, { signal: abort.signal });
    abort.abort();
    await expect(pushing).rejects.toThrow('stopped');
    expect(calls).toEqual(['blob sha256:0 from -']);
  });
});
