// The Layers tab: the history table, each layer's size, and one layer's files and changes.
export { CreatedBy } from './CreatedBy.js';
export { LayerPage } from './LayerPage.js';
export { LayersPage } from './LayersPage.js';
