// The Packages tab: what the image's package databases list, which layer installed each, what it costs, and the files no package owns.
export { PackagesPage } from './PackagesPage.js';
