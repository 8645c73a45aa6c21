import { useCallback, useEffect, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useLocation } from 'wouter';
import type { ImageSummary } from '@peel/api';
import { links } from '../../app/links.js';
import { errorMessage } from '../../lib/api-client.js';
import { imageKeys } from './api/query-keys.js';

/** What a server job that ends with a stored image shows: opens from Docker or a registry. */
export interface ImageJobView {
  id: string;
  state: string;
  image: ImageSummary | null;
  error: { message: string } | null;
}

export interface ImageJobApi<J extends ImageJobView> {
  get(id: string): Promise<J>;
  cancel(id: string): Promise<unknown>;
  /** Whether the job is still going (polled again). */
  running(view: J): boolean;
}

/** How a job ended: the stored image opened; cancelled; or failed (its message). */
export type ImageJobEnd = { outcome: 'opened' } | { outcome: 'cancelled' } | { outcome: 'failed'; message: string } | { outcome: 'left' };

const POLL_MS = 250;

/**
 * Runs one such job at a time: polls it, handing each view to `onView` (for progress), and when
 * it is done refreshes the image list and opens the stored image. Leaving the page stops polling.
 */
export function useImageJob<J extends ImageJobView>(api: ImageJobApi<J>) {
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

  const { get, running } = api;
  const run = useCallback(
    async (start: () => Promise<J>, onView: (view: J) => void): Promise<ImageJobEnd> => {
      if (job.current) return { outcome: 'left' };
      try {
        let view = await start();
        job.current = view.id;
        while (alive.current && running(view)) {
          onView(view);
          await new Promise((r) => setTimeout(r, POLL_MS));
          view = await get(view.id);
        }
        if (!alive.current) return { outcome: 'left' };
        if (view.state === 'done' && view.image) {
          await client.invalidateQueries({ queryKey: imageKeys.list() });
          navigate(links.image(view.image.id));
          return { outcome: 'opened' };
        }
        if (view.state === 'cancelled') return { outcome: 'cancelled' };
        return { outcome: 'failed', message: view.error?.message ?? 'the image could not be opened' };
      } catch (error) {
        return alive.current ? { outcome: 'failed', message: errorMessage(error) } : { outcome: 'left' };
      } finally {
        job.current = null;
      }
    },
    [client, navigate, get, running],
  );

  const { cancel: cancelJob } = api;
  const cancel = useCallback(() => {
    if (job.current) void cancelJob(job.current).catch(() => undefined);
  }, [cancelJob]);

  /** Whether a job is running: one at a time, so a second start is ignored. */
  const busy = useCallback(() => job.current !== null, []);

  return { run, cancel, busy };
}
