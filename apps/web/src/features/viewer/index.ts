// A file's contents: read in pages, shown as text (highlighted by type) or as a hex dump.
export { FileViewer } from './FileViewer.js';
export { HexView } from './HexView.js';
export { contentUrl, getContentPage, useContentPage, type ContentLayer } from './api/get-content.js';
export { contentKeys } from './api/query-keys.js';
export { codeContrast } from './code-theme.js';
export { LANGUAGE_LABELS, languageExtension } from './language.js';
export { languageIdFor, type LanguageId } from './language-id.js';
