// The Docker interface the rest of NSO Workbench uses. Nothing outside
// src/core/docker touches dockerode: it goes through DockerClient, where every
// call takes a timeout and an AbortSignal and fails with a DockerError whose
// message a user can act on (see errors.ts).

import type { Readable } from 'node:stream';

import type { DockerEndpoint } from './endpoint';

/** Options every call accepts. */
export interface CallOptions {
  /** Cancels the call; the promise then rejects with a DockerError of kind `cancelled`. */
  readonly signal?: AbortSignal;
  /**
   * Overrides the call's default timeout (API calls: the client's `apiTimeoutMs`,
   * 20 s unless configured). 0 means none. Rejects with kind `timeout`.
   */
  readonly timeoutMs?: number;
}

/** A container, image or volume is named by id or name; images also by `repo:tag`. */
export type Ref = string;

export type Labels = Readonly<Record<string, string>>;

/** Label filter: `true` matches any value of the label, a string matches that value. */
export type LabelFilter = Readonly<Record<string, string | true>>;

// ---------------------------------------------------------------------------
// Engine

export interface EngineVersion {
  readonly version: string;
  readonly apiVersion: string;
  readonly minApiVersion?: string;
  readonly os: string;
  readonly arch: string;
  readonly kernelVersion?: string;
}

export interface EngineInfo {
  readonly name: string;
  readonly serverVersion: string;
  /** Number of CPUs the engine sees (NCPU), e.g. for sizing parallel builds. */
  readonly cpus: number;
  readonly memTotalBytes: number;
  readonly operatingSystem: string;
  readonly osType: string;
  readonly architecture: string;
  readonly containers: number;
  readonly containersRunning: number;
  readonly images: number;
  readonly storageDriver: string;
  readonly cgroupDriver?: string;
  readonly rootless: boolean;
}

// ---------------------------------------------------------------------------
// Images

export interface ImageSummary {
  readonly id: string;
  /** `repo:tag` names; empty for a dangling image. */
  readonly repoTags: readonly string[];
  readonly createdAt: Date;
  readonly sizeBytes: number;
  readonly labels: Labels;
}

export interface ImageListFilter {
  /** `repo`, `repo:tag` or a pattern such as `cisco-nso-*`. */
  readonly reference?: string;
  readonly labels?: LabelFilter;
  readonly dangling?: boolean;
}

export interface HealthcheckConfig {
  /** ['CMD', argv...], ['CMD-SHELL', 'script'] or ['NONE']. */
  readonly test: readonly string[];
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  readonly startPeriodMs?: number;
  readonly retries?: number;
}

export interface ImageDetails {
  readonly id: string;
  readonly repoTags: readonly string[];
  readonly createdAt: Date;
  readonly sizeBytes: number;
  readonly os: string;
  readonly architecture: string;
  readonly labels: Labels;
  readonly env: Readonly<Record<string, string>>;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly workingDir: string;
  readonly user: string;
  /** e.g. ['2024/tcp', '8080/tcp']. */
  readonly exposedPorts: readonly string[];
  /** Paths declared as VOLUME, e.g. ['/nso', '/log']. */
  readonly volumes: readonly string[];
  readonly healthcheck?: HealthcheckConfig;
}

export interface ImageLoadProgress {
  /** Bytes of the archive sent to the engine so far. */
  readonly bytesSent: number;
  /** The engine's own progress line, when the event came from it ("Loading layer", ...). */
  readonly status?: string;
  readonly layer?: string;
  readonly current?: number;
  readonly total?: number;
}

export interface ImageLoadOptions extends CallOptions {
  readonly onProgress?: (progress: ImageLoadProgress) => void;
}

export interface ImageLoadResult {
  /** What the engine reported loaded: `repo:tag` names, or image ids for untagged images. */
  readonly loaded: readonly string[];
}

export interface ImageRemoveOptions extends CallOptions {
  readonly force?: boolean;
  readonly noPrune?: boolean;
}

// ---------------------------------------------------------------------------
// Containers

