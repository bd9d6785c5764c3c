// DockerClient over dockerode. Every engine call goes through `call` (or
// `openStream` for streams that outlive their request): one place that applies
// the timeout, follows the caller's AbortSignal and translates errors.

import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import { PassThrough, type Readable, Transform, pipeline } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

import Dockerode from 'dockerode';

import { abortable, delay, type TimeoutScope, withTimeout } from '../cancel';
import type {
  CallOptions,
  ContainerDetails,
  ContainerListFilter,
  ContainerSpec,
  ContainerSummary,
  DockerClient,
  DockerEvent,
  EngineInfo,
  EngineVersion,
  EventOptions,
  ExecOptions,
  ExecResult,
  ImageDetails,
  ImageListFilter,
  ImageLoadOptions,
  ImageLoadResult,
  ImageRemoveOptions,
  ImageSummary,
  LogLine,
  LogOptions,
  ReadFileOptions,
  Ref,
  RemoveContainerOptions,
  RunContainerOptions,
  RunContainerResult,
  StopOptions,
  VolumeInfo,
  VolumeListFilter,
  VolumeSpec,
  WaitOptions,
  WriteFileOptions,
} from './client';
import {
  type DockerEndpoint,
  type EndpointSources,
  nodeEndpointSources,
  resolveDockerEndpoint,
} from './endpoint';
import {
  containerCreateBody,
  containerDetails,
  containerSummary,
  dockerEvent,
  endpointConfig,
  engineInfo,
  engineVersion,
  eventFilters,
  imageDetails,
  imageSummary,
  labelFilters,
  logQuery,
  networkOfMode,
  volumeInfo,
} from './engineJson';
import {
  DockerError,
  type DockerOperation,
  dockerCancelledError,
  dockerTimeoutError,
  formatSeconds,
  translateDockerError,
} from './errors';
import { asArray, asBoolean, asNumber, asObject, asString, envMapToList } from './json';
import { checkHostKey, type HostKeyVerdict, isEncryptedPrivateKey } from './sshKnownHosts';
import {
  LineSplitter,
  type OutputStream,
  StreamDemuxer,
  TailBuffer,
  splitTimestamp,
} from './streams';
import { readTar, tarOneFile } from './tar';

export interface DockerClientOptions {
  /** An endpoint resolved beforehand; otherwise resolved from `sources`. */
  readonly endpoint?: DockerEndpoint;
  /** Environment, home folder, file reader and host override; defaults to this process's. */
  readonly sources?: EndpointSources;
  /** Default timeout of API calls (not of streams, exec runs, waits or image loads). */
  readonly apiTimeoutMs?: number;
}

export const defaultApiTimeoutMs = 20_000;
const defaultExecBufferBytes = 4 * 1024 * 1024;
/** See EventOptions.keepAliveMs. */
export const defaultEventsKeepAliveMs = 5_000;
/** ssh:// engines: an SSH keepalive after this much silence, given up after 3 unanswered. */
const sshKeepAliveMs = 15_000;
const defaultReadFileMaxBytes = 16 * 1024 * 1024;

/**
 * Runs argv as data after a fixed script (never interpolated into it). The
 * script reports its PID, which the runtime made a process group leader (runc
 * starts every exec in a new session), then becomes the command. Cancelling
 * signals that whole group, so children of the command stop too.
 */
const execWrapper = ['sh', '-c', 'echo "nsowb-exec-pid $$" >&2; exec "$@"', 'nsowb-exec'];
const execPidLine = /^nsowb-exec-pid (\d+)$/;

/**
 * SIGTERM to the group, SIGKILL after $2 tenths of a second if anything is
 * left; falls back to the PID alone if it leads no group. `kill -SIG -PID` is
 * the one spelling that dash, bash and busybox all accept.
 */
const killScript = [
  'kill -TERM "-$1" 2>/dev/null || kill -TERM "$1" 2>/dev/null || exit 0',
  'i=0',
  'while [ "$i" -lt "$2" ] && kill -0 "-$1" 2>/dev/null; do sleep 0.1; i=$((i+1)); done',
  'kill -KILL "-$1" 2>/dev/null',
  'exit 0',
].join('\n');

/**
 * dockerode 5 takes `{ abortSignal }` on every call and an `agent` for the
 * connection; @types/dockerode (written for 4) lacks these few overloads.
 */
interface SignalledEngineCalls {
  ping(options: { abortSignal: AbortSignal }): Promise<unknown>;
  version(options: { abortSignal: AbortSignal }): Promise<unknown>;
  info(options: { abortSignal: AbortSignal }): Promise<unknown>;
}
interface SignalledInspect {
  inspect(options: { abortSignal: AbortSignal }): Promise<unknown>;
}
interface SignalledConnect {
  connect(options: {
    Container: string;
    EndpointConfig: Dockerode.EndpointSettings;
    abortSignal: AbortSignal;
  }): Promise<unknown>;
}
type ModemOptions = Dockerode.DockerOptions & { agent?: https.Agent };

/** Creates a client for the endpoint the sources point at (throws a `configuration` DockerError). */
export function createDockerClient(options: DockerClientOptions = {}): DockerClient {
  const sources = options.sources ?? nodeEndpointSources();
  const endpoint = options.endpoint ?? resolveDockerEndpoint(sources);
  return new DockerodeClient(endpoint, sources, options.apiTimeoutMs ?? defaultApiTimeoutMs);
}

class DockerodeClient implements DockerClient {
  private readonly docker: Dockerode;
  private readonly untyped: SignalledEngineCalls;
  private lastHostKeyVerdict: HostKeyVerdict | undefined;

  constructor(
    readonly endpoint: DockerEndpoint,
    private readonly sources: EndpointSources,
    private readonly apiTimeoutMs: number,
  ) {
    this.docker = createDockerode(this.modemOptions());
    // Dockerode's own typings are assignable here; only the declared parameters differ.
    this.untyped = this.docker;
  }

  // -------------------------------------------------------------------------
  // The one wrapper: timeout + cancellation + error translation.

