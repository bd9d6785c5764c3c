// A container's configuration as Docker reports it, recorded before anything
// risky happens to the container (a restore stops it; an auto-removed container
// disappears on stop) so that it can be created again exactly as it was, and
// so that "exactly as it was" can be checked afterwards.

import type {
  ContainerDetails,
  ContainerSettings,
  ContainerSpec,
  DockerClient,
  HealthcheckConfig,
  PortSpec,
} from '../docker/client';
import { isSecretName, redactedValue } from '../../ncsconf/variables';

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
  /** 2: with `settings`. Records of format 1 (older journals) lack them. */
  readonly format: 1 | 2;
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
   * False when the ports could not be read: a format 1 record of a container
   * that was not running (Docker then reports no published ports).
   */
  readonly portsKnown: boolean;
  readonly networkMode: string;
  readonly wasRunning: boolean;
  /** Set when the container vanished on stop, i.e. it was started with `--rm`. */
  readonly autoRemove?: boolean;
  /**
   * The rest of its creation: restart policy, host name, networks with their
   * aliases, port bindings with host addresses, tmpfs, extra hosts,
   * capabilities, limits, log driver... (format 2).
   */
  readonly settings?: ContainerSettings;
}

/** Reads the configuration off `docker inspect`. */
export function recordContainer(details: ContainerDetails, now = new Date()): RecordedContainer {
  const running = details.state.running;
  const settings = details.settings;
  return {
    format: settings !== undefined ? 2 : 1,
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
    // Bindings as configured are known whether it runs or not; published ones only while it runs.
    ports: settings !== undefined ? configuredPorts(settings) : publishedPorts(details),
    portsKnown: settings !== undefined || running,
    networkMode: details.networkMode,
    wasRunning: running,
    ...(settings?.autoRemove === true ? { autoRemove: true } : {}),
    ...(settings !== undefined ? { settings } : {}),
  };
}

function configuredPorts(settings: ContainerSettings): RecordedPort[] {
  return [...settings.portBindings].sort(
    (a, b) =>
      a.containerPort - b.containerPort ||
      a.protocol.localeCompare(b.protocol) ||
      a.hostIp.localeCompare(b.hostIp) ||
      a.hostPort - b.hostPort,
  );
}

/** Docker names a container's host after its id unless told otherwise. */
function defaultHostname(record: RecordedContainer): boolean {
  const hostname = record.settings?.hostname ?? '';
  return hostname === '' || (hostname.length >= 12 && record.id.startsWith(hostname));
}

/** Network modes that share another namespace: no own host name, ports or networks. */
function sharedNamespace(networkMode: string): boolean {
  return networkMode === 'host' || networkMode.startsWith('container:');
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

/** Mounts Docker can create again through the client: bind mounts, volumes and tmpfs. */
function recreatableMount(m: RecordedMount): boolean {
  return m.type === 'bind' || m.type === 'volume' || m.type === 'tmpfs';
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
  if (record.settings === undefined) {
    notes.push(
      'this record is of an older format: a recreated container gets Docker defaults for its ' +
        'restart policy, host name, resource limits and extra networks',
    );
  }
  if (record.networkMode.startsWith('container:')) {
    notes.push(
      `it shares the network of ${record.networkMode.slice('container:'.length)}, which must ` +
        'exist under that id when it is recreated',
    );
  }
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
  const ports: PortSpec[] = record.ports.map((p) => ({
    containerPort: p.containerPort,
    protocol: p.protocol,
    hostPort: p.hostPort,
    hostIp: p.hostIp,
  }));
  const s = record.settings;
  // `--mount type=tmpfs` shows as a mount; `--tmpfs` only in the settings.
  const tmpfs: Record<string, string> = {
    ...Object.fromEntries(
      record.mounts.filter((m) => m.type === 'tmpfs').map((m) => [m.target, '']),
    ),
    ...s?.tmpfs,
  };
  const shared = sharedNamespace(record.networkMode);
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
    ...(Object.keys(tmpfs).length > 0 ? { tmpfs } : {}),
    ...(shared ? {} : { ports }),
    ...(record.networkMode ? { networkMode: record.networkMode } : {}),
    // Docker allows no other restart policy with --rm, so this one is known.
    ...(record.autoRemove === true ? { autoRemove: true, restartPolicy: 'no' as const } : {}),
    ...(s !== undefined ? settingsSpec(record, s, shared) : {}),
  };
}

