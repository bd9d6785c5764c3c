// Puts an ncs.conf where a running NSO container reads it and asks NSO to
// reload it. A file NSO refuses is put back as it was, so a typo cannot leave
// the next restart with a configuration that does not load.

import * as path from 'node:path';
import type { DockerClient } from '../docker/client';
import { isDockerError } from '../docker/errors';
import { ncsConfCandidates } from './prodContainer';

export interface ApplyNcsConfResult {
  ok: boolean;
  /** The file written inside the container. */
  containerPath: string;
  /** What ncs_cmd said. */
  output: string;
  /** The previous file was written back because NSO refused the new one. */
  restored: boolean;
}

/** The ncs.conf NSO reads at start: the first of /etc/ncs, /nso/etc, /defaults that exists. */
export async function ncsConfInUse(
  docker: DockerClient,
  container: string,
  signal?: AbortSignal,
): Promise<{ path: string; content: Buffer } | undefined> {
  for (const candidate of ncsConfCandidates) {
    try {
      const content = await docker.readFile(container, candidate, signal ? { signal } : {});
      return { path: candidate, content };
    } catch (err) {
      if (!isDockerError(err, 'notFound')) throw err;
    }
  }
  return undefined;
}

export async function applyNcsConf(
  docker: DockerClient,
  container: string,
  content: string,
  signal?: AbortSignal,
): Promise<ApplyNcsConfResult> {
  const call = signal ? { signal } : {};
  const details = await docker.inspectContainer(container, call);
  if (!details.state.running) throw new Error(`container ${details.name} is not running`);
  const inUse = await ncsConfInUse(docker, container, signal);
  const containerPath = inUse?.path ?? '/nso/etc/ncs.conf';
  const ncsCmd = path.posix.join(details.env.NCS_DIR || '/opt/ncs/current', 'bin', 'ncs_cmd');
  await docker.writeFile(container, containerPath, content, { ...call, mode: 0o644 });
  const reload = await docker.exec(container, [ncsCmd, '-c', 'reload'], {
    ...call,
    timeoutMs: 60_000,
  });
  const output = `${reload.stdout}${reload.stderr}`.trim();
  if (reload.exitCode === 0) return { ok: true, containerPath, output, restored: false };
  if (inUse)
    await docker.writeFile(container, containerPath, inUse.content, { ...call, mode: 0o644 });
  return {
    ok: false,
    containerPath,
    output: output || `ncs_cmd exited ${reload.exitCode}`,
    restored: !!inUse,
  };
}