  private async call<T>(
    operation: DockerOperation,
    options: CallOptions | undefined,
    run: (signal: AbortSignal) => Promise<T>,
    defaultTimeoutMs: number | undefined = this.apiTimeoutMs,
  ): Promise<T> {
    const scope = withTimeout(options?.signal, options?.timeoutMs ?? defaultTimeoutMs);
    try {
      if (scope.signal.aborted) {
        throw this.failure(undefined, operation, scope);
      }
      return await abortable(run(scope.signal), scope.signal);
    } catch (error) {
      throw this.failure(error, operation, scope);
    } finally {
      scope.dispose();
    }
  }

  /**
   * Opens a stream under the call timeout; once open, only the caller's signal
   * can end it. The returned scope must be disposed when the stream is done.
   */
  private async openStream(
    operation: DockerOperation,
    options: CallOptions | undefined,
    open: (signal: AbortSignal) => Promise<NodeJS.ReadableStream>,
  ): Promise<{ stream: Readable; scope: TimeoutScope }> {
    const scope = withTimeout(options?.signal, options?.timeoutMs ?? this.apiTimeoutMs);
    try {
      if (scope.signal.aborted) {
        throw this.failure(undefined, operation, scope);
      }
      const stream = (await abortable(open(scope.signal), scope.signal)) as Readable;
      scope.clearTimeout();
      return { stream, scope };
    } catch (error) {
      scope.dispose();
      throw this.failure(error, operation, scope);
    }
  }

  private failure(error: unknown, operation: DockerOperation, scope: TimeoutScope): DockerError {
    if (scope.cause === 'timeout') {
      return dockerTimeoutError(operation, this.endpoint, scope.timeoutMs ?? 0);
    }
    if (scope.cause === 'cancelled') {
      return dockerCancelledError(operation, this.endpoint);
    }
    const translated = translateDockerError(error, operation, this.endpoint);
    return this.withHostKeyDetail(translated);
  }

  /** A stream that was flowing broke off: say that, not "could not connect". */
  private streamBroke(error: unknown, what: string, operation: DockerOperation): DockerError {
    if (error instanceof DockerError) return error;
    const detail = error instanceof Error ? error.message : String(error);
    return new DockerError({
      kind: 'unreachable',
      message:
        `${what} from Docker at ${this.endpoint.description} broke off: the engine may have ` +
        `restarted or the connection dropped (${detail})`,
      endpoint: this.endpoint.description,
      action: operation.action,
      cause: error,
    });
  }

  /** ssh2 only says "verification failed"; we know why. */
  private withHostKeyDetail(error: DockerError): DockerError {
    const verdict = this.lastHostKeyVerdict;
    if (this.endpoint.transport !== 'ssh' || verdict === undefined || verdict === 'match') {
      return error;
    }
    if (!/host denied|verification failed/i.test(String(asObject(error.cause).message))) {
      return error;
    }
    const host = this.endpoint.hostname ?? this.endpoint.description;
    const login = `${this.endpoint.username ? `${this.endpoint.username}@` : ''}${host}`;
    const sentences: Record<Exclude<HostKeyVerdict, 'match'>, string> = {
      unknown:
        `The SSH host key of ${host} is not in ~/.ssh/known_hosts: connect once with ` +
        `\`ssh ${login}\` to check and record it`,
      changed:
        `The SSH host key of ${host} does not match ~/.ssh/known_hosts: the host was ` +
        `reinstalled or the connection is intercepted; check, then update the entry ` +
        `(\`ssh-keygen -R ${host}\`)`,
      revoked: `The SSH host key of ${host} is marked @revoked in known_hosts: refusing to connect`,
    };
    return new DockerError({
      kind: 'authentication',
      message: sentences[verdict],
      endpoint: this.endpoint.description,
      action: error.action,
      cause: error.cause,
    });
  }

  // -------------------------------------------------------------------------
  // Engine

  async ping(options?: CallOptions): Promise<void> {
    await this.call({ action: 'answer a ping' }, options, (signal) =>
      this.untyped.ping({ abortSignal: signal }),
    );
  }

  async version(options?: CallOptions): Promise<EngineVersion> {
    const raw: unknown = await this.call({ action: 'report its version' }, options, (signal) =>
      this.untyped.version({ abortSignal: signal }),
    );
    return engineVersion(raw);
  }

  async info(options?: CallOptions): Promise<EngineInfo> {
    const raw: unknown = await this.call({ action: 'report its system info' }, options, (signal) =>
      this.untyped.info({ abortSignal: signal }),
    );
    return engineInfo(raw);
  }

  // -------------------------------------------------------------------------
  // Images

  async listImages(filter: ImageListFilter = {}, options?: CallOptions): Promise<ImageSummary[]> {
    const filters: Record<string, string[]> = {};
    if (filter.reference !== undefined) filters.reference = [filter.reference];
    if (filter.labels !== undefined) filters.label = labelFilters(filter.labels);
    if (filter.dangling !== undefined) filters.dangling = [String(filter.dangling)];

    const raw: unknown = await this.call({ action: 'list images' }, options, (signal) =>
      this.docker.listImages({ filters: JSON.stringify(filters), abortSignal: signal }),
    );
    return asArray(raw).map(imageSummary);
  }

  async inspectImage(image: Ref, options?: CallOptions): Promise<ImageDetails> {
    const operation = {
      action: `inspect image ${image}`,
      resource: { type: 'image', name: image },
    } as const;
    const raw: unknown = await this.call(operation, options, (signal) =>
      (this.docker.getImage(image) as unknown as SignalledInspect).inspect({ abortSignal: signal }),
    );
    return imageDetails(raw);
  }

