// The image's filesystem as the API lists it: folder pages and the entries at one path.
export { dirQueryOptions, FIRST_PAGE, loadDirRows, useEntryVersions, type FsScope } from './api/get-dir.js';
export { fsKeys } from './api/query-keys.js';
