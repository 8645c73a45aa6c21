// The start page: upload, the stored images, and the Docker engine's images.
export { HomePage } from './HomePage.js';
