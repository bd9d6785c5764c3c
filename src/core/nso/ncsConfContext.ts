// What the ncs.conf checks learn about the production container: its
// environment (secrets redacted), published ports, bind mounts, and which
// ncs.conf it reads. Built from one inspect and a look at the candidate files,
// when the container is selected; nothing while idle.

import { redactEnvironment } from '../../ncsconf/variables';
import type { ContainerContext } from '../../shared/ncsConfProtocol';
import type { ContainerDetails, DockerClient } from '../docker/client';
import { ncsConfInUse } from './ncsConfApply';

/**
 * The context from an inspect. Secret values (ADMIN_PASSWORD and the like)
 * never leave the extension: the server learns that they are set, not what
 * they are. `fileUri` turns a host path of a bind mount into a document URI.
 */
export function ncsConfContextOf(
  details: ContainerDetails,
  fileUri: (hostPath: string) => string,
  inUse?: string,
): ContainerContext {
  return {
    container: {
      name: details.name.replace(/^\//, ''),
      env: redactEnvironment(details.env),
      publishedPorts: details.ports
        .filter((p) => p.protocol !== 'sctp')
        .map((p) => ({
          containerPort: p.containerPort,
          protocol: p.protocol as 'tcp' | 'udp',
          ...(p.hostPort !== undefined ? { hostPort: p.hostPort } : {}),
        })),
      ...(inUse !== undefined ? { ncsConfInUse: inUse } : {}),
    },
    // Bind mounts of files or folders from the workspace: where documents appear inside it.
    mounts: details.mounts
      .filter((m) => m.type === 'bind')
      .map((m) => ({ uri: fileUri(m.source), containerPath: m.destination })),
  };
}

/** The context with the ncs.conf the container reads (/etc/ncs, /nso/etc, /defaults). */
export async function readNcsConfContext(
  docker: DockerClient,
  details: ContainerDetails,
  fileUri: (hostPath: string) => string,
  options: { signal?: AbortSignal; log?: (message: string) => void } = {},
): Promise<ContainerContext> {
  let inUse: string | undefined;
  try {
    inUse = (await ncsConfInUse(docker, details.id, options.signal))?.path;
  } catch (err) {
    // Without it the file only misses its "used by" line; the other checks still run.
    options.log?.(`which ncs.conf ${details.name} reads is unknown (${String(err)})`);
  }
  return ncsConfContextOf(details, fileUri, inUse);
}
