// The frame of every image page: the header (facts, platform, export) and the tabs.
export { ImageLayout, type ImageTab } from './ImageLayout.js';
