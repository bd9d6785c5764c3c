// The production container: NSO itself, from the production image, running
// the workspace's packages. One per workspace folder, found again by its
// labels; its /nso volume (CDB, state, backups) outlives the container, so
// stopping, removing and starting again keeps NSO's data unless the user
// explicitly asks to delete the volume.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { delay } from '../cancel';
import type {
  BindMountSpec,
  ContainerDetails,
  ContainerSummary,
  DockerClient,
  HealthcheckConfig,
  ImageDetails,
  Labels,
  PortSpec,
  VolumeMountSpec,
} from '../docker/client';
import { isDockerError } from '../docker/errors';
import { nsoImageCandidates, splitRef, versionFromTag, type LocalImage } from './images';
import {
  roleLabel,
  workbenchFilter,
  workbenchLabels,
  workspaceContainerName,
  workspaceLabel,
} from './labels';
import { assertNotRestoring, restoringError, restoringFor } from './restoreLock';

/** Where NSO loads packages from in Cisco's production image. */
export const containerPackagesDir = '/nso/run/packages';
/** Where the production image reads a mounted ncs.conf (after /etc/ncs/ncs.conf). */
export const containerNcsConf = '/nso/etc/ncs.conf';
/** The ncs.conf files the image considers, in its order. */
export const ncsConfCandidates = ['/etc/ncs/ncs.conf', '/nso/etc/ncs.conf', '/defaults/ncs.conf'];

/** A hash of the settings the container was created with: a change means recreate. */
export const prodSpecLabel = 'org.nso-workbench.prod-spec';
/** The host folder bind-mounted at /nso/run/packages, as we asked for it. */
export const prodPackagesDirLabel = 'org.nso-workbench.packages-dir';

export const defaultExtraArgs = '--with-package-reload';
export const defaultHealthStartPeriodS = 300;
export const defaultAdminUser = 'admin';
/** NSO writes CDB on stop; Docker's 10 s default can kill it halfway. */
export const stopGraceSeconds = 60;

export interface ProdSettings {
  /** Absolute host path of the workspace folder: the container's identity label. */
  readonly workspaceFolder: string;
  /** Absolute host path bind-mounted at /nso/run/packages. */
  readonly packagesDir: string;
  /** `nso.prodImage`; empty: the newest local image named like cisco-nso-prod. */
  readonly image?: string;
  /** Where `image` came from when not from the setting, e.g. `--image`: named when it is not loaded. */
  readonly imageOrigin?: string;
  /** The container's name; the volumes are named after it. Default from the folder. */
  readonly containerName?: string;
  /** `EXTRA_ARGS` for ncs (default `--with-package-reload`). */
  readonly extraArgs?: string;
  /** `nso.prod.ports`, Docker's syntax: `2024`, `2024:2024`, `0.0.0.0:8080:8080/tcp`. */
  readonly ports?: readonly string[];
  /** Absolute host folder for /log; unset: a named volume. */
  readonly logsPath?: string;
  readonly healthStartPeriodS?: number;
  readonly adminUser?: string;
  /** From secret storage or the environment; never logged, never in a label. */
  readonly adminPassword?: string;
  /** A host ncs.conf bind-mounted at /nso/etc/ncs.conf (the workspace's, when it has one). */
  readonly ncsConf?: string;
  /** A Docker network to join instead of the default bridge (e.g. a Compose project's). */
  readonly network?: string;
  /** Extra labels (tests mark their containers). */
  readonly labels?: Labels;
}

export interface NsoImageRef {
  ref: string;
  id: string;
  version?: string;
}

/** A failure to start, with what the user should read and do. */
/** Where NSO said its configuration file is wrong, as its log names it. */
export interface NcsConfRejection {
  /** The file as the container sees it, e.g. /nso/etc/ncs.conf. */
  readonly containerFile: string;
  /** 1-based; 0 when NSO names no line. */
  readonly line: number;
  /** NSO's own words after the line number. */
  readonly reason: string;
  /** The host file bind-mounted there, when it is one. */
  readonly hostFile?: string;
}

export class ProdContainerError extends Error {
  constructor(
    message: string,
    /** The last lines of `docker logs`, when there is a container. */
    readonly dockerLogs: string[] = [],
    /** The last lines of /log/ncs.log, when it could be read. */
    readonly ncsLog: string[] = [],
    /** Set when NSO refused to start on its ncs.conf. */
    readonly ncsConf?: NcsConfRejection,
    /** The `nso.` setting whose value is the cause, when one is. */
    readonly setting?: string,
  ) {
    super(message);
    this.name = 'ProdContainerError';
  }
}

export function isProdContainerError(error: unknown): error is ProdContainerError {
  return error instanceof Error && error.name === 'ProdContainerError';
}

// ---------------------------------------------------------------------------
// Names, ports, image

/** `nso-prod-<folder>-<hash of its path>`: readable, and unique per folder. */
export function prodContainerName(workspaceFolder: string, prefix = 'nso-prod-'): string {
  return workspaceContainerName(workspaceFolder, prefix);
}

