// Between our types and the engine's JSON: request bodies and filters going
// out, inspect and list results coming back. Every read is null-tolerant (see
// json.ts); nothing here talks to the engine.

import type Dockerode from 'dockerode';

import type {
  ConfiguredPortBinding,
  ContainerDetails,
  ContainerSettings,
  ContainerSpec,
  ContainerState,
  ContainerSummary,
  DockerEvent,
  EngineInfo,
  EngineVersion,
  EventOptions,
  HealthcheckConfig,
  HealthStatus,
  ImageDetails,
  ImageSummary,
  LabelFilter,
  LogOptions,
  MountInfo,
  NetworkAttachment,
  PortBinding,
  RestartPolicyName,
  VolumeInfo,
} from './client';
import {
  asArray,
  asBoolean,
  asDate,
  asNumber,
  asObject,
  asString,
  asStringMap,
  asStrings,
  envListToMap,
  envMapToList,
} from './json';

export function engineVersion(raw: unknown): EngineVersion {
  const v = asObject(raw);
  return {
    version: asString(v.Version),
    apiVersion: asString(v.ApiVersion),
    minApiVersion: asString(v.MinAPIVersion) || undefined,
    os: asString(v.Os),
    arch: asString(v.Arch),
    kernelVersion: asString(v.KernelVersion) || undefined,
  };
}

export function engineInfo(raw: unknown): EngineInfo {
  const i = asObject(raw);
  return {
    name: asString(i.Name),
    serverVersion: asString(i.ServerVersion),
    cpus: asNumber(i.NCPU, 1),
    memTotalBytes: asNumber(i.MemTotal),
    operatingSystem: asString(i.OperatingSystem),
    osType: asString(i.OSType),
    architecture: asString(i.Architecture),
    containers: asNumber(i.Containers),
    containersRunning: asNumber(i.ContainersRunning),
    images: asNumber(i.Images),
    storageDriver: asString(i.Driver),
    cgroupDriver: asString(i.CgroupDriver) || undefined,
    rootless: asStrings(i.SecurityOptions).some((option) => option.includes('name=rootless')),
  };
}

export function imageSummary(item: unknown): ImageSummary {
  const image = asObject(item);
  return {
    id: asString(image.Id),
    repoTags: asStrings(image.RepoTags).filter((tag) => tag !== '<none>:<none>'),
    createdAt: asDate(asNumber(image.Created)) ?? new Date(0),
    sizeBytes: asNumber(image.Size),
    labels: asStringMap(image.Labels),
  };
}

export function imageDetails(raw: unknown): ImageDetails {
  const i = asObject(raw);
  const config = asObject(i.Config);
  return {
    id: asString(i.Id),
    repoTags: asStrings(i.RepoTags),
    createdAt: asDate(i.Created) ?? new Date(0),
    sizeBytes: asNumber(i.Size),
    os: asString(i.Os),
    architecture: asString(i.Architecture),
    labels: asStringMap(config.Labels),
    env: envListToMap(config.Env),
    entrypoint: asStrings(config.Entrypoint),
    cmd: asStrings(config.Cmd),
    workingDir: asString(config.WorkingDir),
    user: asString(config.User),
    exposedPorts: Object.keys(asObject(config.ExposedPorts)),
    volumes: Object.keys(asObject(config.Volumes)),
    healthcheck: healthcheckFromEngine(config.Healthcheck),
  };
}

