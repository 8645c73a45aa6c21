import { useCallback, useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useLocation } from 'wouter';
import type { RegistryOpenJob } from '@peel/api';
import { links } from '../../app/links.js';
import { errorMessage } from '../../lib/api-client.js';
import { ThroughputMeter, type TransferStats } from '../../lib/throughput.js';
import { imageKeys } from '../images/index.js';
import { cancelRegistryOpen, getRegistryOpen, startRegistryOpen } from './api/registry.js';

export type RegistryOpenState =
  | { status: 'idle' }
  | { status: 'running'; ref: string; job: RegistryOpenJob | null; total: TransferStats; layers: Record<string, TransferStats> }
  | { status: 'error'; ref: string; message: string };

const POLL_MS = 250;

/**
 * Opens an image from a registry: the server streams its layers into the ingest while this polls
 * the job, one throughput meter per layer and one for the whole; then it opens the stored image.
 */
export function useRegistryOpen() {
  const [state, setState] = useState<RegistryOpenState>({ status: 'idle' });
  const job = useRef<string | null>(null);
  const alive = useRef(true);
  const client = useQueryClient();
  const [, navigate] = useLocation();

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const start = useCallback(
    async (ref: string, platform: string | null) => {
      if (job.current) return;
      const total = new ThroughputMeter();
      const meters = new Map<string, ThroughputMeter>();
      total.add({ loaded: 0, at: performance.now() });
      setState({ status: 'running', ref, job: null, total: total.stats(0), layers: {} });
      try {
        let view = await startRegistryOpen(ref, platform);
        job.current = view.id;
        while (alive.current && (view.state === 'resolving' || view.state === 'fetching' || view.state === 'indexing')) {
          const at = performance.now();
          const layers: Record<string, TransferStats> = {};
          for (const l of view.layers) {
            const meter = meters.get(l.digest) ?? meters.set(l.digest, new ThroughputMeter()).get(l.digest)!;
            meter.add({ loaded: l.loaded, at });
            layers[l.digest] = meter.stats(l.size);
          }
          total.add({ loaded: view.layers.reduce((s, l) => s + l.loaded, 0), at });
          setState({ status: 'running', ref, job: view, total: total.stats(view.layers.reduce((s, l) => s + l.size, 0)), layers });
          await new Promise((r) => setTimeout(r, POLL_MS));
          view = await getRegistryOpen(view.id);
        }
        if (!alive.current) return;
        if (view.state === 'done' && view.image) {
          await client.invalidateQueries({ queryKey: imageKeys.list() });
          setState({ status: 'idle' });
          navigate(links.image(view.image.id));
        } else if (view.state === 'cancelled') {
          setState({ status: 'idle' });
        } else {
          setState({ status: 'error', ref, message: view.error?.message ?? 'the image could not be opened' });
        }
      } catch (error) {
        if (alive.current) setState({ status: 'error', ref, message: errorMessage(error) });
      } finally {
        job.current = null;
      }
    },
    [client, navigate],
  );

  const cancel = useCallback(() => {
    if (job.current) void cancelRegistryOpen(job.current).catch(() => undefined);
  }, []);
  const dismiss = useCallback(() => setState({ status: 'idle' }), []);
  return { state, start, cancel, dismiss };
}
