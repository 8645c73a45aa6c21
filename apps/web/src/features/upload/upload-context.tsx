import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import { ThroughputMeter, type TransferStats } from '../../lib/throughput.js';
import { errorMessage } from '../../lib/api-client.js';
import { links } from '../../app/links.js';
import { UploadCancelled, useUploadImage } from './api/upload-image.js';

export type UploadState =
  | { status: 'idle' }
  | { status: 'uploading' | 'processing'; fileName: string; stats: TransferStats }
  | { status: 'error'; fileName: string; message: string; error: unknown };

interface UploadApi {
  state: UploadState;
  /** Starts uploading a file; ignored while another upload runs. */
  start: (file: File, options?: { platform?: string }) => void;
  /** The file an image was opened from in this session, to open its other platforms without asking again. */
  fileOf: (imageId: string) => File | undefined;
  cancel: () => void;
  dismiss: () => void;
}

const UploadContext = createContext<UploadApi | null>(null);

/** Holds the one upload in flight, so the drop overlay, buttons and progress card share it. */
export function UploadProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<UploadState>({ status: 'idle' });
  const controller = useRef<AbortController | null>(null);
  const files = useRef(new Map<string, File>());
  const { mutateAsync } = useUploadImage();
  const [, navigate] = useLocation();

  const start = useCallback(
    (file: File, options: { platform?: string } = {}) => {
      if (controller.current) return;
      const abort = new AbortController();
      controller.current = abort;
      const meter = new ThroughputMeter();
      meter.add({ loaded: 0, at: performance.now() });
      setState({ status: 'uploading', fileName: file.name, stats: meter.stats(file.size) });
      mutateAsync({
          file,
          platform: options.platform,
          signal: abort.signal,
          onProgress: ({ loaded, total }) => {
            meter.add({ loaded, at: performance.now() });
            setState((s) => (s.status === 'uploading' ? { ...s, stats: meter.stats(total) } : s));
          },
          onSent: () => setState((s) => (s.status === 'uploading' ? { ...s, status: 'processing', stats: meter.stats(file.size) } : s)),
        })
        .then((image) => {
          files.current.set(image.id, file);
          setState({ status: 'idle' });
          navigate(links.image(image.id));
        })
        .catch((error: unknown) => {
          if (error instanceof UploadCancelled) setState({ status: 'idle' });
          else setState({ status: 'error', fileName: file.name, message: errorMessage(error), error });
        })
        .finally(() => {
          controller.current = null;
        });
    },
    [mutateAsync, navigate],
  );

  const cancel = useCallback(() => controller.current?.abort(), []);
  const dismiss = useCallback(() => setState({ status: 'idle' }), []);
  const fileOf = useCallback((imageId: string) => files.current.get(imageId), []);
  const api = useMemo(() => ({ state, start, cancel, dismiss, fileOf }), [state, start, cancel, dismiss, fileOf]);
  return <UploadContext.Provider value={api}>{children}</UploadContext.Provider>;
}

export function useUpload(): UploadApi {
  const api = useContext(UploadContext);
  if (!api) throw new Error('useUpload must be used inside <UploadProvider>');
  return api;
}