/** The named volumes of a production container: /nso and, without a logs folder, /log. */
export function prodVolumeNames(containerName: string): { nso: string; log: string } {
  return { nso: `${containerName}-nso`, log: `${containerName}-log` };
}

/** Docker's rule for a container name (the daemon refuses any other). */
const containerNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/**
 * What is cheap to check in the settings before anything is asked or created:
 * the packages folder, the port mappings and the container name. Throws a
 * ProdContainerError naming the setting.
 */
export async function checkProdSettings(
  settings: Pick<ProdSettings, 'workspaceFolder' | 'packagesDir' | 'ports' | 'containerName'>,
): Promise<{ packagesDir: string; ports: PortSpec[] }> {
  const packagesDir = path.resolve(settings.packagesDir);
  if (!(await isDirectory(packagesDir))) {
    throw new ProdContainerError(
      `The packages folder ${packagesDir} does not exist: create it, or set nso.packagesPath.`,
      [],
      [],
      undefined,
      'nso.packagesPath',
    );
  }
  const ports = (settings.ports ?? []).map(parsePortSpec);
  const name = settings.containerName?.trim();
  if (name && !containerNamePattern.test(name)) {
    throw new ProdContainerError(
      `nso.prod.containerName: "${name}" is not a container name Docker accepts: use letters, digits, '_', '.' and '-', starting with a letter or digit, or leave it empty for ${prodContainerName(settings.workspaceFolder)}.`,
      [],
      [],
      undefined,
      'nso.prod.containerName',
    );
  }
  return { packagesDir, ports };
}

/**
 * One `nso.prod.ports` entry in Docker's `-p` syntax. Published on 127.0.0.1
 * unless the entry names another address: NSO's interfaces should not face
 * the network by accident.
 */
export function parsePortSpec(entry: string): PortSpec {
  const trimmed = entry.trim();
  const m =
    /^(?:(\[[0-9a-fA-F:.]+\]|\d{1,3}(?:\.\d{1,3}){3}):)?(?:(\d{1,5}):)?(\d{1,5})(?:\/(tcp|udp))?$/.exec(
      trimmed,
    );
  if (!m) {
    throw new ProdContainerError(
      `nso.prod.ports: "${entry}" is not a port mapping: use CONTAINER, HOST:CONTAINER or ADDRESS:HOST:CONTAINER, e.g. 2024:2024 (optionally /udp).`,
      [],
      [],
      undefined,
      'nso.prod.ports',
    );
  }
  const containerPort = Number(m[3]);
  const hostPort = m[2] !== undefined ? Number(m[2]) : containerPort;
  for (const p of [containerPort, hostPort]) {
    if (p < 1 || p > 65535)
      throw new ProdContainerError(
        `nso.prod.ports: port ${p} in "${entry}" is out of range: ports are 1 to 65535.`,
        [],
        [],
        undefined,
        'nso.prod.ports',
      );
  }
  return {
    containerPort,
    hostPort,
    hostIp: m[1] ? m[1].replace(/^\[|\]$/g, '') : '127.0.0.1',
    ...(m[4] ? { protocol: m[4] as 'tcp' | 'udp' } : {}),
  };
}

/** The configured image (it must be loaded), or the best local `cisco-nso-prod`. */
export async function chooseProdImage(
  docker: DockerClient,
  configured: string | undefined,
  signal?: AbortSignal,
  origin?: string,
): Promise<{ image: NsoImageRef; details: ImageDetails }> {
  const options = signal ? { signal } : {};
  const ref = configured?.trim();
  if (ref) {
    try {
      const details = await docker.inspectImage(ref, options);
      const version = [ref, ...details.repoTags]
        .map((t) => versionFromTag(splitRef(t).tag))
        .find((v) => v);
      return { image: { ref, id: details.id, ...(version ? { version } : {}) }, details };
    } catch (error) {
      if (!isDockerError(error, 'notFound')) throw error;
      // Named where the user gave it: a flag is not fixed by clearing the setting.
      if (origin !== undefined) {
        throw new ProdContainerError(
          `The NSO production image ${ref} (${origin}) is not loaded in Docker at ${docker.endpoint.description}: load it with docker load -i <file>.tar.gz, or leave out ${origin} to use the newest local cisco-nso-prod image.`,
        );
      }
      throw new ProdContainerError(
        `The NSO production image ${ref} (setting nso.prodImage) is not loaded in Docker at ${docker.endpoint.description}: load it with docker load -i <file>.tar.gz, or clear the setting to use the newest local cisco-nso-prod image.`,
      );
    }
  }
  const local: LocalImage[] = (await docker.listImages({}, options)).map((i) => ({
    id: i.id,
    repoTags: [...i.repoTags],
    created: Math.floor(i.createdAt.getTime() / 1000),
  }));
  const best = nsoImageCandidates(local, 'prod')[0];
  if (!best) {
    throw new ProdContainerError(
      `No NSO production image is loaded in Docker at ${docker.endpoint.description}: NSO Workbench looks for images named cisco-nso-prod. Load Cisco's image (sh nso-<version>.container-image-prod.linux.<arch>.signed.bin, then docker load -i the .tar.gz it extracts), or name yours in nso.prodImage.`,
    );
  }
  const details = await docker.inspectImage(best.ref, options);
  return {
    image: { ref: best.ref, id: best.id, ...(best.version ? { version: best.version } : {}) },
    details,
  };
}

