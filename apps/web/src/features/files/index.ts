// The Files tab: a tree of the merged filesystem or of one layer, search, and an entry's details.
export { FilesView } from './FilesView.js';
export { MergedFilesPage } from './MergedFilesPage.js';
export { readFilesParams } from './files-params.js';
export { useExpanded } from './use-expanded.js';
export { buildListingRows, type PlaceholderRow, type RowPlace, type TreeItems, type TreeListing } from './tree-rows.js';