export type ContainerState =
  'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export type HealthStatus = 'none' | 'starting' | 'healthy' | 'unhealthy';

export interface PortBinding {
  readonly containerPort: number;
  readonly protocol: 'tcp' | 'udp' | 'sctp';
  readonly hostIp?: string;
  readonly hostPort?: number;
}

export interface ContainerSummary {
  readonly id: string;
  /** The name without Docker's leading slash. */
  readonly name: string;
  readonly image: string;
  readonly imageId: string;
  readonly state: ContainerState;
  /** Docker's human text, e.g. "Up 3 minutes (healthy)". */
  readonly status: string;
  readonly labels: Labels;
  readonly createdAt: Date;
  readonly ports: readonly PortBinding[];
}

export interface ContainerListFilter {
  /** Include stopped containers (default true: the product cares about stopped NSO too). */
  readonly all?: boolean;
  readonly labels?: LabelFilter;
  /** Docker's name filter (a substring/regexp match, as `docker ps --filter name=`). */
  readonly name?: string;
  readonly state?: readonly ContainerState[];
  /** Containers created from this image (ancestor filter). */
  readonly ancestor?: string;
}

export interface MountInfo {
  readonly type: string;
  /** Host path for a bind mount; the volume's path on the host for a volume. */
  readonly source: string;
  readonly destination: string;
  /** The volume's name, for volume mounts. */
  readonly name?: string;
  readonly readOnly: boolean;
}

export interface HealthInfo {
  readonly status: HealthStatus;
  readonly failingStreak: number;
  readonly log: readonly {
    readonly start: string;
    readonly end: string;
    readonly exitCode: number;
    readonly output: string;
  }[];
}

export interface ContainerDetails {
  readonly id: string;
  readonly name: string;
  /** The image as given at creation (`cisco-nso-prod:6.4`). */
  readonly image: string;
  readonly imageId: string;
  readonly createdAt: Date;
  readonly state: {
    readonly status: ContainerState;
    readonly running: boolean;
    readonly paused: boolean;
    readonly restarting: boolean;
    readonly oomKilled: boolean;
    readonly exitCode: number;
    readonly error: string;
    readonly startedAt?: Date;
    readonly finishedAt?: Date;
    readonly health?: HealthInfo;
  };
  readonly restartCount: number;
  readonly labels: Labels;
  readonly env: Readonly<Record<string, string>>;
  readonly cmd: readonly string[];
  readonly entrypoint: readonly string[];
  readonly user: string;
  readonly workingDir: string;
  readonly tty: boolean;
  readonly healthcheck?: HealthcheckConfig;
  readonly mounts: readonly MountInfo[];
  /** Published ports (host side filled in while running). */
  readonly ports: readonly PortBinding[];
  readonly networkMode: string;
  /**
   * The rest of what the container was created with. Always set by the
   * engine client; only hand-made details (tests) leave it out.
   */
  readonly settings?: ContainerSettings;
}

export type RestartPolicyName = 'no' | 'always' | 'unless-stopped' | 'on-failure';

export interface RestartPolicy {
  readonly name: RestartPolicyName;
  /** For 'on-failure': how often Docker restarts it (0: no limit). */
  readonly maximumRetryCount: number;
}

/** A port binding as configured (`-p`): known whether or not the container runs. */
export interface ConfiguredPortBinding {
  readonly containerPort: number;
  readonly protocol: 'tcp' | 'udp' | 'sctp';
  /** '' means every interface, as `-p 2024:2024` does. */
  readonly hostIp: string;
  /** 0 means the engine picks a free port at each start (`-p 127.0.0.1::2024`). */
  readonly hostPort: number;
}

/** The container's place on one network. */
export interface NetworkAttachment {
  /** The network's name (`bridge`, `lab_default`, ...). */
  readonly network: string;
  /** Names other containers on that network reach it by (Compose: the service name). */
  readonly aliases: readonly string[];
  /** Addresses the user fixed (`--ip`); a dynamic address is not one. */
  readonly ipv4Address?: string;
  readonly ipv6Address?: string;
  /** Legacy links, `container:alias`. */
  readonly links?: readonly string[];
}

