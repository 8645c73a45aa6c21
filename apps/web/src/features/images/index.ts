// The stored images: the list, one image's detail, the image a page is showing, its platform.
export { useImage } from './api/get-image.js';
export { imageKeys } from './api/query-keys.js';
export { useImages } from './api/get-images.js';
export { ImageContext, useCurrentImage } from './image-context.js';
export { ImageTable } from './components/ImageTable.js';
export { platformLabel } from './platform.js';
export { useImageJob, type ImageJobView, type ImageJobEnd } from './use-image-job.js';
