import { useCallback, useState } from 'react';
import type { DockerOpenJob } from '@peel/api';
import { ThroughputMeter, type TransferStats } from '../../lib/throughput.js';
import { useImageJob, type ImageJobEnd } from '../images/index.js';
import { cancelOpenJob, getOpenJob, startOpenJob } from './api/open-job.js';

export type DockerOpenState =
  | { status: 'idle' }
  | { status: 'streaming' | 'indexing'; name: string; stats: TransferStats }
  | { status: 'error'; name: string; message: string };

const JOB_API = {
  get: getOpenJob,
  cancel: cancelOpenJob,
  running: (view: DockerOpenJob) => view.state === 'streaming' || view.state === 'indexing',
};

/**
 * Opens an image from Docker: the server streams `docker save` into its ingest while this polls
 * the job, feeding the same throughput meter an upload uses; then it opens the stored image.
 */
export function useDockerOpen() {
  const [state, setState] = useState<DockerOpenState>({ status: 'idle' });
  const job = useImageJob(JOB_API);
  const { run, busy } = job;

  const start = useCallback(
    async (ref: string, name: string) => {
      if (busy()) return;
      const meter = new ThroughputMeter();
      meter.add({ loaded: 0, at: performance.now() });
      setState({ status: 'streaming', name, stats: meter.stats(0) });
      const end: ImageJobEnd = await run(() => startOpenJob(ref), (view) => {
        meter.add({ loaded: view.loaded, at: performance.now() });
        setState({ status: view.state === 'indexing' ? 'indexing' : 'streaming', name, stats: meter.stats(Math.max(view.total ?? 0, view.loaded)) });
      });
      if (end.outcome === 'failed') setState({ status: 'error', name, message: end.message });
      else if (end.outcome !== 'left') setState({ status: 'idle' });
    },
    [run, busy],
  );

  const dismiss = useCallback(() => setState({ status: 'idle' }), []);
  return { state, start, cancel: job.cancel, dismiss };
}