export function containerSummary(item: unknown): ContainerSummary {
  const c = asObject(item);
  return {
    id: asString(c.Id),
    name: (asStrings(c.Names)[0] ?? '').replace(/^\//, ''),
    image: asString(c.Image),
    imageId: asString(c.ImageID),
    state: asString(c.State) as ContainerState,
    status: asString(c.Status),
    labels: asStringMap(c.Labels),
    createdAt: asDate(asNumber(c.Created)) ?? new Date(0),
    ports: asArray(c.Ports).map((p) => {
      const port = asObject(p);
      return {
        containerPort: asNumber(port.PrivatePort),
        protocol: (asString(port.Type) || 'tcp') as PortBinding['protocol'],
        hostIp: asString(port.IP) || undefined,
        hostPort: typeof port.PublicPort === 'number' ? port.PublicPort : undefined,
      };
    }),
  };
}

export function labelFilters(labels: LabelFilter): string[] {
  return Object.entries(labels).map(([key, value]) => (value === true ? key : `${key}=${value}`));
}

export function eventFilters(filter: EventOptions['filter']): Record<string, string[]> {
  const filters: Record<string, string[]> = {};
  if (filter === undefined) return filters;
  if (filter.type) filters.type = [...filter.type];
  if (filter.action) filters.event = [...filter.action];
  if (filter.container) filters.container = [...filter.container];
  if (filter.image) filters.image = [...filter.image];
  if (filter.volume) filters.volume = [...filter.volume];
  if (filter.labels) filters.label = labelFilters(filter.labels);
  return filters;
}

export function dockerEvent(json: unknown): DockerEvent {
  const raw = asObject(json);
  const actor = asObject(raw.Actor);
  const timeNano = asNumber(raw.timeNano);
  return {
    type: asString(raw.Type),
    action: asString(raw.Action) || asString(raw.status),
    id: asString(actor.ID) || asString(raw.id),
    attributes: asStringMap(actor.Attributes),
    time: timeNano > 0 ? Math.floor(timeNano / 1e6) : asNumber(raw.time) * 1000,
  };
}

export function logQuery(options: LogOptions): Record<string, unknown> {
  return {
    stdout: options.stdout ?? true,
    stderr: options.stderr ?? true,
    timestamps: options.timestamps ?? false,
    ...(options.tail !== undefined ? { tail: options.tail } : {}),
    ...(options.since !== undefined ? { since: options.since } : {}),
  };
}

function nanosToMs(value: unknown): number | undefined {
  return typeof value === 'number' && value > 0 ? Math.round(value / 1e6) : undefined;
}

export function healthcheckFromEngine(raw: unknown): HealthcheckConfig | undefined {
  const h = asObject(raw);
  const test = asStrings(h.Test);
  if (test.length === 0) return undefined;
  return {
    test,
    intervalMs: nanosToMs(h.Interval),
    timeoutMs: nanosToMs(h.Timeout),
    startPeriodMs: nanosToMs(h.StartPeriod),
    retries: typeof h.Retries === 'number' ? h.Retries : undefined,
  };
}

export function healthcheckToEngine(check: HealthcheckConfig): Record<string, unknown> {
  return {
    Test: [...check.test],
    ...(check.intervalMs !== undefined ? { Interval: check.intervalMs * 1e6 } : {}),
    ...(check.timeoutMs !== undefined ? { Timeout: check.timeoutMs * 1e6 } : {}),
    ...(check.startPeriodMs !== undefined ? { StartPeriod: check.startPeriodMs * 1e6 } : {}),
    ...(check.retries !== undefined ? { Retries: check.retries } : {}),
  };
}

export function containerCreateBody(spec: ContainerSpec): Dockerode.ContainerCreateOptions {
  const exposedPorts: Record<string, object> = {};
  const portBindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const port of spec.ports ?? []) {
    const key = `${port.containerPort}/${port.protocol ?? 'tcp'}`;
    exposedPorts[key] = {};
    (portBindings[key] ??= []).push({
      HostIp: port.hostIp ?? '127.0.0.1',
      HostPort: port.hostPort ? String(port.hostPort) : '',
    });
  }

  const mounts = [
    ...(spec.binds ?? []).map((bind) => ({
      Type: 'bind' as const,
      Source: bind.source,
      Target: bind.target,
      ReadOnly: bind.readOnly ?? false,
    })),
    ...(spec.volumes ?? []).map((volume) => ({
      Type: 'volume' as const,
      Source: volume.name,
      Target: volume.target,
      ReadOnly: volume.readOnly ?? false,
    })),
  ];

  for (const port of spec.exposedPorts ?? []) exposedPorts[port] = {};

  // The network joined at creation: the one networkMode names, else the first.
  const networkMode = spec.networkMode ?? spec.networks?.[0]?.network;
  const primary = spec.networks?.find((n) => n.network === networkMode);

  const hostConfig: Dockerode.HostConfig = {
    Mounts: mounts,
    PortBindings: portBindings,
    ...(networkMode !== undefined ? { NetworkMode: networkMode } : {}),
    ...(spec.init !== undefined ? { Init: spec.init } : {}),
    ...(spec.restartPolicy !== undefined
      ? {
          RestartPolicy: {
            Name: spec.restartPolicy,
            ...(spec.restartMaxRetries ? { MaximumRetryCount: spec.restartMaxRetries } : {}),
          },
        }
      : {}),
    ...(spec.memoryBytes !== undefined ? { Memory: spec.memoryBytes } : {}),
    ...(spec.autoRemove !== undefined ? { AutoRemove: spec.autoRemove } : {}),
    ...(spec.tmpfs !== undefined ? { Tmpfs: { ...spec.tmpfs } } : {}),
    ...(spec.extraHosts !== undefined ? { ExtraHosts: [...spec.extraHosts] } : {}),
    ...(spec.capAdd !== undefined ? { CapAdd: [...spec.capAdd] } : {}),
    ...(spec.capDrop !== undefined ? { CapDrop: [...spec.capDrop] } : {}),
    ...(spec.privileged !== undefined ? { Privileged: spec.privileged } : {}),
    ...(spec.readonlyRootfs !== undefined ? { ReadonlyRootfs: spec.readonlyRootfs } : {}),
    ...(spec.dns !== undefined ? { Dns: [...spec.dns] } : {}),
    ...(spec.dnsSearch !== undefined ? { DnsSearch: [...spec.dnsSearch] } : {}),
    ...(spec.dnsOptions !== undefined ? { DnsOptions: [...spec.dnsOptions] } : {}),
    ...(spec.nanoCpus !== undefined ? { NanoCpus: spec.nanoCpus } : {}),
    ...(spec.shmSizeBytes ? { ShmSize: spec.shmSizeBytes } : {}),
    ...(spec.securityOpt !== undefined ? { SecurityOpt: [...spec.securityOpt] } : {}),
    ...(spec.sysctls !== undefined ? { Sysctls: { ...spec.sysctls } } : {}),
    ...(spec.groupAdd !== undefined ? { GroupAdd: [...spec.groupAdd] } : {}),
    ...(spec.ulimits !== undefined
      ? { Ulimits: spec.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })) }
      : {}),
    ...(spec.devices !== undefined
      ? {
          Devices: spec.devices.map((d) => ({
            PathOnHost: d.pathOnHost,
            PathInContainer: d.pathInContainer,
            CgroupPermissions: d.cgroupPermissions,
          })),
        }
      : {}),
    ...(spec.logConfig !== undefined
      ? { LogConfig: { Type: spec.logConfig.type, Config: { ...spec.logConfig.config } } }
      : {}),
  };

  return {
    Image: spec.image,
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    Labels: { ...spec.labels },
    Env: envMapToList(spec.env),
    ...(spec.cmd !== undefined ? { Cmd: [...spec.cmd] } : {}),
    // Docker reads [""] (not []) as "no entrypoint".
    ...(spec.entrypoint !== undefined
      ? { Entrypoint: spec.entrypoint.length === 0 ? [''] : [...spec.entrypoint] }
      : {}),
    ...(spec.workingDir !== undefined ? { WorkingDir: spec.workingDir } : {}),
    ...(spec.user !== undefined ? { User: spec.user } : {}),
    ...(spec.hostname !== undefined ? { Hostname: spec.hostname } : {}),
    ...(spec.domainname !== undefined ? { Domainname: spec.domainname } : {}),
    ...(spec.healthcheck !== undefined
      ? { Healthcheck: healthcheckToEngine(spec.healthcheck) }
      : {}),
    ...(spec.stopSignal !== undefined ? { StopSignal: spec.stopSignal } : {}),
    ...(spec.stopTimeoutSeconds !== undefined ? { StopTimeout: spec.stopTimeoutSeconds } : {}),
    Tty: spec.tty ?? false,
    OpenStdin: spec.openStdin ?? false,
    ...(spec.stdinOnce !== undefined ? { StdinOnce: spec.stdinOnce } : {}),
    ExposedPorts: exposedPorts,
    HostConfig: hostConfig,
    ...(primary !== undefined && primary.network === networkMode
      ? { NetworkingConfig: { EndpointsConfig: { [primary.network]: endpointConfig(primary) } } }
      : {}),
  };
}

