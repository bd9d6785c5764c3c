// Puts an ncs.conf where a running NSO container reads it and asks NSO to
// reload it. A file NSO refuses is put back as it was, so a typo cannot leave
// the next restart with a configuration that does not load.
//
// Start NSO bind-mounts the workspace's ncs.conf at /nso/etc/ncs.conf. Docker
// cannot replace a bind-mounted file through its archive API ("device or
// resource busy"), and needs not: the container already reads the host file,
// so saving it is the copy. A bind mount of some other host file is left
// alone: overwriting it would change a file the user did not open.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isFragmentPath } from '../../ncsconf/binding';
import type { DockerClient, MountInfo } from '../docker/client';
import { isDockerError } from '../docker/errors';
import { ncsConfCandidates } from './prodContainer';

/** Where the ncs.conf NSO reads comes from, seen from the host. */
export type NcsConfSource =
  /** The container's own file system or a named volume: it can be copied in. */
  | { readonly kind: 'container' }
  /** A bind mount of the very host file being applied (or of its folder). */
  | { readonly kind: 'this-file'; readonly hostPath: string }
  /** A bind mount of another host file. */
  | { readonly kind: 'other-file'; readonly hostPath: string };

export interface ApplyNcsConfResult {
  ok: boolean;
  /** The file NSO reads inside the container. */
  containerPath: string;
  /** What ncs_cmd said, or why nothing was reloaded. */
  output: string;
  /** The previous file was written back because NSO refused the new one. */
  restored: boolean;
  /**
   * copied: written into the container; in-place: the saved host file is the
   * one NSO reads; mounted-elsewhere: NSO reads another host file, nothing done.
   */
  how: 'copied' | 'in-place' | 'mounted-elsewhere';
  /** The host file NSO reads, for a bind mount. */
  hostPath?: string;
  /** Saved, but the container still sees the file as it was: nothing was reloaded. */
  staleMount?: boolean;
}