  async loadImage(archive: Readable, options: ImageLoadOptions = {}): Promise<ImageLoadResult> {
    const operation = { action: 'load an image archive' };
    let bytesSent = 0;
    const onProgress = options.onProgress;

    // Count what goes to the engine without taking the archive out of paused mode early.
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytesSent += chunk.length;
        onProgress?.({ bytesSent });
        done(null, chunk);
      },
    });
    pipeline(archive, counter, () => undefined);

    // Loading a multi-gigabyte NSO image takes minutes: no default timeout, only the caller's.
    // Whatever the outcome, the archive is released (a cancelled load leaves it half read).
    try {
      return await this.call(
        operation,
        options,
        async (signal) => {
          const response = (await this.docker.loadImage(counter, {
            quiet: false,
            abortSignal: signal,
          })) as Readable;
          const loaded: string[] = [];
          let failure: string | undefined;
          const lines = new LineSplitter((line) => {
            if (line.trim() === '') return;
            let message: Record<string, unknown>;
            try {
              message = asObject(JSON.parse(line));
            } catch {
              return;
            }
            const error =
              asString(asObject(message.errorDetail).message) || asString(message.error);
            if (error) failure = error;
            const text = asString(message.stream);
            const loadedMatch = /Loaded image(?: ID)?: (\S+)/.exec(text);
            if (loadedMatch?.[1] !== undefined) loaded.push(loadedMatch[1]);
            const status = asString(message.status);
            if (status && onProgress) {
              const detail = asObject(message.progressDetail);
              onProgress({
                bytesSent,
                status,
                layer: asString(message.id) || undefined,
                current: typeof detail.current === 'number' ? detail.current : undefined,
                total: typeof detail.total === 'number' ? detail.total : undefined,
              });
            }
          });
          for await (const chunk of response) {
            lines.push(chunk as Buffer);
          }
          lines.end();
          if (failure !== undefined) {
            throw new DockerError({
              kind: 'engine',
              message: `Docker could not load the image archive: ${failure}`,
              endpoint: this.endpoint.description,
              action: operation.action,
              engineMessage: failure,
            });
          }
          return { loaded };
        },
        undefined,
      );
    } finally {
      counter.destroy();
    }
  }

  async removeImage(image: Ref, options: ImageRemoveOptions = {}): Promise<void> {
    const operation = {
      action: `remove image ${image}`,
      resource: { type: 'image', name: image },
    } as const;
    await this.call(operation, options, (signal) =>
      this.docker.getImage(image).remove({
        force: options.force ?? false,
        noprune: options.noPrune ?? false,
        abortSignal: signal,
      }),
    );
  }

  // -------------------------------------------------------------------------
  // Containers

  async listContainers(
    filter: ContainerListFilter = {},
    options?: CallOptions,
  ): Promise<ContainerSummary[]> {
    const filters: Record<string, string[]> = {};
    if (filter.labels !== undefined) filters.label = labelFilters(filter.labels);
    if (filter.name !== undefined) filters.name = [filter.name];
    if (filter.state !== undefined) filters.status = [...filter.state];
    if (filter.ancestor !== undefined) filters.ancestor = [filter.ancestor];

    const raw: unknown = await this.call({ action: 'list containers' }, options, (signal) =>
      this.docker.listContainers({
        all: filter.all ?? true,
        filters: JSON.stringify(filters),
        abortSignal: signal,
      }),
    );
    return asArray(raw).map(containerSummary);
  }

  async inspectContainer(container: Ref, options?: CallOptions): Promise<ContainerDetails> {
    const raw: unknown = await this.call(
      containerOperation('inspect', container),
      options,
      (signal) => this.docker.getContainer(container).inspect({ abortSignal: signal }),
    );
    return containerDetails(raw);
  }

  async inspectContainerJson(container: Ref, options?: CallOptions): Promise<unknown> {
    return this.call(containerOperation('inspect', container), options, (signal) =>
      this.docker.getContainer(container).inspect({ abortSignal: signal }),
    );
  }

  async createContainer(spec: ContainerSpec, options?: CallOptions): Promise<string> {
    const operation: DockerOperation = {
      action: `create container ${spec.name ?? `from ${spec.image}`}`,
      resource: { type: 'image', name: spec.image },
    };
    const body = containerCreateBody(spec);
    const created = await this.call(operation, options, (signal) =>
      this.docker.createContainer({ ...body, abortSignal: signal }),
    );
    // Engines before API 1.44 take one network at creation: the others are joined now.
    const joined = networkOfMode(body.HostConfig?.NetworkMode);
    const others = (spec.networks ?? []).filter((n) => n.network !== joined);
    try {
      for (const attachment of others) {
        await this.call(
          {
            action: `connect container ${spec.name ?? created.id} to network ${attachment.network}`,
            resource: { type: 'network', name: attachment.network },
          },
          options,
          (signal) =>
            (this.docker.getNetwork(attachment.network) as unknown as SignalledConnect).connect({
              Container: created.id,
              EndpointConfig: endpointConfig(attachment),
              abortSignal: signal,
            }),
        );
      }
    } catch (error) {
      // Half a container is worse than none: the caller still has its spec.
      await this.removeContainer(created.id, { force: true }).catch(() => undefined);
      throw error;
    }
    return created.id;
  }

  async runContainer(
    spec: ContainerSpec,
    options: RunContainerOptions = {},
  ): Promise<RunContainerResult> {
    const shown = [...(spec.entrypoint ?? []), ...(spec.cmd ?? [])].slice(0, 3).join(' ');
    const operation: DockerOperation = {
      action: `run ${shown || spec.image} in a one-off container`,
      resource: { type: 'image', name: spec.image },
    };
    const hasStdin = options.stdin !== undefined;
    const body = containerCreateBody({ ...spec, openStdin: hasStdin, stdinOnce: hasStdin });
    const { id } = await this.call(operation, { signal: options.signal }, (signal) =>
      this.docker.createContainer({
        ...body,
        AttachStdin: hasStdin,
        AttachStdout: true,
        AttachStderr: true,
        abortSignal: signal,
      }),
    );
    const container = this.docker.getContainer(id);
    const named = spec.name ?? id.slice(0, 12);
    let removedByOthers = false;
    const removeUnlessKept = async (): Promise<void> => {
      if (options.keep === true) return;
      await this.removeContainer(id, { force: true }).catch((error: unknown) => {
        // Gone, or someone else's `docker rm` is at it: either way not ours to finish.
        const elsewhere =
          isDockerError(error, 'notFound') ||
          (error instanceof DockerError &&
            error.kind === 'conflict' &&
            /already in progress/.test(error.message));
        if (!elsewhere) throw error;
        removedByOthers = true;
      });
    };

    let stream: NodeJS.ReadWriteStream & Readable;
    try {
      // Attached before the start, so no output and no prompt is missed.
      stream = (await this.call(operation, { signal: options.signal }, (signal) =>
        container.attach({
          stream: true,
          stdin: hasStdin,
          stdout: true,
          stderr: true,
          hijack: hasStdin,
          abortSignal: signal,
        }),
      )) as NodeJS.ReadWriteStream & Readable;
      await this.call(containerOperation('start', named), { signal: options.signal }, (signal) =>
        container.start({ abortSignal: signal }),
      );
    } catch (error) {
      await removeUnlessKept().catch(() => undefined);
      throw error;
    }

    const maxBytes = options.maxBufferBytes ?? defaultExecBufferBytes;
    const stdout = new TailBuffer(maxBytes);
    const stderr = new TailBuffer(maxBytes);
    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    const callbacks = { stdout: options.onStdout, stderr: options.onStderr };
    const demuxer = new StreamDemuxer((which, chunk) => {
      (which === 'stdout' ? stdout : stderr).push(chunk);
      const text = decoders[which].write(chunk);
      if (text !== '') callbacks[which]?.(text);
    });
    const ended = new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        try {
          demuxer.push(chunk);
        } catch {
          // A malformed frame ends the output, not the run: the exit code still counts.
          stream.destroy();
        }
      });
      stream.once('end', () => resolve());
      stream.once('close', () => resolve());
      stream.once('error', () => resolve());
    });
    const stopFeeding = feedStdin(stream, options.stdin);

    const run = withTimeout(options.signal, options.timeoutMs);
    let exitCode = -1;
    let removedWhileRunning = false;
    try {
      // Not-running after the start: a container that already ended answers at once.
      const waited = container.wait({ condition: 'not-running', abortSignal: run.signal }).then(
        (raw: unknown) => asNumber(asObject(raw).StatusCode, -1),
        (error: unknown) => {
          if (run.signal.aborted) return 'aborted' as const;
          const translated = translateDockerError(error, operation, this.endpoint);
          if (translated.kind === 'notFound') return 'removed' as const;
          throw translated;
        },
      );
      // Settled either way below; a rejection after an abort is not news.
      waited.catch(() => undefined);
      const aborted = new Promise<'aborted'>((resolve) => {
        if (run.signal.aborted) resolve('aborted');
        run.signal.addEventListener('abort', () => resolve('aborted'), { once: true });
      });
      const outcome = await Promise.race([waited, aborted]);
      if (outcome === 'aborted') {
        await this.killContainer(id, 'SIGKILL').catch(() => undefined);
        stream.destroy();
        await removeUnlessKept().catch(() => undefined);
        if (run.cause === 'timeout') {
          throw new DockerError({
            kind: 'timeout',
            message:
              `${shown || spec.image} in one-off container ${named} did not finish within ` +
              `${formatSeconds(run.timeoutMs ?? 0)} and was killed`,
            endpoint: this.endpoint.description,
            action: operation.action,
          });
        }
        throw dockerCancelledError(operation, this.endpoint);
      }
      if (outcome === 'removed') removedWhileRunning = true;
      else exitCode = outcome;
      // The last output can trail the exit by a moment.
      await Promise.race([ended, delay(2000)]);
    } finally {
      run.dispose();
      stopFeeding();
      stream.destroy();
    }
    for (const which of ['stdout', 'stderr'] as const) {
      const rest = decoders[which].end();
      if (rest !== '') callbacks[which]?.(rest);
    }

    let oomKilled = false;
    try {
      const state = asObject(asObject(await container.inspect()).State);
      oomKilled = asBoolean(state.OOMKilled);
      if (exitCode === -1) exitCode = asNumber(state.ExitCode, -1);
    } catch {
      // Removed by someone else (or auto-removed): the exit code from wait stands.
      if (exitCode === -1) removedWhileRunning = true;
    }
    await removeUnlessKept();
    return {
      id,
      exitCode,
      stdout: stdout.text(),
      stderr: stderr.text(),
      stdoutTruncated: stdout.truncated,
      stderrTruncated: stderr.truncated,
      oomKilled,
      removedWhileRunning: removedWhileRunning || removedByOthers,
      ...(exitCode > 128 && exitCode < 160 ? { signal: exitCode - 128 } : {}),
    };
  }

  async startContainer(container: Ref, options?: CallOptions): Promise<void> {
    await this.call(containerOperation('start', container), options, (signal) =>
      ignoreNotModified(this.docker.getContainer(container).start({ abortSignal: signal })),
    );
  }

  async unpauseContainer(container: Ref, options?: CallOptions): Promise<void> {
    await this.call(containerOperation('unpause', container), options, (signal) =>
      this.docker.getContainer(container).unpause({ abortSignal: signal }),
    );
  }

  async stopContainer(container: Ref, options: StopOptions = {}): Promise<void> {
    const graceSeconds = options.graceSeconds;
    await this.call(
      containerOperation('stop', container),
      options,
      (signal) =>
        ignoreNotModified(
          this.docker.getContainer(container).stop({
            ...(graceSeconds !== undefined ? { t: graceSeconds } : {}),
            abortSignal: signal,
          }),
        ),
      this.apiTimeoutMs + (graceSeconds ?? 10) * 1000,
    );
  }

  async restartContainer(container: Ref, options: StopOptions = {}): Promise<void> {
    const graceSeconds = options.graceSeconds;
    await this.call(
      containerOperation('restart', container),
      options,
      (signal) =>
        this.docker.getContainer(container).restart({
          ...(graceSeconds !== undefined ? { t: graceSeconds } : {}),
          abortSignal: signal,
        }),
      this.apiTimeoutMs + (graceSeconds ?? 10) * 1000,
    );
  }

  async killContainer(
    container: Ref,
    signalName = 'SIGKILL',
    options?: CallOptions,
  ): Promise<void> {
    await this.call(containerOperation('kill', container), options, (signal) =>
      this.docker.getContainer(container).kill({ signal: signalName, abortSignal: signal }),
    );
  }

  async removeContainer(container: Ref, options: RemoveContainerOptions = {}): Promise<void> {
    await this.call(containerOperation('remove', container), options, (signal) =>
      this.docker.getContainer(container).remove({
        v: options.volumes ?? false,
        force: options.force ?? false,
        abortSignal: signal,
      }),
    );
  }

  async waitContainer(container: Ref, options: WaitOptions = {}): Promise<number> {
    const raw: unknown = await this.call(
      containerOperation('wait for', container),
      options,
      (signal) =>
        this.docker
          .getContainer(container)
          .wait({ condition: options.condition ?? 'not-running', abortSignal: signal }),
      undefined,
    );
    return asNumber(asObject(raw).StatusCode, -1);
  }

  // -------------------------------------------------------------------------
  // Volumes

  async createVolume(spec: VolumeSpec = {}, options?: CallOptions): Promise<VolumeInfo> {
    const operation = { action: `create volume ${spec.name ?? ''}`.trim() };
    const volume = await this.call(operation, options, (signal) =>
      this.docker.createVolume({
        ...(spec.name !== undefined ? { Name: spec.name } : {}),
        Labels: { ...spec.labels },
        Driver: spec.driver ?? 'local',
        abortSignal: signal,
      }),
    );
    return this.inspectVolume(volume.name, options);
  }

  async inspectVolume(name: string, options?: CallOptions): Promise<VolumeInfo> {
    const operation = {
      action: `inspect volume ${name}`,
      resource: { type: 'volume', name },
    } as const;
    const raw: unknown = await this.call(operation, options, (signal) =>
      this.docker.getVolume(name).inspect({ abortSignal: signal }),
    );
    return volumeInfo(raw);
  }

  async listVolumes(filter: VolumeListFilter = {}, options?: CallOptions): Promise<VolumeInfo[]> {
    const filters: Record<string, string[]> = {};
    if (filter.labels !== undefined) filters.label = labelFilters(filter.labels);
    if (filter.name !== undefined) filters.name = [filter.name];
    const raw: unknown = await this.call({ action: 'list volumes' }, options, (signal) =>
      this.docker.listVolumes({ filters: JSON.stringify(filters), abortSignal: signal }),
    );
    return asArray(asObject(raw).Volumes).map(volumeInfo);
  }

  async removeVolume(name: string, options: CallOptions & { force?: boolean } = {}): Promise<void> {
    const operation = {
      action: `remove volume ${name}`,
      resource: { type: 'volume', name },
    } as const;
    await this.call(operation, options, (signal) =>
      this.docker.getVolume(name).remove({ force: options.force ?? false, abortSignal: signal }),
    );
  }

  // -------------------------------------------------------------------------
  // Logs

  async logs(container: Ref, options: LogOptions = {}): Promise<LogLine[]> {
    const raw: unknown = await this.call(
      containerOperation('read the log of', container),
      options,
      (signal) =>
        this.docker
          .getContainer(container)
          .logs({ ...logQuery(options), follow: false, abortSignal: signal }),
    );
    // dockerode parses a body that happens to be JSON (only possible with a TTY log).
    const body = Buffer.isBuffer(raw)
      ? raw
      : Buffer.from(typeof raw === 'string' ? raw : JSON.stringify(raw));
    const lines: LogLine[] = [];
    const reader = logLineReader(options.timestamps === true, (line) => lines.push(line));
    reader.push(body);
    reader.end();
    return lines;
  }

  async *followLogs(container: Ref, options: LogOptions = {}): AsyncIterable<LogLine> {
    const operation = containerOperation('follow the log of', container);
    let opened: { stream: Readable; scope: TimeoutScope };
    try {
      opened = await this.openStream(operation, options, (signal) =>
        this.docker
          .getContainer(container)
          .logs({ ...logQuery(options), follow: true, abortSignal: signal }),
      );
    } catch (error) {
      if (isDockerError(error, 'cancelled')) return;
      throw error;
    }

    const { stream, scope } = opened;
    const queue: LogLine[] = [];
    const reader = logLineReader(options.timestamps === true, (line) => queue.push(line));
    try {
      for await (const chunk of stream) {
        reader.push(chunk as Buffer);
        yield* queue.splice(0);
      }
      reader.end();
      yield* queue.splice(0);
    } catch (error) {
      if (scope.cause === 'cancelled') return;
      throw this.streamBroke(error, `The log of container ${container}`, operation);
    } finally {
      stream.destroy();
      scope.dispose();
    }
  }

  // -------------------------------------------------------------------------
  // Archives

  async getArchive(container: Ref, file: string, options?: CallOptions): Promise<Readable> {
    const operation: DockerOperation = {
      action: `read ${file} from container ${container}`,
      resource: { type: 'path', name: file, container },
    };
    const { stream, scope } = await this.openStream(operation, options, (signal) =>
      this.docker.getContainer(container).getArchive({ path: file, abortSignal: signal }),
    );
    stream.once('close', () => scope.dispose());
    return stream;
  }

  async putArchive(
    container: Ref,
    folder: string,
    archive: Readable | Buffer,
    options?: CallOptions,
  ): Promise<void> {
    const operation: DockerOperation = {
      action: `copy files into ${folder} of container ${container}`,
      resource: { type: 'path', name: folder, container },
    };
    await this.call(operation, options, (signal) =>
      this.docker
        .getContainer(container)
        .putArchive(archive, { path: folder, abortSignal: signal }),
    );
  }

  async readFile(container: Ref, file: string, options: ReadFileOptions = {}): Promise<Buffer> {
    const maxBytes = options.maxBytes ?? defaultReadFileMaxBytes;
    let target = file;

    // Docker archives a symbolic link as the link; follow it as `cat` would.
    for (let hop = 0; hop < 8; hop++) {
      const operation: DockerOperation = {
        action: `read ${target} from container ${container}`,
        resource: { type: 'path', name: target, container },
      };
      const archive = await this.call(operation, options, async (signal) => {
        const stream = (await this.docker
          .getContainer(container)
          .getArchive({ path: target, abortSignal: signal })) as Readable;
        return readAtMost(stream, maxBytes + 64 * 1024);
      });
      if (archive === undefined) {
        throw tooBig(target, container, maxBytes, this.endpoint.description);
      }

      const entry = readTar(archive)[0];
      if (entry === undefined) {
        throw new DockerError({
          kind: 'engine',
          message: `Docker returned an empty archive for ${target} in container ${container}`,
          endpoint: this.endpoint.description,
        });
      }
      if (entry.type === 'symlink') {
        target = path.posix.resolve(path.posix.dirname(target), entry.linkName);
        continue;
      }
      if (entry.type !== 'file') {
        throw new DockerError({
          kind: 'badRequest',
          message: `${target} in container ${container} is not a file (it is a ${entry.type})`,
          endpoint: this.endpoint.description,
        });
      }
      if (entry.size > maxBytes) {
        throw tooBig(target, container, maxBytes, this.endpoint.description);
      }
      return entry.content;
    }
    throw new DockerError({
      kind: 'badRequest',
      message: `${file} in container ${container} is a chain of more than 8 symbolic links`,
      endpoint: this.endpoint.description,
    });
  }

  async readTextFile(container: Ref, file: string, options?: ReadFileOptions): Promise<string> {
    return (await this.readFile(container, file, options)).toString('utf8');
  }

  async writeFile(
    container: Ref,
    file: string,
    content: string | Buffer,
    options: WriteFileOptions = {},
  ): Promise<void> {
    const archive = tarOneFile({
      name: path.posix.basename(file),
      content: typeof content === 'string' ? Buffer.from(content, 'utf8') : content,
      mode: options.mode ?? 0o644,
      uid: options.uid ?? 0,
      gid: options.gid ?? 0,
    });
    await this.putArchive(container, path.posix.dirname(file), archive, options);
  }

  // -------------------------------------------------------------------------
  // Exec

  async exec(
    container: Ref,
    argv: readonly string[],
    options: ExecOptions = {},
  ): Promise<ExecResult> {
    const shown = argv.slice(0, 3).join(' ') + (argv.length > 3 ? ' …' : '');
    const operation: DockerOperation = {
      action: `run ${shown} in container ${container}`,
      resource: { type: 'container', name: container },
    };
    if (argv.length === 0) {
      throw new DockerError({
        kind: 'badRequest',
        message: `No command given to run in container ${container}`,
        endpoint: this.endpoint.description,
      });
    }
    const wrapped = options.withoutShell !== true;
    const hasStdin = options.stdin !== undefined;

    // Creating honours the caller's signal: nothing runs yet. Starting does
    // not (a start cut off halfway could leave the command running with nobody
    // able to stop it); a cancel that arrives meanwhile is honoured right after.
    const exec = await this.call(operation, { signal: options.signal }, (signal) =>
      this.docker.getContainer(container).exec({
        Cmd: wrapped ? [...execWrapper, ...argv] : [...argv],
        Env: envMapToList(options.env),
        ...(options.user !== undefined ? { User: options.user } : {}),
        ...(options.workingDir !== undefined ? { WorkingDir: options.workingDir } : {}),
        AttachStdin: hasStdin,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        abortSignal: signal,
      }),
    );
    const stream = (await this.call(operation, undefined, () =>
      exec.start({ hijack: hasStdin, stdin: hasStdin, Detach: false, Tty: false }),
    )) as NodeJS.ReadWriteStream & Readable;

    const run = withTimeout(options.signal, options.timeoutMs);
    const maxBytes = options.maxBufferBytes ?? defaultExecBufferBytes;
    const stdout = new TailBuffer(maxBytes);
    const stderr = new TailBuffer(maxBytes);
    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    const callbacks = { stdout: options.onStdout, stderr: options.onStderr };
    const deliver = (which: OutputStream, chunk: Buffer): void => {
      (which === 'stdout' ? stdout : stderr).push(chunk);
      const callback = callbacks[which];
      if (callback !== undefined) {
        const text = decoders[which].write(chunk);
        if (text !== '') callback(text);
      }
    };

    // The wrapper's first stderr line carries the PID; everything after is the command's.
    let pidResolve: (pid: number | undefined) => void = () => undefined;
    const pid = new Promise<number | undefined>((resolve) => (pidResolve = resolve));
    let stderrHead: Buffer | undefined = wrapped ? Buffer.alloc(0) : undefined;
    if (!wrapped) pidResolve(undefined);
    const demuxer = new StreamDemuxer((which, chunk) => {
      if (which === 'stderr' && stderrHead !== undefined) {
        stderrHead = Buffer.concat([stderrHead, chunk]);
        const newline = stderrHead.indexOf(0x0a);
        if (newline < 0 && stderrHead.length < 256) return;
        const first = stderrHead.subarray(0, Math.max(newline, 0)).toString('latin1');
        const match = newline >= 0 ? execPidLine.exec(first) : null;
        const rest = match ? stderrHead.subarray(newline + 1) : stderrHead;
        stderrHead = undefined;
        pidResolve(match?.[1] !== undefined ? Number(match[1]) : undefined);
        if (rest.length > 0) deliver('stderr', rest);
        return;
      }
      deliver(which, chunk);
    });

    const ended = new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => {
        try {
          demuxer.push(chunk);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      stream.once('end', () => resolve());
      stream.once('close', () => resolve());
      stream.once('error', reject);
    });
    const aborted = new Promise<void>((resolve) => {
      if (run.signal.aborted) resolve();
      run.signal.addEventListener('abort', () => resolve(), { once: true });
    });

    const stopFeeding = feedStdin(stream, options.stdin);

    try {
      const outcome = await Promise.race([
        ended.then(() => 'ended' as const),
        aborted.then(() => 'aborted' as const),
      ]);
      if (outcome === 'aborted') {
        await this.stopExecProcesses(container, pid, wrapped, options.killGraceSeconds ?? 1);
        // The attach stream ends once the processes are gone; do not wait long for it.
        await Promise.race([ended.catch(() => undefined), delay(500)]);
        stream.destroy();
        if (run.cause === 'timeout') {
          throw new DockerError({
            kind: 'timeout',
            message:
              `${shown} in container ${container} did not finish within ` +
              `${formatSeconds(run.timeoutMs ?? 0)} and was stopped`,
            endpoint: this.endpoint.description,
            action: operation.action,
          });
        }
        throw dockerCancelledError(operation, this.endpoint);
      }
    } catch (error) {
      stream.destroy();
      if (error instanceof DockerError) throw error;
      throw this.failure(error, operation, run);
    } finally {
      run.dispose();
      stopFeeding();
    }

    pidResolve(undefined);
    if (stderrHead !== undefined && stderrHead.length > 0) deliver('stderr', stderrHead);
    for (const which of ['stdout', 'stderr'] as const) {
      const rest = decoders[which].end();
      if (rest !== '') callbacks[which]?.(rest);
    }

    const exitCode = await this.execExitCode(exec, operation);
    const result: ExecResult = {
      exitCode,
      stdout: stdout.text(),
      stderr: stderr.text(),
      stdoutTruncated: stdout.truncated,
      stderrTruncated: stderr.truncated,
    };
    if (
      wrapped &&
      (exitCode === 126 || exitCode === 127) &&
      /"sh": executable file not found/.test(result.stdout + result.stderr)
    ) {
      throw new DockerError({
        kind: 'engine',
        message:
          `Container ${container} has no sh, which running a command that can be stopped needs ` +
          `(${(result.stdout + result.stderr).trim()})`,
        endpoint: this.endpoint.description,
        action: operation.action,
      });
    }
    return result;
  }

  /** The exit code can lag the end of the output by a moment: ask until the exec is done. */
  private async execExitCode(exec: Dockerode.Exec, operation: DockerOperation): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const raw: unknown = await this.call(operation, undefined, (signal) =>
        exec.inspect({ abortSignal: signal }),
      );
      const info = asObject(raw);
      if (!asBoolean(info.Running) && typeof info.ExitCode === 'number') {
        return info.ExitCode;
      }
      if (attempt >= 40) {
        return asNumber(info.ExitCode, -1);
      }
      await delay(25);
    }
  }

  /**
   * Stops what an exec started: docker has no API to kill an exec, so a second
   * exec signals the first one's process group. Best effort: a container that
   * is gone has nothing left to stop.
   */
  private async stopExecProcesses(
    container: Ref,
    pidPromise: Promise<number | undefined>,
    wrapped: boolean,
    graceSeconds: number,
  ): Promise<void> {
    if (!wrapped) return;
    const pid = await Promise.race([pidPromise, delay(1000).then(() => undefined)]);
    if (pid === undefined) return;
    const graceTenths = Math.max(0, Math.round(graceSeconds * 10));
    try {
      await this.call(
        { action: `stop a command in container ${container}` },
        { timeoutMs: this.apiTimeoutMs + graceSeconds * 1000 },
        async (signal) => {
          const killer = await this.docker.getContainer(container).exec({
            Cmd: ['sh', '-c', killScript, 'nsowb-kill', String(pid), String(graceTenths)],
            User: '0',
            AttachStdout: true,
            AttachStderr: true,
            abortSignal: signal,
          });
          const output = (await killer.start({ Detach: false, Tty: false })) as Readable;
          output.resume();
          await new Promise<void>((resolve) => {
            output.once('end', resolve);
            output.once('close', resolve);
            output.once('error', () => resolve());
          });
        },
      );
    } catch {
      // The container stopped or went away: its processes went with it.
    }
  }

  // -------------------------------------------------------------------------
  // Events

  async *events(options: EventOptions = {}): AsyncIterable<DockerEvent> {
    const operation = { action: 'follow the event stream' };
    const filters = eventFilters(options.filter);
    let opened: { stream: Readable; scope: TimeoutScope };
    try {
      opened = await this.openStream(operation, options, (signal) =>
        this.docker.getEvents({
          filters,
          ...(options.since !== undefined ? { since: options.since } : {}),
          ...(options.until !== undefined ? { until: options.until } : {}),
          abortSignal: signal,
        } as Dockerode.GetEventsOptions),
      );
    } catch (error) {
      if (isDockerError(error, 'cancelled')) return;
      throw error;
    }

    const { stream, scope } = opened;
    keepAlive(stream, options.keepAliveMs ?? defaultEventsKeepAliveMs);
    const queue: DockerEvent[] = [];
    const lines = new LineSplitter((line) => {
      if (line.trim() === '') return;
      try {
        queue.push(dockerEvent(JSON.parse(line)));
      } catch {
        // A line that is not JSON is not an event.
      }
    });
    try {
      for await (const chunk of stream) {
        lines.push(chunk as Buffer);
        yield* queue.splice(0);
      }
      lines.end();
      yield* queue.splice(0);
    } catch (error) {
      if (scope.cause === 'cancelled') return;
      throw this.streamBroke(error, 'The event stream', operation);
    } finally {
      stream.destroy();
      scope.dispose();
    }
    if (options.until === undefined && !scope.signal.aborted) {
      throw new DockerError({
        kind: 'unreachable',
        message:
          `The event stream from Docker at ${this.endpoint.description} ended: ` +
          `the engine may have restarted`,
        endpoint: this.endpoint.description,
        action: operation.action,
      });
    }
  }

  // -------------------------------------------------------------------------
  // Connection

  private modemOptions(): ModemOptions {
    const endpoint = this.endpoint;
    switch (endpoint.transport) {
      case 'unix':
      case 'npipe':
        return { socketPath: endpoint.socketPath, host: undefined, protocol: 'http' };
      case 'tcp': {
        const tls = endpoint.tls;
        if (tls === undefined) {
          return { host: endpoint.hostname, port: endpoint.port, protocol: 'http' };
        }
        return {
          host: endpoint.hostname,
          port: endpoint.port,
          protocol: 'https',
          ca: tls.ca,
          cert: tls.cert,
          key: tls.key,
          // The agent carries the verification choice; docker-modem has no option for it.
          agent: new https.Agent({
            keepAlive: true,
            ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
            ...(tls.cert !== undefined ? { cert: tls.cert, key: tls.key } : {}),
            rejectUnauthorized: tls.verify,
          }),
        };
      }
      case 'ssh':
        return {
          host: endpoint.hostname,
          port: endpoint.port,
          protocol: 'ssh',
          username: endpoint.username,
          sshOptions: this.sshOptions(),
        };
    }
  }

  /**
   * ssh2 reads neither ~/.ssh/config nor default keys by itself: use the
   * agent when there is one, else the first unencrypted default key, and check
   * the host key against known_hosts as OpenSSH would.
   */
  private sshOptions(): Record<string, unknown> {
    const { env, homeDir, readFile } = this.sources;
    const sshDir = path.join(homeDir, '.ssh');
    const agent = env.SSH_AUTH_SOCK;
    const privateKey = ['id_ed25519', 'id_ecdsa', 'id_rsa']
      .map((name) => readFile(path.join(sshDir, name)))
      .find((text) => text !== undefined && !isEncryptedPrivateKey(text));
    const knownHostsFiles = [
      path.join(sshDir, 'known_hosts'),
      path.join(sshDir, 'known_hosts2'),
      '/etc/ssh/ssh_known_hosts',
      '/etc/ssh/ssh_known_hosts2',
    ];
    const hostname = this.endpoint.hostname ?? '';
    const port = this.endpoint.port ?? 22;
    return {
      ...(agent ? { agent } : {}),
      ...(privateKey !== undefined ? { privateKey } : {}),
      readyTimeout: this.apiTimeoutMs,
      // The event stream is silent at idle: without these a dropped network
      // would leave it hanging (SSH packets, not Docker API calls).
      keepaliveInterval: sshKeepAliveMs,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer): boolean => {
        const texts = knownHostsFiles.map((file) => readFile(file) ?? '');
        this.lastHostKeyVerdict = checkHostKey(texts, hostname, port, key);
        return this.lastHostKeyVerdict === 'match';
      },
    };
  }
}

