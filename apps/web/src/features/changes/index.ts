// What a layer changed (added, modified, deleted), and a file's diff between two versions.
export { ChangesView } from './ChangesView.js';
export { DiffView, type DiffSide } from './DiffView.js';