/** Go's architecture names, which both the engine and images use; uname's are mapped. */
function normalArch(arch: string): string {
  const a = arch.toLowerCase();
  if (a === 'x86_64' || a === 'x86-64') return 'amd64';
  if (a === 'aarch64' || a === 'arm64/v8') return 'arm64';
  return a;
}

// ---------------------------------------------------------------------------
// Finding the container

/** The workspace folder's production containers (normally one), newest first. */
export async function findProdContainers(
  docker: DockerClient,
  workspaceFolder: string,
  signal?: AbortSignal,
): Promise<ContainerSummary[]> {
  const found = await docker.listContainers(
    { all: true, labels: workbenchFilter('prod', workspaceFolder) },
    signal ? { signal } : {},
  );
  return found.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/**
 * What NSO Workbench should act on for a folder: the container the user
 * attached to when it still exists, else the folder's own production container.
 */
export async function resolveProdContainer(
  docker: DockerClient,
  workspaceFolder: string,
  attached: string | undefined,
  signal?: AbortSignal,
): Promise<ContainerDetails | undefined> {
  const options = signal ? { signal } : {};
  const found = await findProd(docker, workspaceFolder, attached, options);
  // While a restore runs, the container is stopped, removed or starting again,
  // and everything done to it races the restore: say so instead.
  if (found !== undefined) {
    await assertNotRestoring(docker, found.name);
    return found;
  }
  const restoring = await restoringFor(docker, workspaceFolder);
  if (restoring !== undefined) throw restoringError(restoring);
  return undefined;
}

async function findProd(
  docker: DockerClient,
  workspaceFolder: string,
  attached: string | undefined,
  options: { signal?: AbortSignal },
): Promise<ContainerDetails | undefined> {
  if (attached) {
    try {
      return await docker.inspectContainer(attached, options);
    } catch (error) {
      if (!isDockerError(error, 'notFound')) throw error;
    }
  }
  const own = (await findProdContainers(docker, workspaceFolder, options.signal))[0];
  if (!own) return undefined;
  try {
    return await docker.inspectContainer(own.id, options);
  } catch (error) {
    if (isDockerError(error, 'notFound')) return undefined;
    throw error;
  }
}

/** Whether NSO Workbench created this container (so its volumes are ours to delete). */
export function isOwnProdContainer(details: ContainerDetails, workspaceFolder?: string): boolean {
  return (
    details.labels[roleLabel] === 'prod' &&
    (workspaceFolder === undefined || details.labels[workspaceLabel] === workspaceFolder)
  );
}

/**
 * A warning when the container does not run this workspace's packages: its
 * /nso/run/packages is not a bind mount of `packagesDir`, so a reload would
 * not see local edits. Undefined when it is.
 */
export function packagesMountWarning(
  details: ContainerDetails,
  packagesDir: string,
): string | undefined {
  const wanted = path.resolve(packagesDir);
  const mount = details.mounts.find((m) => m.destination === containerPackagesDir);
  if (!mount) {
    return `${details.name} has no folder mounted at ${containerPackagesDir}: NSO there loads the packages inside the container, so reloads will not see edits in ${wanted}.`;
  }
  // A remote engine reports its own view of the path; our label says what we asked for.
  if (mount.source === wanted || details.labels[prodPackagesDirLabel] === wanted) return undefined;
  const what = mount.type === 'bind' ? mount.source : `the volume ${mount.name ?? mount.source}`;
  return `${details.name} loads packages from ${what}, not from this workspace's ${wanted}: reloads will not see local edits.`;
}

// ---------------------------------------------------------------------------
// Starting

export interface StartProgress {
  /** A short sentence for a progress notification. */
  message: string;
  elapsedMs: number;
}

export interface StartObserver {
  progress?(p: StartProgress): void;
  info?(message: string): void;
  warn?(message: string): void;
}

export interface StartResult {
  id: string;
  name: string;
  image: NsoImageRef;
  /** What happened: created new, started the stopped one, or it was already running. */
  action: 'created' | 'started' | 'alreadyRunning' | 'recreated';
  /** Settings that differ from what a running container was created with. */
  outdated: boolean;
  warnings: string[];
  elapsedMs: number;
}

/** Creates or starts the folder's production container and waits until NSO answers. */
export async function startProdContainer(
  docker: DockerClient,
  settings: ProdSettings,
  observer: StartObserver = {},
  signal?: AbortSignal,
): Promise<StartResult> {
  const started = performance.now();
  const options = signal ? { signal } : {};
  const warnings: string[] = [];
  const progress = (message: string): void =>
    observer.progress?.({ message, elapsedMs: performance.now() - started });

  const { ports } = await checkProdSettings(settings);
  if (settings.logsPath) await fs.mkdir(path.resolve(settings.logsPath), { recursive: true });
  progress('Choosing the NSO production image…');
  const { image, details: imageDetails } = await chooseProdImage(
    docker,
    settings.image,
    signal,
    settings.imageOrigin,
  );
  const engine = await docker.version(options);
  if (
    imageDetails.architecture &&
    normalArch(imageDetails.architecture) !== normalArch(engine.arch)
  ) {
    throw new ProdContainerError(
      `The image ${image.ref} is built for ${imageDetails.architecture}, but Docker at ${docker.endpoint.description} runs on ${engine.arch}: NSO would not start (or crawl under emulation). Load the ${normalArch(engine.arch)} production image (Cisco's …linux.${normalArch(engine.arch) === 'amd64' ? 'x86_64' : normalArch(engine.arch)}… file) and set nso.prodImage to it.`,
    );
  }

  const name = settings.containerName?.trim() || prodContainerName(settings.workspaceFolder);
  // A restore has this container stopped or removed and recreates it itself.
  await assertNotRestoring(docker, name);
  const volumes = prodVolumeNames(name);
  const startPeriodS = settings.healthStartPeriodS ?? defaultHealthStartPeriodS;
  const spec = buildSpec(settings, image, imageDetails, name, volumes, ports, startPeriodS);
  const specHash = hashSpec(spec.hashed);

  // An existing container: reuse it when its settings still match.
  let action: StartResult['action'] = 'created';
  let outdated = false;
  let id: string | undefined;
  for (const c of await findProdContainers(docker, settings.workspaceFolder, signal)) {
    if (c.state === 'paused') {
      // Docker starts, stops and removes no paused container; unpausing is the user's call.
      throw new ProdContainerError(
        `${c.name} is paused: unpause it (docker unpause ${c.name}) and NSO goes on where it was. Nothing was changed.`,
      );
    }
    const same = c.labels[prodSpecLabel] === specHash;
    if (id === undefined && (c.state === 'running' || c.state === 'restarting')) {
      id = c.id;
      action = 'alreadyRunning';
      outdated = !same;
      if (outdated) {
        warnings.push(
          `${c.name} was created with other settings (image, ports, folders or arguments): stop NSO and start it again to apply them; its data is kept.`,
        );
      }
    } else if (id === undefined && same && c.state !== 'dead' && c.state !== 'removing') {
      id = c.id;
      action = 'started';
    } else if (id === undefined) {
      // Stopped with other settings: the volume keeps the data, the container can go.
      observer.info?.(
        `Recreating ${c.name}: its settings changed (data in ${volumes.nso} is kept).`,
      );
      await docker.removeContainer(c.id, { ...options, force: false });
      action = 'recreated';
    }
  }

  const createdVolumes: string[] = [];
  if (id === undefined) {
    for (const v of spec.volumeNames) {
      const exists = await docker.inspectVolume(v, options).then(
        () => true,
        (error: unknown) => {
          if (isDockerError(error, 'notFound')) return false;
          throw error;
        },
      );
      if (!exists) {
        await docker.createVolume(
          {
            name: v,
            labels: { ...settings.labels, ...workbenchLabels('prod', settings.workspaceFolder) },
          },
          options,
        );
        createdVolumes.push(v);
      }
    }
    progress(`Creating ${name} from ${image.ref}…`);
    try {
      id = await docker.createContainer(
        { ...spec.container, labels: { ...spec.container.labels, [prodSpecLabel]: specHash } },
        options,
      );
    } catch (error) {
      for (const v of createdVolumes) await docker.removeVolume(v).catch(() => undefined);
      if (isDockerError(error, 'conflict')) {
        throw new ProdContainerError(
          `A container named ${name} already exists but is not this workspace's production container: remove or rename it, set another name in nso.prod.containerName, or use that container as this workspace's NSO (Use Existing Container…; --container on the command line).`,
        );
      }
      throw error;
    }
  }

  if (action !== 'alreadyRunning') {
    progress(`Starting ${name}…`);
    try {
      await docker.startContainer(id, options);
    } catch (error) {
      // A container that never ran holds nothing: leave things as they were.
      if (action === 'created' || action === 'recreated') {
        await docker.removeContainer(id, { force: true }).catch(() => undefined);
        for (const v of createdVolumes) await docker.removeVolume(v).catch(() => undefined);
      }
      throw startFailure(error, name, ports);
    }
  }

  await waitForNso(docker, id, name, startPeriodS, progress, signal);

  const authWarning = await localAuthWarning(docker, id, settings.adminPassword !== undefined);
  if (authWarning) warnings.push(authWarning);
  // The /nso volume is always the first; a new one is NSO's first start.
  if (createdVolumes.includes(spec.volumeNames[0]!) && settings.adminPassword === undefined) {
    const noAdmin = await noAdminWarning(docker, id, settings.adminUser ?? defaultAdminUser);
    if (noAdmin) warnings.push(noAdmin);
  }
  for (const w of warnings) observer.warn?.(w);
  return { id, name, image, action, outdated, warnings, elapsedMs: performance.now() - started };
}

interface BuiltSpec {
  container: Parameters<DockerClient['createContainer']>[0];
  volumeNames: string[];
  /** What decides whether an existing container still fits (no secrets). */
  hashed: unknown;
}

function buildSpec(
  s: ProdSettings,
  image: NsoImageRef,
  imageDetails: ImageDetails,
  name: string,
  volumes: { nso: string; log: string },
  ports: PortSpec[],
  startPeriodS: number,
): BuiltSpec {
  const packagesDir = path.resolve(s.packagesDir);
  const binds: BindMountSpec[] = [{ source: packagesDir, target: containerPackagesDir }];
  // Writable: NSO never writes it, but applying an edited ncs.conf may copy it in place.
  if (s.ncsConf) binds.push({ source: path.resolve(s.ncsConf), target: containerNcsConf });
  if (s.logsPath) binds.push({ source: path.resolve(s.logsPath), target: '/log' });
  const volumeMounts: VolumeMountSpec[] = [{ name: volumes.nso, target: '/nso' }];
  if (!s.logsPath) volumeMounts.push({ name: volumes.log, target: '/log' });

  const env: Record<string, string> = {
    EXTRA_ARGS: s.extraArgs ?? defaultExtraArgs,
    ADMIN_USERNAME: s.adminUser ?? defaultAdminUser,
  };
  if (s.adminPassword !== undefined) env.ADMIN_PASSWORD = s.adminPassword;

  // The image's own test; only the start period is ours (big NSO installs start slowly).
  const own = imageDetails.healthcheck;
  const healthcheck: HealthcheckConfig | undefined =
    own && own.test.length > 0 && own.test[0] !== 'NONE'
      ? { ...own, startPeriodMs: startPeriodS * 1000 }
      : undefined;

  const labels = {
    ...s.labels,
    ...workbenchLabels('prod', s.workspaceFolder),
    [prodPackagesDirLabel]: packagesDir,
  };
  return {
    container: {
      image: image.ref,
      name,
      hostname: 'nso',
      labels,
      env,
      binds,
      volumes: volumeMounts,
      ports,
      ...(s.network ? { networkMode: s.network } : {}),
      ...(healthcheck ? { healthcheck } : {}),
      stopTimeoutSeconds: stopGraceSeconds,
    },
    volumeNames: volumeMounts.map((v) => v.name),
    hashed: {
      image: image.id,
      binds,
      volumes: volumeMounts,
      ports,
      network: s.network ?? '',
      extraArgs: env.EXTRA_ARGS,
      adminUser: env.ADMIN_USERNAME,
      startPeriodS,
    },
  };
}

function hashSpec(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

function startFailure(error: unknown, name: string, ports: PortSpec[]): unknown {
  if (!isDockerError(error)) return error;
  const said = `${error.engineMessage ?? ''} ${error.message}`;
  if (/port is already allocated|address already in use|bind: .*in use/i.test(said)) {
    const port = /:(\d+)(?:\/\w+)?(?::|\s|$)|port (\d+)/.exec(said);
    const which = port?.[1] ?? port?.[2];
    const list = ports.map((p) => `${p.hostIp}:${p.hostPort}`).join(', ');
    return new ProdContainerError(
      `${name} could not start: ${which ? `port ${which}` : 'a port'} on the host is already in use (published: ${list}). Stop what uses it, or change nso.prod.ports. Nothing was created.`,
    );
  }
  if (/exec format error/i.test(said)) {
    return new ProdContainerError(
      `${name} could not start: the image's programs are for another processor architecture (exec format error). Load the production image for this machine and set nso.prodImage.`,
    );
  }
  return new ProdContainerError(`${name} could not start: ${error.message}. Nothing was created.`);
}

/** Docker's health interval is the image's (30 s by default): we also run its test ourselves. */
const readyPollMs = 1000;

/**
 * Waits until NSO answers: Docker says healthy, or the image's own health
 * test succeeds when we run it (Docker runs it only every interval). Fails
 * with the logs when the container exits, turns unhealthy, or the start
 * period and a margin pass.
 */
async function waitForNso(
  docker: DockerClient,
  id: string,
  name: string,
  startPeriodS: number,
  progress: (message: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const options = signal ? { signal } : {};
  const deadline = Date.now() + (startPeriodS + 120) * 1000;
  const startedAt = Date.now();
  for (;;) {
    const d = await docker.inspectContainer(id, options);
    if (!d.state.running && d.state.status !== 'restarting') {
      throw await startupFailure(
        docker,
        id,
        `${name} stopped during start-up (exit code ${d.state.exitCode}${d.state.oomKilled ? ', killed for lack of memory' : ''}).`,
        d,
      );
    }
    const health = d.state.health?.status;
    if (health === 'healthy') return;
    if (health === 'unhealthy') {
      throw await startupFailure(
        docker,
        id,
        `${name} is running but unhealthy: NSO does not answer its health check.`,
        d,
      );
    }
    const test = d.healthcheck?.test ?? [];
    if (health === undefined || health === 'none' || test.length === 0) {
      // No health check at all: NSO's own "started" is the best signal there is.
      if (await probe(docker, id, ['bash', '-lc', 'ncs --status >/dev/null 2>&1'], signal)) return;
    } else if (await probe(docker, id, healthArgv(test), signal)) {
      return;
    }
    const elapsedS = Math.round((Date.now() - startedAt) / 1000);
    progress(
      `Waiting for NSO in ${name} to answer (${elapsedS} s; start period ${startPeriodS} s)…`,
    );
    if (Date.now() > deadline) {
      throw await startupFailure(
        docker,
        id,
        `NSO in ${name} did not answer within ${startPeriodS + 120} s. If it is only slow (many packages), raise nso.prod.healthStartPeriod.`,
        d,
      );
    }
    await delay(readyPollMs, signal);
  }
}

/** The argv of a Docker health test (`CMD …` or `CMD-SHELL …`), to run it ourselves. */
export function healthArgv(test: readonly string[]): string[] {
  if (test[0] === 'CMD-SHELL') return ['/bin/sh', '-c', test.slice(1).join(' ')];
  if (test[0] === 'CMD') return test.slice(1);
  return [...test];
}

async function probe(
  docker: DockerClient,
  id: string,
  argv: string[],
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    const r = await docker.exec(id, argv, { timeoutMs: 15_000, ...(signal ? { signal } : {}) });
    return r.exitCode === 0;
  } catch (error) {
    if (isDockerError(error, 'cancelled')) throw error;
    return false;
  }
}

const logTailLines = 30;

/**
 * The last lines of `docker logs` and /log/ncs.log of a container that failed
 * to start. `since` (the start that failed) keeps earlier starts' output out
 * of docker logs; /log/ncs.log lives on a volume and may begin with them.
 */
export async function startLogs(
  docker: DockerClient,
  id: string,
  since?: Date,
): Promise<{ dockerLogs: string[]; ncsLog: string[] }> {
  const dockerLogs = await docker
    .logs(id, {
      tail: logTailLines,
      timeoutMs: 15_000,
      ...(since ? { since: Math.floor(since.getTime() / 1000) } : {}),
    })
    .then((lines) => lines.map((l) => l.text))
    .catch(() => [] as string[]);
  // Read through the archive API: it works on a stopped container too.
  const ncsLog = await docker
    .readTextFile(id, '/log/ncs.log', { timeoutMs: 15_000 })
    .then((text) =>
      text
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '')
        .slice(-logTailLines),
    )
    .catch(() => [] as string[]);
  return { dockerLogs, ncsLog };
}

/** What the logs of a failed NSO start say the cause is, as advice; empty when they say nothing known. */
export function startFailureHints(logText: string): string[] {
  const all = logText;
  const hints: string[] = [];
  if (/package upgrade has been aborted|modules will be deleted/i.test(all)) {
    hints.push(
      'A package no longer has YANG modules or nodes that CDB holds data for, and NSO refuses to delete that data at start. Restore them, or start once with --with-package-reload-force in nso.prod.extraArgs: that deletes the data.',
    );
  }
  if (/requires NCS version|bad-ncs-version/i.test(all)) {
    hints.push('A package needs a newer NSO than the image runs: use a matching nso.prodImage.');
  }
  const conf = ncsConfRejection(all);
  if (conf) {
    const where = conf.line > 0 ? `${conf.containerFile} line ${conf.line}` : conf.containerFile;
    hints.push(
      `NSO rejects its ncs.conf (${where}: ${conf.reason}): fix the file and start again.`,
    );
  } else if (/Bad configuration/i.test(all)) {
    hints.push('NSO rejects its ncs.conf: fix the file and start again.');
  }
  if (/exec format error/i.test(all)) {
    hints.push('The image is for another processor architecture: load the one for this machine.');
  }
  return hints;
}

/**
 * NSO's "Bad configuration: <file>:<line>: <reason>" (its wording for an
 * ncs.conf it cannot use), from the first line of a log that has it.
 */
export function ncsConfRejection(logText: string): NcsConfRejection | undefined {
  const m = /Bad configuration:\s*(\/\S+?):(\d+):\s*(.*)/i.exec(logText);
  if (!m) return undefined;
  return {
    containerFile: m[1]!,
    line: Number(m[2]),
    reason: m[3]!.trim().replace(/^"(.*)"$/, '$1'),
  };
}

/** A start failure with the last lines of `docker logs` and /log/ncs.log, and what to do. */
export async function startupFailure(
  docker: DockerClient,
  id: string,
  what: string,
  details?: ContainerDetails,
): Promise<ProdContainerError> {
  const { dockerLogs, ncsLog } = await startLogs(docker, id, details?.state.startedAt);
  // This start's own output first: /log/ncs.log may still end with an earlier start.
  const logText = [...dockerLogs, ...ncsLog].join('\n');
  const hints = startFailureHints(logText);
  const rejected = ncsConfRejection(logText);
  const mount = rejected
    ? details?.mounts.find((m) => m.type === 'bind' && m.destination === rejected.containerFile)
    : undefined;
  hints.push(
    hints.length > 0
      ? `The container and its data are kept (docker logs ${id.slice(0, 12)} and /log/ncs.log have the details).`
      : `The container and its data are kept: look at docker logs ${id.slice(0, 12)} and /log/ncs.log, fix the cause, then start NSO again.`,
  );
  return new ProdContainerError(
    `${what} ${hints.join(' ')}`,
    dockerLogs,
    ncsLog,
    rejected && mount ? { ...rejected, hostFile: mount.source } : rejected,
  );
}

/**
 * When ADMIN_PASSWORD is set but the ncs.conf NSO uses turns local
 * authentication off, the image ignores the password: say so, and where.
 */
export async function localAuthWarning(
  docker: DockerClient,
  id: string,
  passwordSet: boolean,
): Promise<string | undefined> {
  if (!passwordSet) return undefined;
  const used = await ncsConfInUse(docker, id);
  if (!used || localAuthenticationEnabled(used.text) !== false) return undefined;
  return `ADMIN_PASSWORD has no effect: NSO uses ${used.file}, where /ncs-config/aaa/local-authentication/enabled is false, so no local admin user is created. Enable it in the ncs.conf you mount at ${containerNcsConf} (<aaa><local-authentication><enabled>true</enabled>) to log in with a password.`;
}

/** The first ncs.conf of the image's lookup order that the container holds, and its text. */
async function ncsConfInUse(
  docker: DockerClient,
  id: string,
): Promise<{ file: string; text: string } | undefined> {
  for (const file of ncsConfCandidates) {
    try {
      const text = await docker.readTextFile(id, file, {
        timeoutMs: 15_000,
        maxBytes: 4 * 1024 * 1024,
      });
      return { file, text };
    } catch {
      continue;
    }
  }
  return undefined;
}

/**
 * NSO's first start on a new /nso volume without ADMIN_PASSWORD: with local
 * authentication on, the image creates no user, so NSO refuses ncs_cli as
 * `user` and every reload. ADMIN_* count only on a first start, so the fix is
 * a new volume. Undefined when local authentication is off (users come from
 * elsewhere) or the ncs.conf cannot be read.
 */
export async function noAdminWarning(
  docker: DockerClient,
  id: string,
  user: string,
): Promise<string | undefined> {
  const used = await ncsConfInUse(docker, id);
  if (!used || localAuthenticationEnabled(used.text) === false) return undefined;
  return `NSO started on a new /nso volume without an admin password, so it has no user ${user}: the NSO CLI and package reloads will be refused. The image creates the user only on a first start: remove the container with its volumes and start NSO again with an admin password.`;
}

/** `/ncs-config/aaa/local-authentication/enabled` of an ncs.conf; undefined when not set. */
export function localAuthenticationEnabled(ncsConf: string): boolean | undefined {
  const text = ncsConf.replace(/<!--[\s\S]*?-->/g, '');
  const section = /<local-authentication>([\s\S]*?)<\/local-authentication>/.exec(text);
  if (!section) return undefined;
  const enabled = /<enabled>\s*(true|false)\s*<\/enabled>/.exec(section[1]!);
  return enabled ? enabled[1] === 'true' : undefined;
}

// ---------------------------------------------------------------------------
// Stop, restart, remove

export async function stopProdContainer(
  docker: DockerClient,
  id: string,
  signal?: AbortSignal,
): Promise<void> {
  const details = await docker.inspectContainer(id, signal ? { signal } : {});
  await assertNotRestoring(docker, details.name);
  await stopNso(docker, id, signal);
}

/** Stops with NSO's grace period; callers have checked that no restore holds it. */
async function stopNso(docker: DockerClient, id: string, signal?: AbortSignal): Promise<void> {
  await docker.stopContainer(id, {
    graceSeconds: stopGraceSeconds,
    timeoutMs: (stopGraceSeconds + 30) * 1000,
    ...(signal ? { signal } : {}),
  });
}

/** Restarts and waits until NSO answers again. */
export async function restartProdContainer(
  docker: DockerClient,
  id: string,
  observer: StartObserver = {},
  signal?: AbortSignal,
): Promise<void> {
  const started = performance.now();
  const details = await docker.inspectContainer(id, signal ? { signal } : {});
  await assertNotRestoring(docker, details.name);
  observer.progress?.({ message: `Restarting ${details.name}…`, elapsedMs: 0 });
  await docker.restartContainer(id, {
    graceSeconds: stopGraceSeconds,
    timeoutMs: (stopGraceSeconds + 60) * 1000,
    ...(signal ? { signal } : {}),
  });
  const startPeriodS = Math.round(
    (details.healthcheck?.startPeriodMs ?? defaultHealthStartPeriodS * 1000) / 1000,
  );
  await waitForNso(
    docker,
    id,
    details.name,
    startPeriodS,
    (message) => observer.progress?.({ message, elapsedMs: performance.now() - started }),
    signal,
  );
}

/** What deleting a production container's volumes loses, for the confirmation. */
export function volumeLossDescription(volumes: string[]): string {
  return (
    `Deleting ${volumes.join(' and ')} loses NSO's CDB (all configuration, devices and services), ` +
    `operational state, rollback files, the backups under /nso/run/backups, the SSH host key and ` +
    `TLS certificate, and the NSO logs kept there. This cannot be undone.`
  );
}

export interface RemoveResult {
  name: string;
  /** Volumes deleted (only when asked). */
  deletedVolumes: string[];
  /** Volumes kept, so a later Start NSO finds the data again. */
  keptVolumes: string[];
  /** Volumes that were to be deleted but the engine refused (e.g. still in use). */
  failedVolumes: { name: string; reason: string }[];
}

/**
 * What a finished removal did, in one message: the container removed, the
 * volumes deleted with NSO's data, and those kept (and why). Volumes the
 * engine refused are left to the caller, which offers to retry.
 */
export function removedMessage(result: RemoveResult, deleteVolumes: boolean): string {
  const parts = [`NSO: removed ${result.name}`];
  const deleted = result.deletedVolumes;
  const kept = result.keptVolumes;
  if (deleted.length > 0) {
    parts.push(
      `deleted ${deleted.length === 1 ? 'volume' : 'volumes'} ${deleted.join(' and ')} with NSO's data (CDB, backups, logs)`,
    );
  }
  if (kept.length > 0) {
    parts.push(
      deleteVolumes
        ? `kept ${kept.join(' and ')}: not made by NSO Workbench`
        : `NSO's data stays in ${kept.join(' and ')}: the next Start NSO finds it again`,
    );
  }
  if (deleted.length === 0 && kept.length === 0 && result.failedVolumes.length === 0) {
    parts.push('it had no volumes');
  }
  return `${parts.join('; ')}.`;
}

/** How long a removed container may take to be gone before its volumes are removed anyway. */
const containerGoneTimeoutMs = 10_000;

/**
 * Waits until the engine no longer knows the container: a remove call can
 * return while the engine still holds its volumes, and a volume removed then
 * is refused as in use. Bounded; returns whether it is gone.
 */
async function waitContainerGone(
  docker: DockerClient,
  id: string,
  signal: AbortSignal | undefined,
  timeoutMs = containerGoneTimeoutMs,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await docker.inspectContainer(id, signal ? { signal } : {});
    } catch (error) {
      if (isDockerError(error, 'notFound')) return true;
      throw error;
    }
    if (Date.now() >= deadline) return false;
    await delay(100, signal);
  }
}

