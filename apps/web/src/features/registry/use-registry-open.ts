import { useCallback, useState } from 'react';
import type { RegistryOpenJob } from '@peel/api';
import { ThroughputMeter, type TransferStats } from '../../lib/throughput.js';
import { useImageJob } from '../images/index.js';
import { cancelRegistryOpen, getRegistryOpen, startRegistryOpen } from './api/registry.js';

export type RegistryOpenState =
  | { status: 'idle' }
  | { status: 'running'; ref: string; job: RegistryOpenJob | null; total: TransferStats; layers: Record<string, TransferStats> }
  | { status: 'error'; ref: string; message: string };

const JOB_API = {
  get: getRegistryOpen,
  cancel: cancelRegistryOpen,
  running: (view: RegistryOpenJob) => view.state === 'resolving' || view.state === 'fetching' || view.state === 'indexing',
};

/**
 * Opens an image from a registry: the server streams its layers into the ingest while this polls
 * the job, one throughput meter per layer and one for the whole; then it opens the stored image.
 */
export function useRegistryOpen() {
  const [state, setState] = useState<RegistryOpenState>({ status: 'idle' });
  const job = useImageJob(JOB_API);
  const { run, busy } = job;

  const start = useCallback(
    async (ref: string, platform: string | null) => {
      if (busy()) return;
      const total = new ThroughputMeter();
      const meters = new Map<string, ThroughputMeter>();
      total.add({ loaded: 0, at: performance.now() });
      setState({ status: 'running', ref, job: null, total: total.stats(0), layers: {} });
      const end = await run(() => startRegistryOpen(ref, platform), (view) => {
        const at = performance.now();
        const layers: Record<string, TransferStats> = {};
        for (const l of view.layers) {
          const meter = meters.get(l.digest) ?? meters.set(l.digest, new ThroughputMeter()).get(l.digest)!;
          meter.add({ loaded: l.loaded, at });
          layers[l.digest] = meter.stats(l.size);
        }
        total.add({ loaded: view.layers.reduce((s, l) => s + l.loaded, 0), at });
        setState({ status: 'running', ref, job: view, total: total.stats(view.layers.reduce((s, l) => s + l.size, 0)), layers });
      });
      if (end.outcome === 'failed') setState({ status: 'error', ref, message: end.message });
      else if (end.outcome !== 'left') setState({ status: 'idle' });
    },
    [run, busy],
  );

  const dismiss = useCallback(() => setState({ status: 'idle' }), []);
  return { state, start, cancel: job.cancel, dismiss };
}
