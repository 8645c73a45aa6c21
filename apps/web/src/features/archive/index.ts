// The archive's own files (manifest.json, index.json, blobs), and where a digest in its JSON leads.
export { ArchivePage } from './ArchivePage.js';
export { useArchive } from './api/get-archive.js';
export { archiveLinkResolver } from './digest-links.js';