export interface Ulimit {
  readonly name: string;
  readonly soft: number;
  readonly hard: number;
}

export interface DeviceMapping {
  readonly pathOnHost: string;
  readonly pathInContainer: string;
  readonly cgroupPermissions: string;
}

/**
 * What `docker inspect` reports of a container's creation beyond the basics:
 * with ContainerDetails, enough to create the same container again.
 */
export interface ContainerSettings {
  /** As created; Docker's default is the first 12 characters of the id. */
  readonly hostname: string;
  readonly domainname: string;
  readonly restartPolicy: RestartPolicy;
  readonly autoRemove: boolean;
  readonly portBindings: readonly ConfiguredPortBinding[];
  /** e.g. ['2024/tcp']: the image's and the container's own. */
  readonly exposedPorts: readonly string[];
  readonly networks: readonly NetworkAttachment[];
  readonly stopSignal?: string;
  readonly stopTimeoutSeconds?: number;
  /** Target → mount options (`--tmpfs /run:size=64m`). */
  readonly tmpfs: Readonly<Record<string, string>>;
  /** `host:ip` entries for /etc/hosts. */
  readonly extraHosts: readonly string[];
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
  readonly privileged: boolean;
  readonly readonlyRootfs: boolean;
  readonly init?: boolean;
  readonly dns: readonly string[];
  readonly dnsSearch: readonly string[];
  readonly dnsOptions: readonly string[];
  /** 0: no limit. */
  readonly memoryBytes: number;
  /** CPUs in units of 1e-9 (`--cpus 1.5` is 1.5e9); 0: no limit. */
  readonly nanoCpus: number;
  /** 0: Docker's default (64 MiB). */
  readonly shmSizeBytes: number;
  readonly securityOpt: readonly string[];
  readonly sysctls: Readonly<Record<string, string>>;
  readonly groupAdd: readonly string[];
  readonly ulimits: readonly Ulimit[];
  readonly devices: readonly DeviceMapping[];
  /** Docker's default when unset: the engine's logging driver. */
  readonly logConfig?: { readonly type: string; readonly config: Readonly<Record<string, string>> };
  readonly openStdin: boolean;
  readonly stdinOnce: boolean;
}

export interface BindMountSpec {
  /** Path on the Docker host; must exist. */
  readonly source: string;
  readonly target: string;
  readonly readOnly?: boolean;
}

export interface VolumeMountSpec {
  /** A named volume; created by the engine when missing. */
  readonly name: string;
  readonly target: string;
  readonly readOnly?: boolean;
}

export interface PortSpec {
  readonly containerPort: number;
  readonly protocol?: 'tcp' | 'udp' | 'sctp';
  /** Omitted or 0: the engine picks a free port. */
  readonly hostPort?: number;
  /** Defaults to 127.0.0.1: nothing is published on other interfaces unless asked for. */
  readonly hostIp?: string;
}

