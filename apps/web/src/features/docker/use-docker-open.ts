import { useCallback, useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useLocation } from 'wouter';
import { links } from '../../app/links.js';
import { errorMessage } from '../../lib/api-client.js';
import { ThroughputMeter, type TransferStats } from '../../lib/throughput.js';
import { imageKeys } from '../images/index.js';
import { cancelOpenJob, getOpenJob, startOpenJob } from './api/open-job.js';

export type DockerOpenState =
  | { status: 'idle' }
  | { status: 'streaming' | 'indexing'; name: string; stats: TransferStats }
  | { status: 'error'; name: string; message: string };

const POLL_MS = 250;

/**
 * Opens an image from Docker: the server streams `docker save` into its ingest while this polls
 * the job, feeding the same throughput meter an upload uses; then it opens the stored image.
 */
export function useDockerOpen() {
  const [state, setState] = useState<DockerOpenState>({ status: 'idle' });
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
    async (ref: string, name: string) => {
      if (job.current) return;
      const meter = new ThroughputMeter();
      meter.add({ loaded: 0, at: performance.now() });
      setState({ status: 'streaming', name, stats: meter.stats(0) });
      try {
        let view = await startOpenJob(ref);
        job.current = view.id;
        while (alive.current && (view.state === 'streaming' || view.state === 'indexing')) {
          meter.add({ loaded: view.loaded, at: performance.now() });
          const stats = meter.stats(Math.max(view.total ?? 0, view.loaded));
          setState({ status: view.state, name, stats });
          await new Promise((r) => setTimeout(r, POLL_MS));
          view = await getOpenJob(view.id);
        }
        if (!alive.current) return;
        if (view.state === 'done' && view.image) {
          await client.invalidateQueries({ queryKey: imageKeys.list() });
          setState({ status: 'idle' });
          navigate(links.image(view.image.id));
        } else if (view.state === 'cancelled') {
          setState({ status: 'idle' });
        } else {
          setState({ status: 'error', name, message: view.error?.message ?? 'the image could not be opened' });
        }
      } catch (error) {
        if (alive.current) setState({ status: 'error', name, message: errorMessage(error) });
      } finally {
        job.current = null;
      }
    },
    [client, navigate],
  );

  const cancel = useCallback(() => {
    if (job.current) void cancelOpenJob(job.current).catch(() => undefined);
  }, []);
  const dismiss = useCallback(() => setState({ status: 'idle' }), []);
  return { state, start, cancel, dismiss };
}
