// A JSON document as a tree whose strings can lead somewhere (a digest to its blob, say).
export { JsonViewer, type LinkResolver } from './JsonViewer.js';