/**
 * The network a container of this network mode is on once created: Docker's
 * `default` is the `bridge` network; host, none and container:<id> are
 * networks of their own, which allow no others.
 */
export function networkOfMode(networkMode: string | undefined): string {
  return networkMode === undefined || networkMode === '' || networkMode === 'default'
    ? 'bridge'
    : networkMode;
}

/** The engine's EndpointSettings for joining a network as `attachment` says. */
export function endpointConfig(attachment: NetworkAttachment): Dockerode.EndpointSettings {
  const ipam = {
    ...(attachment.ipv4Address ? { IPv4Address: attachment.ipv4Address } : {}),
    ...(attachment.ipv6Address ? { IPv6Address: attachment.ipv6Address } : {}),
  };
  return {
    ...(attachment.aliases.length > 0 ? { Aliases: [...attachment.aliases] } : {}),
    ...(attachment.links && attachment.links.length > 0 ? { Links: [...attachment.links] } : {}),
    ...(Object.keys(ipam).length > 0 ? { IPAMConfig: ipam } : {}),
  };
}

/**
 * The container's creation settings from inspect output. Aliases Docker adds
 * by itself (the short id) are left out: a new container gets its own.
 */
export function containerSettings(raw: unknown): ContainerSettings {
  const c = asObject(raw);
  const config = asObject(c.Config);
  const host = asObject(c.HostConfig);
  const id = asString(c.Id);
  const restart = asObject(host.RestartPolicy);
  const portBindings: ConfiguredPortBinding[] = [];
  for (const [key, bindings] of Object.entries(asObject(host.PortBindings))) {
    const [port, protocol] = key.split('/');
    for (const binding of asArray(bindings)) {
      const b = asObject(binding);
      portBindings.push({
        containerPort: Number(port),
        protocol: (protocol ?? 'tcp') as ConfiguredPortBinding['protocol'],
        hostIp: asString(b.HostIp),
        hostPort: Number(asString(b.HostPort)) || 0,
      });
    }
  }
  const networks = Object.entries(asObject(asObject(c.NetworkSettings).Networks)).map(
    ([network, value]): NetworkAttachment => {
      const endpoint = asObject(value);
      const ipam = asObject(endpoint.IPAMConfig);
      const links = asStrings(endpoint.Links);
      return {
        network,
        aliases: asStrings(endpoint.Aliases).filter((a) => !(a.length >= 12 && id.startsWith(a))),
        ...(asString(ipam.IPv4Address) ? { ipv4Address: asString(ipam.IPv4Address) } : {}),
        ...(asString(ipam.IPv6Address) ? { ipv6Address: asString(ipam.IPv6Address) } : {}),
        ...(links.length > 0 ? { links } : {}),
      };
    },
  );
  const log = asObject(host.LogConfig);
  const stopTimeout = config.StopTimeout;
  return {
    hostname: asString(config.Hostname),
    domainname: asString(config.Domainname),
    restartPolicy: {
      name: (asString(restart.Name) || 'no') as RestartPolicyName,
      maximumRetryCount: asNumber(restart.MaximumRetryCount),
    },
    autoRemove: asBoolean(host.AutoRemove),
    portBindings,
    exposedPorts: Object.keys(asObject(config.ExposedPorts)).sort(),
    networks,
    ...(asString(config.StopSignal) ? { stopSignal: asString(config.StopSignal) } : {}),
    ...(typeof stopTimeout === 'number' ? { stopTimeoutSeconds: stopTimeout } : {}),
    tmpfs: asStringMap(host.Tmpfs),
    extraHosts: asStrings(host.ExtraHosts),
    capAdd: asStrings(host.CapAdd),
    capDrop: asStrings(host.CapDrop),
    privileged: asBoolean(host.Privileged),
    readonlyRootfs: asBoolean(host.ReadonlyRootfs),
    ...(typeof host.Init === 'boolean' ? { init: host.Init } : {}),
    dns: asStrings(host.Dns),
    dnsSearch: asStrings(host.DnsSearch),
    dnsOptions: asStrings(host.DnsOptions),
    memoryBytes: asNumber(host.Memory),
    nanoCpus: asNumber(host.NanoCpus),
    shmSizeBytes: asNumber(host.ShmSize),
    securityOpt: asStrings(host.SecurityOpt),
    sysctls: asStringMap(host.Sysctls),
    groupAdd: asStrings(host.GroupAdd),
    ulimits: asArray(host.Ulimits).map((u) => {
      const limit = asObject(u);
      return { name: asString(limit.Name), soft: asNumber(limit.Soft), hard: asNumber(limit.Hard) };
    }),
    devices: asArray(host.Devices).map((d) => {
      const device = asObject(d);
      return {
        pathOnHost: asString(device.PathOnHost),
        pathInContainer: asString(device.PathInContainer),
        cgroupPermissions: asString(device.CgroupPermissions) || 'rwm',
      };
    }),
    ...(asString(log.Type)
      ? { logConfig: { type: asString(log.Type), config: asStringMap(log.Config) } }
      : {}),
    openStdin: asBoolean(config.OpenStdin),
    stdinOnce: asBoolean(config.StdinOnce),
  };
}