function settingsSpec(
  record: RecordedContainer,
  s: ContainerSettings,
  shared: boolean,
): Partial<ContainerSpec> {
  return {
    // A host name Docker derived from the old id is not carried over: the new container gets its own.
    ...(!shared && !defaultHostname(record) ? { hostname: s.hostname } : {}),
    ...(!shared && s.domainname ? { domainname: s.domainname } : {}),
    restartPolicy: s.restartPolicy.name,
    ...(s.restartPolicy.maximumRetryCount > 0
      ? { restartMaxRetries: s.restartPolicy.maximumRetryCount }
      : {}),
    autoRemove: s.autoRemove,
    ...(shared ? {} : { networks: s.networks, exposedPorts: s.exposedPorts }),
    ...(s.stopSignal !== undefined ? { stopSignal: s.stopSignal } : {}),
    ...(s.stopTimeoutSeconds !== undefined ? { stopTimeoutSeconds: s.stopTimeoutSeconds } : {}),
    extraHosts: s.extraHosts,
    capAdd: s.capAdd,
    capDrop: s.capDrop,
    privileged: s.privileged,
    readonlyRootfs: s.readonlyRootfs,
    ...(s.init !== undefined ? { init: s.init } : {}),
    dns: s.dns,
    dnsSearch: s.dnsSearch,
    dnsOptions: s.dnsOptions,
    memoryBytes: s.memoryBytes,
    nanoCpus: s.nanoCpus,
    ...(s.shmSizeBytes > 0 ? { shmSizeBytes: s.shmSizeBytes } : {}),
    securityOpt: s.securityOpt,
    sysctls: s.sysctls,
    groupAdd: s.groupAdd,
    ulimits: s.ulimits,
    devices: s.devices,
    ...(s.logConfig !== undefined ? { logConfig: s.logConfig } : {}),
    openStdin: s.openStdin,
    stdinOnce: s.stdinOnce,
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
      // A secret's values stay out of the sentence: it ends up in logs and --json output.
      diffs.push(
        isSecretName(key)
          ? `environment ${key}: ${secretState(before.env[key])} became ${secretState(after.env[key])}`
          : `environment ${key}: ${before.env[key] ?? '(unset)'} became ${after.env[key] ?? '(unset)'}`,
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
  if (before.settings !== undefined && after.settings !== undefined) {
    diffs.push(...settingsDifferences(before, after));
  }
  return diffs;
}

/** What a user configured beyond the basics, each in words; ports are compared above. */
const settingNames: Readonly<Partial<Record<keyof ContainerSettings, string>>> = {
  hostname: 'host name',
  domainname: 'domain name',
  restartPolicy: 'restart policy',
  autoRemove: 'auto-remove',
  exposedPorts: 'exposed ports',
  networks: 'networks',
  stopSignal: 'stop signal',
  stopTimeoutSeconds: 'stop timeout',
  tmpfs: 'tmpfs mounts',
  extraHosts: 'extra hosts',
  capAdd: 'added capabilities',
  capDrop: 'dropped capabilities',
  privileged: 'privileged',
  readonlyRootfs: 'read-only root',
  init: 'init',
  dns: 'DNS servers',
  dnsSearch: 'DNS search domains',
  dnsOptions: 'DNS options',
  memoryBytes: 'memory limit',
  nanoCpus: 'CPU limit',
  shmSizeBytes: 'shared memory size',
  securityOpt: 'security options',
  sysctls: 'sysctls',
  groupAdd: 'extra groups',
  ulimits: 'ulimits',
  devices: 'devices',
  logConfig: 'log driver',
  openStdin: 'open stdin',
  stdinOnce: 'stdin once',
};

function settingsDifferences(before: RecordedContainer, after: RecordedContainer): string[] {
  const normal = (record: RecordedContainer): Record<string, unknown> => {
    const s = record.settings!;
    return {
      ...s,
      hostname: defaultHostname(record) ? '(the container id)' : s.hostname,
      networks: [...s.networks]
        .map((n) => ({ ...n, aliases: [...n.aliases].sort() }))
        .sort((a, b) => a.network.localeCompare(b.network)),
      exposedPorts: [...s.exposedPorts].sort(),
    };
  };
  const a = normal(before);
  const b = normal(after);
  const diffs: string[] = [];
  for (const [key, name] of Object.entries(settingNames)) {
    const was = JSON.stringify(a[key] ?? null);
    const now = JSON.stringify(b[key] ?? null);
    if (was !== now) diffs.push(`${name} ${was} became ${now}`);
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

/** A secret's value in a difference: whether it is set, never what it is. */
function secretState(value: string | undefined): string {
  return value === undefined ? '(unset)' : value === '' ? '(empty)' : redactedValue;
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
    (value.format !== 1 && value.format !== 2) ||
    typeof value.name !== 'string' ||
    typeof value.imageId !== 'string' ||
    !Array.isArray(value.mounts)
  ) {
    throw new Error('not a recorded container configuration (format 1 or 2)');
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