export interface ContainerSpec {
  readonly image: string;
  readonly name?: string;
  readonly labels?: Labels;
  readonly env?: Readonly<Record<string, string>>;
  readonly cmd?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly workingDir?: string;
  readonly user?: string;
  readonly hostname?: string;
  readonly binds?: readonly BindMountSpec[];
  readonly volumes?: readonly VolumeMountSpec[];
  readonly ports?: readonly PortSpec[];
  /** 'bridge' (default), 'host', 'none' or a network name. */
  readonly networkMode?: string;
  /** Overrides the image's health check; `{ test: ['NONE'] }` disables it. */
  readonly healthcheck?: HealthcheckConfig;
  /** Run Docker's tiny init as PID 1 (reaps zombies, forwards signals). */
  readonly init?: boolean;
  readonly stopSignal?: string;
  readonly stopTimeoutSeconds?: number;
  readonly restartPolicy?: RestartPolicyName;
  /** With restartPolicy 'on-failure'. */
  readonly restartMaxRetries?: number;
  readonly memoryBytes?: number;
  readonly autoRemove?: boolean;
  readonly tty?: boolean;
  readonly openStdin?: boolean;
  readonly stdinOnce?: boolean;
  readonly domainname?: string;
  /**
   * Networks to join, with aliases. The one named by networkMode (or the
   * first) is joined at creation, the others right after, before any start.
   */
  readonly networks?: readonly NetworkAttachment[];
  /** Ports to expose without publishing them, e.g. ['4569/tcp']. */
  readonly exposedPorts?: readonly string[];
  readonly tmpfs?: Readonly<Record<string, string>>;
  readonly extraHosts?: readonly string[];
  readonly capAdd?: readonly string[];
  readonly capDrop?: readonly string[];
  readonly privileged?: boolean;
  readonly readonlyRootfs?: boolean;
  readonly dns?: readonly string[];
  readonly dnsSearch?: readonly string[];
  readonly dnsOptions?: readonly string[];
  readonly nanoCpus?: number;
  readonly shmSizeBytes?: number;
  readonly securityOpt?: readonly string[];
  readonly sysctls?: Readonly<Record<string, string>>;
  readonly groupAdd?: readonly string[];
  readonly ulimits?: readonly Ulimit[];
  readonly devices?: readonly DeviceMapping[];
  readonly logConfig?: { readonly type: string; readonly config: Readonly<Record<string, string>> };
}

/** Standard input and output of a process the engine runs (a container or an exec). */
export interface ProcessIoOptions extends CallOptions {
  /**
   * Data for the process's standard input; it sees end-of-file after it. A
   * stream is consumed while the process runs (answers to prompts), and
   * destroyed once it has ended.
   */
  readonly stdin?: string | Buffer | Readable;
  /** Called with each piece of output as it arrives (decoded as UTF-8). */
  readonly onStdout?: (text: string) => void;
  readonly onStderr?: (text: string) => void;
  /**
   * Most bytes kept per stream in the result (the end is kept: errors come
   * last). Callbacks always see everything. Default 4 MiB.
   */
  readonly maxBufferBytes?: number;
}

export interface RunContainerOptions extends ProcessIoOptions {
  /**
   * Time for the whole run (no default). On timeout or cancellation the
   * container is killed (and removed unless `keep`).
   */
  readonly timeoutMs?: number;
  /** Leave the container in place after it ends (default: removed). */
  readonly keep?: boolean;
}

export interface RunContainerResult {
  /** The container's id (gone already unless `keep`). */
  readonly id: string;
  /** -1 when the container was removed before its exit code could be read. */
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutTruncated: boolean;
  readonly stderrTruncated: boolean;
  /** The kernel killed it for memory. */
  readonly oomKilled: boolean;
  /** Someone removed the container while it ran (`docker rm -f`). */
  readonly removedWhileRunning: boolean;
  /** Set when a signal ended it (exit code 128 + n), e.g. 9 for `docker kill`. */
  readonly signal?: number;
}

export interface StopOptions extends CallOptions {
  /** Seconds the engine waits after the stop signal before killing (Docker's default 10). */
  readonly graceSeconds?: number;
}

export interface RemoveContainerOptions extends CallOptions {
  /** Also remove anonymous volumes of the container (named volumes are never removed). */
  readonly volumes?: boolean;
  /** Kill a running container first. */
  readonly force?: boolean;
}

export interface WaitOptions extends CallOptions {
  /** Docker's wait condition; 'not-running' (default) returns at once for a stopped container. */
  readonly condition?: 'not-running' | 'next-exit' | 'removed';
}

// ---------------------------------------------------------------------------
// Volumes

export interface VolumeSpec {
  readonly name?: string;
  readonly labels?: Labels;
  readonly driver?: string;
}

export interface VolumeInfo {
  readonly name: string;
  readonly driver: string;
  readonly mountpoint: string;
  readonly labels: Labels;
  readonly createdAt?: Date;
}

