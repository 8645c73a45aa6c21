// Registries: an image's manifest, tags and layers read straight from a registry, and opening it in Peel.
export { RegistrySection } from './RegistrySection.js';
