import { createContext, useContext } from 'react';
import type { ImageDetail } from '@peel/api';

export const ImageContext = createContext<ImageDetail | null>(null);

/** The image whose pages are being shown; only valid inside <ImageLayout>. */
export function useCurrentImage(): ImageDetail {
  const image = useContext(ImageContext);
  if (!image) throw new Error('useCurrentImage must be used inside <ImageLayout>');
  return image;
}