export interface VolumeListFilter {
  readonly labels?: LabelFilter;
  readonly name?: string;
}

// ---------------------------------------------------------------------------
// Logs

export interface LogLine {
  readonly stream: 'stdout' | 'stderr';
  /** The line without its newline (and without the timestamp when one was asked for). */
  readonly text: string;
  /** Docker's RFC 3339 timestamp, when `timestamps` was set. */
  readonly timestamp?: string;
}

export interface LogOptions extends CallOptions {
  /** Only the last N lines; omitted means all. */
  readonly tail?: number;
  /** Unix time in seconds, or an RFC 3339 date. */
  readonly since?: number | string;
  readonly timestamps?: boolean;
  readonly stdout?: boolean;
  readonly stderr?: boolean;
}

// ---------------------------------------------------------------------------
// Exec

export interface ExecOptions extends ProcessIoOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly user?: string;
  readonly workingDir?: string;
  /**
   * Time for the whole command (no default: builds are long). On timeout or
   * cancellation the command's whole process group is stopped.
   */
  readonly timeoutMs?: number;
  /** Seconds between SIGTERM and SIGKILL when stopping the command (default 1). */
  readonly killGraceSeconds?: number;
  /**
   * Run argv directly, without the small `sh` wrapper that records the process
   * group. Only for images without `sh`: cancelling then stops reading but
   * cannot stop the command.
   */
  readonly withoutShell?: boolean;
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutTruncated: boolean;
  readonly stderrTruncated: boolean;
}

// ---------------------------------------------------------------------------
// Events

/** One event from the engine's event stream. */
export interface DockerEvent {
  /** 'container', 'image', 'volume', 'network', ... */
  readonly type: string;
  /** 'create', 'start', 'die', 'destroy', 'health_status: healthy', ... */
  readonly action: string;
  /** The id of the container, image, volume... the event is about. */
  readonly id: string;
  /** name, image, exitCode, labels... as the engine sent them. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch. */
  readonly time: number;
}

export interface EventFilter {
  readonly type?: readonly string[];
  readonly action?: readonly string[];
  readonly container?: readonly string[];
  readonly image?: readonly string[];
  readonly volume?: readonly string[];
  readonly labels?: LabelFilter;
}

export interface EventOptions extends CallOptions {
  readonly filter?: EventFilter;
  /** Replay events since this time (Unix seconds or RFC 3339). */
  readonly since?: number | string;
  /** End the stream at this time; without it the stream runs until cancelled. */
  readonly until?: number | string;
  /**
   * Silence (ms) on a tcp:// connection after which TCP keepalive probes start
   * (default 5 s, one probe per 5 s of silence; 0: none). The events stream has no heartbeat of its own, so
   * a network that drops without a FIN would leave it open forever; the
   * probes notice that within about this time plus 10 s, and they are packets
   * of the connection, not Docker API calls. ssh:// engines use SSH keepalives.
   */
  readonly keepAliveMs?: number;
}

// ---------------------------------------------------------------------------
// Archives

export interface ReadFileOptions extends CallOptions {
  /** Refuse files bigger than this (default 16 MiB). */
  readonly maxBytes?: number;
}

export interface WriteFileOptions extends CallOptions {
  /** Permission bits, default 0o644. */
  readonly mode?: number;
  /** Owner inside the container, default 0 (root). */
  readonly uid?: number;
  readonly gid?: number;
}

// ---------------------------------------------------------------------------

export interface DockerClient {
  /** Where this client talks to, for messages and logs. */
  readonly endpoint: DockerEndpoint;

  ping(options?: CallOptions): Promise<void>;
  version(options?: CallOptions): Promise<EngineVersion>;
  info(options?: CallOptions): Promise<EngineInfo>;

  listImages(filter?: ImageListFilter, options?: CallOptions): Promise<ImageSummary[]>;
  inspectImage(image: Ref, options?: CallOptions): Promise<ImageDetails>;
  /** Loads a `docker save` archive (tar, or tar.gz/bz2/xz: the engine detects it). */
  loadImage(archive: Readable, options?: ImageLoadOptions): Promise<ImageLoadResult>;
  removeImage(image: Ref, options?: ImageRemoveOptions): Promise<void>;

