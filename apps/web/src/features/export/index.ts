// Export of an image with its draft: the dialog, its button, download links, and Load into Docker.
export { ExportButton } from './ExportButton.js';
export { ExportDialogProvider, useExportDialog } from './export-dialog-context.js';
export { exportUrl } from './api/export-url.js';
