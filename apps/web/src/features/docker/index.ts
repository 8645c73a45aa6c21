// The Docker engine beside Peel: its images, opening one in Peel, running one, and whether it is there.
export { DockerRunPage } from './DockerRunPage.js';
export { DockerSection } from './DockerSection.js';
export { useDockerImageLookup } from './api/docker-image-lookup.js';
export { useDockerAvailable, useDockerStatus } from './api/docker-status.js';
export { dockerRunLink } from './docker-links.js';
export { dockerKeys } from './api/query-keys.js';
