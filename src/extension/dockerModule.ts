// The Docker layer (dockerode, ssh2 for ssh:// engines) is a separate bundle,
// dist/docker.js, loaded on the first Docker call: activation stays small and
// fast, and a workspace that never touches Docker never loads it.
import * as path from 'node:path';

type DockerModule = typeof import('../core/docker');

let loaded: DockerModule | undefined;

export function dockerModule(): DockerModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime-chosen bundle, by design
  loaded ??= require(path.join(__dirname, 'docker.js')) as DockerModule;
  return loaded;
}