/**
 * docker-modem reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH from
 * the environment when it is constructed (and may throw on them), and they
 * would override the endpoint we resolved (a setting or a context). Hide them
 * for that one synchronous call.
 */
function createDockerode(options: ModemOptions): Dockerode {
  const hidden = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CLIENT_TIMEOUT'];
  const saved = hidden.map((name) => [name, process.env[name]] as const);
  for (const name of hidden) delete process.env[name];
  try {
    return new Dockerode(options);
  } finally {
    for (const [name, value] of saved) {
      if (value !== undefined) process.env[name] = value;
    }
  }
}

function isDockerError(error: unknown, kind: DockerError['kind']): boolean {
  return error instanceof DockerError && error.kind === kind;
}

function containerOperation(verb: string, container: Ref): DockerOperation {
  return {
    action: `${verb} container ${container}`,
    resource: { type: 'container', name: container },
  };
}

/** 304 from start/stop means "already so": for us that is success. */
async function ignoreNotModified(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (error) {
    if (asObject(error).statusCode !== 304) throw error;
  }
}

function logLineReader(
  timestamps: boolean,
  onLine: (line: LogLine) => void,
): { push(chunk: Buffer): void; end(): void } {
  const splitter = (stream: OutputStream) =>
    new LineSplitter((line) => {
      if (timestamps) {
        const { timestamp, text } = splitTimestamp(line);
        onLine(timestamp !== undefined ? { stream, text, timestamp } : { stream, text });
      } else {
        onLine({ stream, text: line });
      }
    });
  const splitters = { stdout: splitter('stdout'), stderr: splitter('stderr') };
  const demuxer = new StreamDemuxer((stream, chunk) => splitters[stream].push(chunk));
  return {
    push: (chunk) => demuxer.push(chunk),
    end: () => {
      splitters.stdout.end();
      splitters.stderr.end();
    },
  };
}

