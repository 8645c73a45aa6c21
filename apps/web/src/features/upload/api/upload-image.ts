import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ImageSummary } from '@peel/api';
import { ApiError, apiUrl, parseApiError } from '../../../lib/api-client.js';
import { imageKeys } from '../../images/index.js';

export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadRequest {
  file: File;
  /** Which image of a multi-platform archive to open, e.g. "linux/arm64". */
  platform?: string;
  onProgress: (progress: UploadProgress) => void;
  /** Called once every byte is sent, while the server finishes indexing. */
  onSent?: () => void;
  signal: AbortSignal;
}

/** Raised when the person cancels an upload; not an error worth showing as one. */
export class UploadCancelled extends Error {
  constructor() {
    super('Upload cancelled');
    this.name = 'UploadCancelled';
  }
}

/**
 * `POST /api/images?name=` with the File itself as the body. XMLHttpRequest rather than fetch,
 * because only XHR reports upload progress; the browser streams the file from disk.
 */
export function uploadImage({ file, platform, onProgress, onSent, signal }: UploadRequest): Promise<ImageSummary> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', apiUrl('/api/images', { name: file.name, platform }));
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (event) => onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    xhr.upload.onload = () => onSent?.();
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as ImageSummary);
        } catch {
          reject(new ApiError(xhr.status, 'bad_reply', 'The server accepted the image but its reply was not JSON.'));
        }
      } else {
        reject(parseApiError(xhr.status, xhr.responseText, xhr.statusText));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The upload failed: the connection to the Peel server was lost.'));
    xhr.onabort = () => reject(new UploadCancelled());
    if (signal.aborted) {
      reject(new UploadCancelled());
      return;
    }
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

export function useUploadImage() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: uploadImage,
    // Not exact: other images' details list this one among their platforms.
    onSuccess: () => client.invalidateQueries({ queryKey: imageKeys.list() }),
  });
}
