// A container's configuration as Docker reports it, recorded before anything
// risky happens to the container (a restore stops it; an auto-removed container
// disappears on stop) so that it can be created again exactly as it was, and
// so that "exactly as it was" can be checked afterwards.

import type {
  ContainerDetails,
  ContainerSpec,
  DockerClient,
  HealthcheckConfig,
  PortSpec,
} from '../docker/client';

export interface RecordedMount {
  /** `bind`, `volume`, `tmpfs`, ... as Docker names it. */
  readonly type: string;
  /** Host path of a bind mount; volume name of a volume (anonymous ones included). */
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

export interface RecordedPort {
  readonly containerPort: number;
  readonly protocol: 'tcp' | 'udp' | 'sctp';
  /** '' means every interface, as `-p 2024:2024` does. */
  readonly hostIp: string;
  readonly hostPort: number;
}

/** Everything needed to create the container again; plain JSON, saved next to a restore. */
export interface RecordedContainer {
  readonly format: 1;
  readonly recordedAt: string;
  readonly id: string;
  readonly name: string;
  /** The image as the container was created from it (`cisco-nso-prod:6.4`). */
  readonly image: string;
  /** The image's id: a tag can move, the id cannot. */
  readonly imageId: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly cmd: readonly string[];
  readonly entrypoint: readonly string[];
  readonly user: string;
  readonly workingDir: string;
  readonly tty: boolean;
  readonly healthcheck?: HealthcheckConfig;
  readonly mounts: readonly RecordedMount[];
  readonly ports: readonly RecordedPort[];
  /**
   * False when the container was not running: Docker reports published ports
   * only for a running container, so they are unknown.
   */
  readonly portsKnown: boolean;
  readonly networkMode: string;
  readonly wasRunning: boolean;
  /** Set when the container vanished on stop, i.e. it was started with `--rm`. */
  readonly autoRemove?: boolean;
}

/** Reads the configuration off `docker inspect`. */
export function recordContainer(details: ContainerDetails, now = new Date()): RecordedContainer {
  const running = details.state.running;
  return {
    format: 1,
    recordedAt: now.toISOString(),
    id: details.id,
    name: details.name,
    image: details.image,
    imageId: details.imageId,
    labels: { ...details.labels },
    env: { ...details.env },
    cmd: [...details.cmd],
    entrypoint: [...details.entrypoint],
    user: details.user,
    workingDir: details.workingDir,
    tty: details.tty,
    ...(details.healthcheck !== undefined ? { healthcheck: details.healthcheck } : {}),
    mounts: details.mounts.map((m) => ({
      type: m.type,
      source: m.type === 'volume' ? (m.name ?? m.source) : m.source,
      target: m.destination,
      readOnly: m.readOnly,
    })),
    ports: publishedPorts(details),
    portsKnown: running,
    networkMode: details.networkMode,
    wasRunning: running,
  };
}

/**
 * Docker lists `-p 2024:2024` twice while running, as 0.0.0.0 and ::; both
 * come from one binding on every interface, which is what is recreated.
 */
function publishedPorts(details: ContainerDetails): RecordedPort[] {
  const ports: RecordedPort[] = [];
  const seen = new Set<string>();
  const published = details.ports.filter((p) => p.hostPort !== undefined && p.hostPort > 0);
  const key = (p: { containerPort: number; protocol: string; hostPort?: number }): string =>
    `${p.containerPort}/${p.protocol}:${p.hostPort ?? 0}`;
  const wildcard = new Set(
    published.filter((p) => p.hostIp === '0.0.0.0' || p.hostIp === '::').map((p) => key(p)),
  );
  for (const p of published) {
    const all = wildcard.has(key(p)) && (p.hostIp === '0.0.0.0' || p.hostIp === '::');
    const hostIp = all ? '' : (p.hostIp ?? '');
    const id = `${key(p)}@${hostIp}`;
    if (seen.has(id)) continue;
    seen.add(id);
    ports.push({
      containerPort: p.containerPort,
      protocol: p.protocol,
      hostIp,
      hostPort: p.hostPort ?? 0,
    });
  }
  return ports.sort(
    (a, b) =>
      a.containerPort - b.containerPort ||
      a.protocol.localeCompare(b.protocol) ||
      a.hostIp.localeCompare(b.hostIp),
  );
}

/** Mounts Docker can create again through the client: bind mounts and volumes. */
function recreatableMount(m: RecordedMount): boolean {
  return m.type === 'bind' || m.type === 'volume';
}

/**
 * What the record cannot carry over, in words, so a user is told before it
 * matters rather than after.
 */
export function recreateLimitations(record: RecordedContainer): string[] {
  const notes: string[] = [];
  for (const m of record.mounts) {
    if (!recreatableMount(m)) notes.push(`the ${m.type} mount at ${m.target} cannot be recreated`);
  }
  if (!record.portsKnown) {
    notes.push('the container was not running, so its published ports could not be read');
  }
  for (const p of record.ports) {
    if (p.protocol === 'sctp') notes.push(`the sctp port ${p.containerPort} cannot be recreated`);
  }
  // FIXME: the Docker layer's inspect does not report these yet; a recreated
  // container gets Docker's defaults for them (the restore keeps the
  // container, so this matters only when it was removed).
  notes.push(
    'a recreated container gets Docker defaults for its restart policy, host name, resource ' +
      'limits and extra networks, which are not recorded',
  );
  return notes;
}

/** The specification that creates the recorded container again. */
export function specFromRecord(record: RecordedContainer): ContainerSpec {
  const binds = record.mounts
    .filter((m) => m.type === 'bind')
    .map((m) => ({ source: m.source, target: m.target, readOnly: m.readOnly }));
  const volumes = record.mounts
    .filter((m) => m.type === 'volume')
    .map((m) => ({ name: m.source, target: m.target, readOnly: m.readOnly }));
  const ports: PortSpec[] = record.ports
    .filter((p): p is RecordedPort & { protocol: 'tcp' | 'udp' } => p.protocol !== 'sctp')
    .map((p) => ({
      containerPort: p.containerPort,
      protocol: p.protocol,
      hostPort: p.hostPort,
      hostIp: p.hostIp,
    }));
  return {
    // The id, not the tag: `docker load` of a newer image may have moved the tag since.
    image: record.imageId || record.image,
    name: record.name,
    labels: record.labels,
    env: record.env,
    cmd: record.cmd,
    entrypoint: record.entrypoint,
    user: record.user,
    ...(record.workingDir ? { workingDir: record.workingDir } : {}),
    tty: record.tty,
    ...(record.healthcheck !== undefined ? { healthcheck: record.healthcheck } : {}),
    binds,
    volumes,
    ports,
    ...(record.networkMode ? { networkMode: record.networkMode } : {}),
    // Docker allows no other restart policy with --rm, so this one is known.
    ...(record.autoRemove === true ? { autoRemove: true, restartPolicy: 'no' as const } : {}),
  };
}

/** One difference between two recorded configurations, as a short sentence. */
export type ConfigDifference = string;

/**
 * Where `after` differs from `before` in what a user configured: image,
 * mounts, environment, command, entry point, ports, labels, health check,
 * user, working folder and network mode. Ids, times and running state are not
 * configuration. Ports are compared only when both records know them, and
 * host port numbers only between two different containers.
 */
export function compareRecords(
  before: RecordedContainer,
  after: RecordedContainer,
): ConfigDifference[] {
  const diffs: ConfigDifference[] = [];
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

  if (before.imageId !== after.imageId) {
    diffs.push(`image ${before.imageId} became ${after.imageId}`);
  }
  if (before.name !== after.name) diffs.push(`name ${before.name} became ${after.name}`);

  const mountKey = (m: RecordedMount): string =>
    `${m.type}:${m.source}->${m.target}${m.readOnly ? ':ro' : ''}`;
  diffs.push(...setDifferences('mount', before.mounts.map(mountKey), after.mounts.map(mountKey)));

  for (const key of new Set([...Object.keys(before.env), ...Object.keys(after.env)])) {
    if (before.env[key] !== after.env[key]) {
      diffs.push(
        `environment ${key}: ${before.env[key] ?? '(unset)'} became ${after.env[key] ?? '(unset)'}`,
      );
    }
  }
  for (const key of new Set([...Object.keys(before.labels), ...Object.keys(after.labels)])) {
    if (before.labels[key] !== after.labels[key]) {
      diffs.push(
        `label ${key}: ${before.labels[key] ?? '(unset)'} became ${after.labels[key] ?? '(unset)'}`,
      );
    }
  }
  if (!same(before.cmd, after.cmd))
    diffs.push(`command ${show(before.cmd)} became ${show(after.cmd)}`);
  if (!same(before.entrypoint, after.entrypoint)) {
    diffs.push(`entry point ${show(before.entrypoint)} became ${show(after.entrypoint)}`);
  }
  if (before.portsKnown && after.portsKnown) {
    // The same container may get other host ports at each start when it asked
    // for any free one (`-p 127.0.0.1::2024`); only a recreated container is
    // held to the ports it had.
    const sameContainer = before.id === after.id;
    const portKey = (p: RecordedPort): string =>
      `${p.hostIp || '*'}:${sameContainer ? '' : p.hostPort}->${p.containerPort}/${p.protocol}`;
    diffs.push(
      ...setDifferences('published port', before.ports.map(portKey), after.ports.map(portKey)),
    );
  }
  if (!same(before.healthcheck ?? null, after.healthcheck ?? null)) {
    diffs.push('health check changed');
  }
  if (before.user !== after.user) diffs.push(`user "${before.user}" became "${after.user}"`);
  if (before.workingDir !== after.workingDir) {
    diffs.push(`working folder ${before.workingDir} became ${after.workingDir}`);
  }
  if (before.tty !== after.tty) diffs.push(`tty ${before.tty} became ${after.tty}`);
  if (before.networkMode !== after.networkMode) {
    diffs.push(`network mode ${before.networkMode} became ${after.networkMode}`);
  }
  return diffs;
}

function setDifferences(what: string, before: string[], after: string[]): string[] {
  const a = new Set(before);
  const b = new Set(after);
  return [
    ...[...a].filter((x) => !b.has(x)).map((x) => `${what} ${x} is missing`),
    ...[...b].filter((x) => !a.has(x)).map((x) => `${what} ${x} was added`),
  ];
}

function show(argv: readonly string[]): string {
  return argv.length === 0 ? '(none)' : JSON.stringify(argv);
}

/** Reads a record back from its JSON, refusing anything that is not one. */
export function parseRecord(json: string): RecordedContainer {
  const value = JSON.parse(json) as Partial<RecordedContainer> | null;
  if (
    value === null ||
    typeof value !== 'object' ||
    value.format !== 1 ||
    typeof value.name !== 'string' ||
    typeof value.imageId !== 'string' ||
    !Array.isArray(value.mounts)
  ) {
    throw new Error('not a recorded container configuration (format 1)');
  }
  return value as RecordedContainer;
}

/**
 * Creates the recorded container again and starts it. Refuses when a
 * container of that name exists: it may be the original, and replacing it is
 * the caller's decision, not ours.
 */
export async function recreateContainer(
  docker: DockerClient,
  record: RecordedContainer,
  options: { signal?: AbortSignal; start?: boolean } = {},
): Promise<string> {
  const existing = await docker.listContainers(
    { all: true, name: `^/?${escapeRegExp(record.name)}$` },
    { signal: options.signal },
  );
  if (existing.some((c) => c.name === record.name)) {
    throw new Error(
      `A container named ${record.name} already exists; it was not replaced. Start it, or ` +
        `remove it first if it is not the production container.`,
    );
  }
  // The tag reads better in `docker ps`; the id is the fallback when the tag has moved.
  let image = record.imageId || record.image;
  if (record.image && record.image !== record.imageId) {
    const tagged = await docker
      .inspectImage(record.image, { signal: options.signal })
      .catch(() => undefined);
    if (tagged?.id === record.imageId) image = record.image;
  }
  const id = await docker.createContainer(
    { ...specFromRecord(record), image },
    { signal: options.signal },
  );
  if (options.start !== false) await docker.startContainer(id, { signal: options.signal });
  return id;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