export function containerDetails(raw: unknown): ContainerDetails {
  const c = asObject(raw);
  const state = asObject(c.State);
  const config = asObject(c.Config);
  const hostConfig = asObject(c.HostConfig);
  const health = asObject(state.Health);
  const ports: PortBinding[] = [];
  for (const [key, bindings] of Object.entries(asObject(asObject(c.NetworkSettings).Ports))) {
    const [port, protocol] = key.split('/');
    const published = asArray(bindings);
    const base = {
      containerPort: Number(port),
      protocol: (protocol ?? 'tcp') as PortBinding['protocol'],
    };
    if (published.length === 0) ports.push(base);
    for (const binding of published) {
      const b = asObject(binding);
      ports.push({
        ...base,
        hostIp: asString(b.HostIp) || undefined,
        hostPort: asString(b.HostPort) ? Number(asString(b.HostPort)) : undefined,
      });
    }
  }

  return {
    id: asString(c.Id),
    name: asString(c.Name).replace(/^\//, ''),
    image: asString(config.Image),
    imageId: asString(c.Image),
    createdAt: asDate(c.Created) ?? new Date(0),
    state: {
      status: asString(state.Status) as ContainerState,
      running: asBoolean(state.Running),
      paused: asBoolean(state.Paused),
      restarting: asBoolean(state.Restarting),
      oomKilled: asBoolean(state.OOMKilled),
      exitCode: asNumber(state.ExitCode),
      error: asString(state.Error),
      startedAt: asDate(state.StartedAt),
      finishedAt: asDate(state.FinishedAt),
      health:
        state.Health === undefined || state.Health === null
          ? undefined
          : {
              status: (asString(health.Status) || 'none') as HealthStatus,
              failingStreak: asNumber(health.FailingStreak),
              log: asArray(health.Log).map((entry) => {
                const e = asObject(entry);
                return {
                  start: asString(e.Start),
                  end: asString(e.End),
                  exitCode: asNumber(e.ExitCode),
                  output: asString(e.Output),
                };
              }),
            },
    },
    restartCount: asNumber(c.RestartCount),
    labels: asStringMap(config.Labels),
    env: envListToMap(config.Env),
    cmd: asStrings(config.Cmd),
    entrypoint: asStrings(config.Entrypoint),
    user: asString(config.User),
    workingDir: asString(config.WorkingDir),
    tty: asBoolean(config.Tty),
    healthcheck: healthcheckFromEngine(config.Healthcheck),
    mounts: asArray(c.Mounts).map((m): MountInfo => {
      const mount = asObject(m);
      return {
        type: asString(mount.Type),
        source: asString(mount.Source),
        destination: asString(mount.Destination),
        name: asString(mount.Name) || undefined,
        readOnly: mount.RW === false,
      };
    }),
    ports,
    networkMode: asString(hostConfig.NetworkMode),
    settings: containerSettings(raw),
  };
}

export function volumeInfo(raw: unknown): VolumeInfo {
  const v = asObject(raw);
  return {
    name: asString(v.Name),
    driver: asString(v.Driver),
    mountpoint: asString(v.Mountpoint),
    labels: asStringMap(v.Labels),
    createdAt: asDate(v.CreatedAt),
  };
}
