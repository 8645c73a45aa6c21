// The Packages tab: what the image's package databases list, which layer installed each, what it costs, and the files no package owns.
export { LayerPackages } from './LayerPackages.js';
export { PackagesPage } from './PackagesPage.js';
export { OwningPackages } from './OwningPackages.js';
export { BiggestPackages } from './BiggestPackages.js';