/**
 * Writes the command's input and closes it. Returns what releases a stream
 * input once the command has ended (it may not have read all of it).
 */
function feedStdin(stream: NodeJS.WritableStream, stdin: ExecOptions['stdin']): () => void {
  if (stdin === undefined) return () => undefined;
  if (typeof stdin === 'string' || Buffer.isBuffer(stdin)) {
    stream.end(stdin);
    return () => undefined;
  }
  // A failing input stream ends the command's input; the command decides what that means.
  const input = new PassThrough();
  pipeline(stdin, input, () => undefined);
  input.pipe(stream);
  return () => {
    input.unpipe();
    input.destroy();
  };
}

/** Reads a stream into memory; undefined when it is longer than `limit` (and stops reading). */
async function readAtMost(stream: Readable, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      stream.destroy();
      return undefined;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function tooBig(file: string, container: Ref, maxBytes: number, endpoint: string): DockerError {
  return new DockerError({
    kind: 'badRequest',
    message: `${file} in container ${container} is larger than ${maxBytes} bytes; not read`,
    endpoint,
  });
}

/**
 * TCP keepalive on the connection under an HTTP response (tcp:// engines):
 * the kernel probes after `idleMs` of silence and breaks the connection
 * when the peer stops answering, which ends the stream with an error. Set
 * here rather than left to whatever HTTP agent made the socket (Node's own
 * turns it on with its own delay, others may not); 0 turns it off. Unix
 * sockets and SSH channels have no such option and are left alone.
 */
function keepAlive(stream: Readable, idleMs: number): void {
  const socket = (stream as Readable & { socket?: unknown }).socket;
  if (!(socket instanceof net.Socket)) return;
  if (idleMs > 0) socket.setKeepAlive(true, idleMs);
  else socket.setKeepAlive(false);
}
