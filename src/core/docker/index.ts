// The Docker layer's public face: the interface, its one implementation's
// factory, endpoint resolution and the error type.

export type * from './client';
export {
  createDockerClient,
  defaultApiTimeoutMs,
  type DockerClientOptions,
} from './dockerodeClient';
export {
  dockerConfigDir,
  nodeEndpointSources,
  originText,
  parseDockerHost,
  resolveDockerEndpoint,
  type DockerEndpoint,
  type DockerTlsMaterial,
  type DockerTransport,
  type EndpointOrigin,
  type EndpointSources,
} from './endpoint';
export {
  DockerError,
  isDockerError,
  type DockerErrorKind,
  type DockerResource,
  type DockerResourceType,
} from './errors';
