import { ApiError } from '../errors.js';

/** No engine answers (no socket, refused, unsupported DOCKER_HOST): every Docker route is 503. */
export class DockerUnavailableError extends ApiError {
  constructor(readonly reason: string) {
    super(503, 'DOCKER_UNAVAILABLE', `Docker is not available: ${reason}`);
    this.name = 'DockerUnavailableError';
  }
}

/**
 * The engine answered with an error. Its own message is kept (it names the image or container);
 * 404 and 409 keep their meaning, anything else is the engine's failure (502).
 */
export class DockerEngineError extends ApiError {
  constructor(readonly engineStatus: number, message: string) {
    const status = engineStatus === 404 || engineStatus === 409 ? engineStatus : engineStatus === 400 ? 400 : 502;
    const code = engineStatus === 404 ? 'DOCKER_NOT_FOUND' : engineStatus === 409 ? 'DOCKER_CONFLICT' : 'DOCKER_ERROR';
    super(status, code, `Docker: ${message}`);
    this.name = 'DockerEngineError';
  }
}

/** Runs are off on this server: it listens beyond loopback and PEEL_DOCKER_RUNS=1 was not given. */
export class DockerRunsDisabledError extends ApiError {
  constructor(reason: string) {
    super(403, 'DOCKER_RUNS_DISABLED', reason);
    this.name = 'DockerRunsDisabledError';
  }
}
