// Two images (or two layers of them) compared: summary, tree of differences, diffs, config and history.
export { ComparePage } from './ComparePage.js';
