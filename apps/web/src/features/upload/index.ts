// Uploading an archive: the button, the drop target, the progress panel and their shared state.
export { DropOverlay } from './DropOverlay.js';
export { UploadButton } from './UploadButton.js';
export { UploadPanel } from './UploadPanel.js';
export { UploadProvider, useUpload } from './upload-context.js';
