// The Files tab: a tree of the merged filesystem or of one layer, search, and an entry's details.
export { FilesView } from './FilesView.js';
export { MergedFilesPage } from './MergedFilesPage.js';
export { readFilesParams } from './files-params.js';
export { useExpanded } from './use-expanded.js';
export { FileTree } from './FileTree.js';
// The lazily loaded, virtualised tree the files and other trees are built on.
export { buildListingRows, HEADER_HEIGHT, ROW_HEIGHT, visibleFolders, type SortKey, type PlaceholderRow, type RowPlace, type TreeItems, type TreeListing } from './tree-rows.js';
export { queryListing, useLazyTree } from './use-lazy-tree.js';
