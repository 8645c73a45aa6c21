// The Config tab: the image's config as JSON, and its editor.
export { ConfigPage } from './ConfigPage.js';