/** The command a user can run to delete volumes the removal had to leave behind. */
export function volumeRemoveCommand(volumes: readonly string[]): string {
  return ['docker', 'volume', 'rm', ...volumes].join(' ');
}

/**
 * Stops and removes the container. Its named volumes are kept unless
 * `deleteVolumes` is set, which callers set only after the user confirmed
 * {@link volumeLossDescription}; only volumes NSO Workbench created are deleted.
 */
export async function removeProdContainer(
  docker: DockerClient,
  id: string,
  deleteVolumes: boolean,
  signal?: AbortSignal,
): Promise<RemoveResult> {
  const options = signal ? { signal } : {};
  const details = await docker.inspectContainer(id, options);
  // A restore needs the container's volumes: nothing is stopped or deleted under it.
  await assertNotRestoring(docker, details.name);
  const named = details.mounts.filter((m) => m.type === 'volume' && m.name).map((m) => m.name!);
  if (details.state.running) await stopNso(docker, id, signal);
  await docker.removeContainer(id, options);
  // Not gone within the bound: the volume removal below then says which failed and how to retry.
  if (deleteVolumes) await waitContainerGone(docker, id, signal);
  const deleted: string[] = [];
  const kept: string[] = [];
  const failed: { name: string; reason: string }[] = [];
  for (const v of named) {
    let ours = false;
    try {
      ours = (await docker.inspectVolume(v, options)).labels[roleLabel] === 'prod';
    } catch {
      continue;
    }
    if (deleteVolumes && ours) {
      try {
        await docker.removeVolume(v, options);
        deleted.push(v);
      } catch (error) {
        if (isDockerError(error, 'cancelled')) throw error;
        failed.push({ name: v, reason: error instanceof Error ? error.message : String(error) });
      }
    } else kept.push(v);
  }
  return { name: details.name, deletedVolumes: deleted, keptVolumes: kept, failedVolumes: failed };
}
