export * from './types.js';
export { postOrder, treeOrderedNodes, type PathOrder } from './order.js';
export { compareNodeOf } from './node.js';
export { diffTrees, classify, type NodeSource, type TreeDiffItem, type TreeDiffOptions } from './tree-diff.js';
export { alignLayers } from './layers.js';
export { diffConfig, platformOf } from './config.js';
export { alignHistory } from './history.js';
export { compareImages, imageSide, sideFacts, type SideFacts, type SideImage, type CompareSide, type CompareOptions, type ImageComparison } from './compare-images.js';
export { ChangeTable } from './change-table.js';
