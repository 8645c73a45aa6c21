import { useEffect } from 'react';
import { useImage } from '../features/images/index.js';

/** "alpine:3.19 · Files — Peel": the most specific part first, so a tab strip shows what differs. */
export function documentTitle(parts: Array<string | null | undefined>): string {
  const named = parts.filter((part): part is string => Boolean(part));
  return named.length ? `${named.join(' · ')} — Peel` : 'Peel';
}

/** Sets the browser tab's title while the calling page is shown. */
export function useDocumentTitle(...parts: Array<string | null | undefined>): void {
  const title = documentTitle(parts);
  useEffect(() => {
    document.title = title;
  }, [title]);
}

/** An image page's title: the image (its first tag, else its name) and the view, e.g. "Layer 5 files". */
export function useImageTitle(id: string, view: string): void {
  const image = useImage(id);
  useDocumentTitle(image.data ? (image.data.tags[0] ?? image.data.name) : null, view);
}