export interface ApplyNcsConfOptions {
  /** The host file the content comes from (the editor's document). */
  readonly hostFile?: string;
  /**
   * Writes the content to hostFile when NSO reads that very file. Default:
   * write it in place (same inode), so a single-file bind mount still sees it.
   */
  readonly save?: () => Promise<void>;
  readonly signal?: AbortSignal;
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

/**
 * Which mount, if any, provides containerPath: the one with the longest
 * destination that is the path or a folder above it (Docker stacks mounts
 * the same way). hostFiles are the spellings of the file being applied
 * (as opened, and with symlinks resolved).
 */
export function ncsConfSource(
  mounts: readonly MountInfo[],
  containerPath: string,
  hostFiles: readonly string[],
): NcsConfSource {
  const target = path.posix.normalize(containerPath);
  let best: MountInfo | undefined;
  for (const m of mounts) {
    const dest = path.posix.normalize(m.destination).replace(/(.)\/$/, '$1');
    const covers = target === dest || target.startsWith(dest === '/' ? '/' : `${dest}/`);
    if (covers && (!best || dest.length > path.posix.normalize(best.destination).length)) best = m;
  }
  if (!best || best.type !== 'bind') return { kind: 'container' };
  const rel = path.posix.relative(path.posix.normalize(best.destination), target);
  const hostPath = rel ? path.join(best.source, ...rel.split('/')) : best.source;
  const same = hostFiles.some((f) => path.resolve(f) === path.resolve(hostPath));
  return { kind: same ? 'this-file' : 'other-file', hostPath };
}

export async function applyNcsConf(
  docker: DockerClient,
  container: string,
  content: string,
  options: ApplyNcsConfOptions = {},
): Promise<ApplyNcsConfResult> {
  const { signal } = options;
  // A fragment holds one section: put where NSO reads its ncs.conf, it would replace the whole file.
  if (options.hostFile && isFragmentPath(options.hostFile)) {
    throw new Error(
      `${path.basename(options.hostFile)} is an ncs.conf.d/ fragment, not a whole ncs.conf: applying it would replace the ncs.conf NSO reads. Nothing was applied.`,
    );
  }
  const call = signal ? { signal } : {};
  const details = await docker.inspectContainer(container, call);
  if (!details.state.running) throw new Error(`container ${details.name} is not running`);
  const inUse = await ncsConfInUse(docker, container, signal);
  const containerPath = inUse?.path ?? '/nso/etc/ncs.conf';
  const hostFiles = options.hostFile ? [options.hostFile] : [];
  if (options.hostFile) {
    const real = await fs.realpath(options.hostFile).catch(() => undefined);
    if (real) hostFiles.push(real);
  }
  const source = ncsConfSource(details.mounts, containerPath, hostFiles);
  if (source.kind === 'other-file') {
    return {
      ok: false,
      containerPath,
      output: `NSO reads ${containerPath} from the host file ${source.hostPath} (a bind mount), not from this file: edit that file, or start NSO with this one mounted.`,
      restored: false,
      how: 'mounted-elsewhere',
      hostPath: source.hostPath,
    };
  }
  if (source.kind === 'this-file') {
    const hostFile = options.hostFile ?? source.hostPath;
    await (options.save ? options.save() : writeInPlace(hostFile, content));
    // An editor that saves by replacing the file leaves a single-file bind
    // mount on the old inode; a remote engine's host is another machine.
    // Either way NSO would reload stale content and say it worked.
    const seen = await readInContainer(docker, container, containerPath, signal);
    if (withoutBom(seen) !== withoutBom(content)) {
      return {
        ok: false,
        containerPath,
        output: `${containerPath} in the container still shows the file as it was before it was replaced (git checkout, sed -i and some editors write a new file, which the bind mount of ${source.hostPath} does not follow; or the Docker engine runs on another machine). Restart NSO (its data is kept): it starts with the saved file. Nothing was reloaded.`,
        restored: false,
        how: 'in-place',
        hostPath: source.hostPath,
        staleMount: true,
      };
    }
    const reload = await reloadNcsConf(docker, container, details.env.NCS_DIR, signal);
    // A refused file stays saved: it is the user's document, and NSO keeps
    // running the configuration it had.
    return {
      ok: reload.ok,
      containerPath,
      output: reload.output,
      restored: false,
      how: 'in-place',
      hostPath: source.hostPath,
    };
  }
  await docker.writeFile(container, containerPath, content, { ...call, mode: 0o644 });
  const reload = await reloadNcsConf(docker, container, details.env.NCS_DIR, signal);
  if (reload.ok)
    return { ok: true, containerPath, output: reload.output, restored: false, how: 'copied' };
  if (inUse)
    await docker.writeFile(container, containerPath, inUse.content, { ...call, mode: 0o644 });
  return { ok: false, containerPath, output: reload.output, restored: !!inUse, how: 'copied' };
}

/** `ncs_cmd -c reload`: NSO reads its ncs.conf again, or says why not. */
async function reloadNcsConf(
  docker: DockerClient,
  container: string,
  ncsDir: string | undefined,
  signal: AbortSignal | undefined,
): Promise<{ ok: boolean; output: string }> {
  const ncsCmd = path.posix.join(ncsDir || '/opt/ncs/current', 'bin', 'ncs_cmd');
  const reload = await docker.exec(container, [ncsCmd, '-c', 'reload'], {
    ...(signal ? { signal } : {}),
    timeoutMs: 60_000,
  });
  const output = `${reload.stdout}${reload.stderr}`.trim();
  const ok = reload.exitCode === 0;
  return { ok, output: output || (ok ? '' : `ncs_cmd exited ${reload.exitCode}`) };
}

/**
 * The file as processes in the container see it. Docker's archive API reads
 * a bind-mounted path from its host path again, so it would show the saved
 * file even when the container's mount still holds the replaced one: `cat`
 * in the container reads what NSO reads.
 */
async function readInContainer(
  docker: DockerClient,
  container: string,
  file: string,
  signal: AbortSignal | undefined,
): Promise<string> {
  const r = await docker.exec(container, ['cat', '--', file], {
    ...(signal ? { signal } : {}),
    timeoutMs: 30_000,
  });
  if (r.exitCode !== 0) {
    throw new Error(
      `could not read ${file} in the container: ${r.stderr.trim() || `cat exited ${r.exitCode}`}`,
    );
  }
  return r.stdout;
}

/** An editor may save a byte order mark the document text does not show. */
function withoutBom(text: string): string {
  return text.replace(/^\uFEFF/, '');
}

/** Truncate and write, keeping the inode a single-file bind mount refers to. */
async function writeInPlace(file: string, content: string): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.truncate(0);
    await handle.write(content, 0, 'utf8');
  } finally {
    await handle.close();
  }
}