  listContainers(filter?: ContainerListFilter, options?: CallOptions): Promise<ContainerSummary[]>;
  inspectContainer(container: Ref, options?: CallOptions): Promise<ContainerDetails>;
  /**
   * The engine's own inspect document, as `docker inspect` prints it
   * (`State.Health.Log`, `NetworkSettings.Networks.*.IPAddress`...), for a
   * user to read; code reads inspectContainer.
   */
  inspectContainerJson(container: Ref, options?: CallOptions): Promise<unknown>;
  /** Creates (does not start) a container; resolves to its id. */
  createContainer(spec: ContainerSpec, options?: CallOptions): Promise<string>;
  /** Starting a running container is not an error. */
  startContainer(container: Ref, options?: CallOptions): Promise<void>;
  /** Stopping a stopped container is not an error. */
  stopContainer(container: Ref, options?: StopOptions): Promise<void>;
  restartContainer(container: Ref, options?: StopOptions): Promise<void>;
  /** Resumes a paused container: its processes go on where they were. */
  unpauseContainer(container: Ref, options?: CallOptions): Promise<void>;
  killContainer(container: Ref, signal?: string, options?: CallOptions): Promise<void>;
  removeContainer(container: Ref, options?: RemoveContainerOptions): Promise<void>;
  /** Waits until the container stops (no default timeout); resolves to its exit code. */
  waitContainer(container: Ref, options?: WaitOptions): Promise<number>;
  /**
   * Creates, starts and waits for a one-off container (`docker run -i --rm`
   * without the shell): standard input attached before it starts, output
   * captured, then removed. Resolves whatever its exit code; a container
   * killed or removed meanwhile says so in the result.
   */
  runContainer(spec: ContainerSpec, options?: RunContainerOptions): Promise<RunContainerResult>;

  createVolume(spec?: VolumeSpec, options?: CallOptions): Promise<VolumeInfo>;
  inspectVolume(name: string, options?: CallOptions): Promise<VolumeInfo>;
  listVolumes(filter?: VolumeListFilter, options?: CallOptions): Promise<VolumeInfo[]>;
  removeVolume(name: string, options?: CallOptions & { force?: boolean }): Promise<void>;

  /** The container's log so far, split into lines. */
  logs(container: Ref, options?: LogOptions): Promise<LogLine[]>;
  /**
   * The log as it is written, line by line, until the container stops (the
   * iteration ends) or the signal fires (it ends too, without an error).
   */
  followLogs(container: Ref, options?: LogOptions): AsyncIterable<LogLine>;

  /** A tar stream of a file or folder in the container (as `docker cp` reads it). */
  getArchive(container: Ref, path: string, options?: CallOptions): Promise<Readable>;
  /** Unpacks a tar stream or buffer into folder `path` of the container, which must exist. */
  putArchive(
    container: Ref,
    path: string,
    archive: Readable | Buffer,
    options?: CallOptions,
  ): Promise<void>;
  readFile(container: Ref, path: string, options?: ReadFileOptions): Promise<Buffer>;
  readTextFile(container: Ref, path: string, options?: ReadFileOptions): Promise<string>;
  /** Writes one file (its folder must exist), replacing what was there. */
  writeFile(
    container: Ref,
    path: string,
    content: string | Buffer,
    options?: WriteFileOptions,
  ): Promise<void>;

  /**
   * Runs argv (an array, never a shell string) in a running container and
   * resolves when it ends, whatever its exit code.
   */
  exec(container: Ref, argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;

  /**
   * The engine's events as they happen. Iteration ends quietly when the signal
   * fires (or at `until`); when the stream breaks it throws a DockerError, and
   * the caller decides whether to reconnect.
   */
  events(options?: EventOptions): AsyncIterable<DockerEvent>;
}
