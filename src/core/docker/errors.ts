// Every failure that leaves the Docker layer is a DockerError whose message is a
// sentence a user can act on: what went wrong, where, and what to do about it.
// The raw error stays attached as `cause` for the log.

/** What kind of failure it was; callers branch on this, never on message text. */
export type DockerErrorKind =
  /** The engine could not be reached at all (no socket, refused, no route, DNS, connection dropped). */
  | 'unreachable'
  /** The socket or pipe refused us, or the engine's authorisation policy did. */
  | 'permission'
  /** SSH login or host key, or TLS certificates, were not accepted. */
  | 'authentication'
  /** An image, container, volume, exec, network or path does not exist. */
  | 'notFound'
  /** The request clashes with the current state (name in use, container running, image in use...). */
  | 'conflict'
  /** The engine rejected the request as malformed or impossible (bad mount, bad parameter). */
  | 'badRequest'
  /** The engine (or a command run through it) failed for a reason of its own. */
  | 'engine'
  /** Our own timeout fired before the engine answered. */
  | 'timeout'
  /** The caller cancelled. */
  | 'cancelled'
  /** Where the engine is could not be worked out (DOCKER_HOST, contexts, TLS files). */
  | 'configuration';

export type DockerResourceType = 'image' | 'container' | 'volume' | 'exec' | 'network' | 'path';

export interface DockerResource {
  readonly type: DockerResourceType;
  readonly name: string;
  /** For a path: the container it was looked for in. */
  readonly container?: string;
}

/** What we were doing when it failed, so messages can say it. */
export interface DockerOperation {
  /** An imperative phrase that fits "Docker failed to …", e.g. "start container nso-dev". */
  readonly action: string;
  /** The object the operation is about; a 404 is reported as this one missing. */
  readonly resource?: DockerResource;
}

/** How to name and reach the engine in messages; see endpoint.ts. */
export interface EndpointLabel {
  /** e.g. "unix:///var/run/docker.sock" or "context 'remote' (ssh://me@host)". */
  readonly description: string;
  readonly transport: 'unix' | 'npipe' | 'tcp' | 'ssh';
  readonly socketPath?: string;
  readonly hostname?: string;
  readonly username?: string;
}

export interface DockerErrorDetails {
  readonly kind: DockerErrorKind;
  readonly message: string;
  readonly endpoint?: string;
  readonly action?: string;
  readonly resource?: DockerResource;
  readonly statusCode?: number;
  readonly code?: string;
  readonly engineMessage?: string;
  readonly cause?: unknown;
}

export class DockerError extends Error {
  readonly kind: DockerErrorKind;
  /** Description of the engine it happened on. */
  readonly endpoint: string | undefined;
  readonly action: string | undefined;
  /** For notFound: what is missing. */
  readonly resource: DockerResource | undefined;
  /** The engine's HTTP status, when it answered. */
  readonly statusCode: number | undefined;
  /** Node's or ssh2's error code (ECONNREFUSED, ENOENT...), when there is one. */
  readonly code: string | undefined;
  /** The engine's own message, unchanged, when it sent one. */
  readonly engineMessage: string | undefined;

  constructor(details: DockerErrorDetails) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DockerError';
    this.kind = details.kind;
    this.endpoint = details.endpoint;
    this.action = details.action;
    this.resource = details.resource;
    this.statusCode = details.statusCode;
    this.code = details.code;
    this.engineMessage = details.engineMessage;
  }
}

/**
 * Checks by shape, not `instanceof`: the extension loads the Docker layer as
 * its own bundle (dist/docker.js), so its DockerError class is not the one
 * other bundles see.
 */
export function isDockerError(error: unknown, kind?: DockerErrorKind): error is DockerError {
  return (
    error instanceof Error &&
    error.name === 'DockerError' &&
    typeof (error as Partial<DockerError>).kind === 'string' &&
    (kind === undefined || (error as DockerError).kind === kind)
  );
}

/** The error for our own timeout firing. */
export function dockerTimeoutError(
  operation: DockerOperation,
  endpoint: EndpointLabel,
  timeoutMs: number,
): DockerError {
  return new DockerError({
    kind: 'timeout',
    message:
      `Docker at ${endpoint.description} did not answer within ${formatSeconds(timeoutMs)} ` +
      `while trying to ${operation.action}: the engine may be busy or hung; try again`,
    endpoint: endpoint.description,
    action: operation.action,
    resource: operation.resource,
  });
}

/** The error for the caller cancelling. */
export function dockerCancelledError(
  operation: DockerOperation,
  endpoint: EndpointLabel,
): DockerError {
  return new DockerError({
    kind: 'cancelled',
    message: `Cancelled: ${operation.action}`,
    endpoint: endpoint.description,
    action: operation.action,
    resource: operation.resource,
  });
}

export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

/** What we can read off a raw error from docker-modem, Node's sockets, ssh2 or TLS. */
interface RawErrorFacts {
  message: string;
  statusCode?: number;
  code?: string;
  syscall?: string;
  address?: string;
  hostname?: string;
  sshLevel?: string;
  engineMessage?: string;
}

function readRawError(raw: unknown): RawErrorFacts {
  if (typeof raw !== 'object' || raw === null) {
    return { message: String(raw) };
  }
  const record = raw as Record<string, unknown>;
  const text = (key: string): string | undefined =>
    typeof record[key] === 'string' ? record[key] : undefined;

  const statusCode = typeof record.statusCode === 'number' ? record.statusCode : undefined;
  return {
    message: text('message') ?? JSON.stringify(raw),
    statusCode,
    code: text('code') ?? (typeof record.errno === 'string' ? record.errno : undefined),
    syscall: text('syscall'),
    address: text('address'),
    hostname: text('hostname'),
    sshLevel: text('level'),
    engineMessage: statusCode === undefined ? undefined : engineMessageOf(record),
  };
}

/** docker-modem puts the engine's JSON body on `json`; its `message` is what the engine said. */
function engineMessageOf(record: Record<string, unknown>): string | undefined {
  const json = record.json;
  if (typeof json === 'object' && json !== null && !Buffer.isBuffer(json)) {
    const message = (json as Record<string, unknown>).message;
    if (typeof message === 'string') {
      return message.trim();
    }
  }
  if (typeof json === 'string' && json.trim() !== '') {
    return json.trim();
  }
  if (Buffer.isBuffer(json) && json.length > 0) {
    return json.toString('utf8').trim();
  }

  // Without a body, docker-modem's message reads "(HTTP code 404) no such container - <text> ".
  const message = typeof record.message === 'string' ? record.message : '';
  const dash = message.indexOf(' - ');
  return dash >= 0 ? message.slice(dash + 3).trim() || undefined : undefined;
}

const tlsCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

/**
 * Turns whatever dockerode, docker-modem, Node or ssh2 threw into a DockerError
 * with a sentence for the user. Already translated errors pass through.
 */
export function translateDockerError(
  raw: unknown,
  operation: DockerOperation,
  endpoint: EndpointLabel,
): DockerError {
  if (raw instanceof DockerError) {
    return raw;
  }
  const facts = readRawError(raw);
  const make = (kind: DockerErrorKind, message: string, resource = operation.resource) =>
    new DockerError({
      kind,
      message,
      endpoint: endpoint.description,
      action: operation.action,
      resource,
      statusCode: facts.statusCode,
      code: facts.code,
      engineMessage: facts.engineMessage,
      cause: raw,
    });

  if (facts.statusCode !== undefined) {
    return translateHttpError(facts, facts.statusCode, operation, endpoint, make);
  }
  return translateTransportError(facts, endpoint, make);
}

type Make = (kind: DockerErrorKind, message: string, resource?: DockerResource) => DockerError;

function translateTransportError(
  facts: RawErrorFacts,
  endpoint: EndpointLabel,
  make: Make,
): DockerError {
  const where = endpoint.description;
  const raw = facts.message;
  const code = facts.code ?? '';

  // ssh2 tags its errors with a level instead of an errno code.
  if (facts.sshLevel === 'client-authentication') {
    const who = sshWho(endpoint);
    return make(
      'authentication',
      `SSH login to ${who} was refused: add your key to ssh-agent (SSH_AUTH_SOCK) ` +
        `or check the user name in the Docker host (${raw})`,
    );
  }
  if (facts.sshLevel === 'client-timeout') {
    return make(
      'unreachable',
      `Docker is not reachable at ${where}: the SSH server did not complete the handshake; ` +
        `check the host and port (${raw})`,
    );
  }
  if (/host denied|host key/i.test(raw) && endpoint.transport === 'ssh') {
    return make(
      'authentication',
      `The SSH host key of ${endpoint.hostname ?? where} was not accepted: ` +
        `connect once with \`ssh ${sshWho(endpoint)}\` to check and record it (${raw})`,
    );
  }

  if (tlsCodes.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return make(
      'authentication',
      `The TLS connection to Docker at ${where} failed: check the certificates ` +
        `(DOCKER_CERT_PATH or the context's TLS files) and whether the engine expects TLS (${raw})`,
    );
  }

  const isPipe = endpoint.transport === 'npipe';
  const isSocket = endpoint.transport === 'unix' || isPipe;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      if (isSocket) {
        const socket = endpoint.socketPath ?? where;
        return make(
          'permission',
          isPipe
            ? `Permission denied on the pipe ${socket}: run VS Code as a user allowed to use ` +
                `Docker (the docker-users group) (${raw})`
            : `Permission denied on ${socket}: add your user to the docker group (then log in ` +
                `again) or use a rootless engine (${raw})`,
        );
      }
      return make('permission', `Permission denied reaching Docker at ${where} (${raw})`);
    case 'ENOENT':
    case 'ECONNREFUSED':
      if (isSocket) {
        return make(
          'unreachable',
          `Docker is not reachable at ${where}: ` +
            `${isPipe ? 'is Docker Desktop running?' : 'is the Docker daemon running?'} (${raw})`,
        );
      }
      return make(
        'unreachable',
        `Docker is not reachable at ${where}: is the Docker daemon running and listening ` +
          `on that address? (${raw})`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return make(
        'unreachable',
        `Docker is not reachable at ${where}: the host name ${facts.hostname ?? endpoint.hostname ?? ''} ` +
          `does not resolve; check the address (${raw})`,
      );
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return make(
        'unreachable',
        `Docker is not reachable at ${where}: the host cannot be reached over the network; ` +
          `check the address and your network (${raw})`,
      );
    case 'ECONNRESET':
    case 'EPIPE':
      return make(
        'unreachable',
        endpoint.transport === 'ssh'
          ? `Docker is not reachable at ${where}: the SSH connection closed; is Docker installed ` +
              `on that host and may ${sshWho(endpoint)} use it (docker system dial-stdio)? (${raw})`
          : `Docker at ${where} closed the connection before answering; check that the ` +
              `endpoint is a Docker engine (${raw})`,
      );
    default:
      break;
  }

  if (/socket hang up/i.test(raw)) {
    return make(
      'unreachable',
      `Docker at ${where} closed the connection before answering; check that the endpoint ` +
        `is a Docker engine (${raw})`,
    );
  }
  return make('engine', `Docker at ${where} failed: ${raw}`);
}

function translateHttpError(
  facts: RawErrorFacts,
  statusCode: number,
  operation: DockerOperation,
  endpoint: EndpointLabel,
  make: Make,
): DockerError {
  const said = facts.engineMessage ?? facts.message;
  const action = operation.action;

  switch (statusCode) {
    case 404: {
      const resource = missingResource(said, operation.resource);
      return make('notFound', notFoundSentence(resource, said, endpoint), resource);
    }
    case 409:
      return make('conflict', conflictSentence(said, operation));
    case 400:
      if (/http request to an https server/i.test(said)) {
        return make(
          'configuration',
          `Docker at ${endpoint.description} expects TLS: set DOCKER_TLS_VERIFY=1 and ` +
            `DOCKER_CERT_PATH, or use a context with TLS (${said})`,
        );
      }
      if (/bind source path does not exist/i.test(said)) {
        return make(
          'badRequest',
          `Docker could not ${action}: a folder to mount does not exist on the Docker host ` +
            `(a remote engine sees its own file system, not this machine's) (${said})`,
        );
      }
      return make('badRequest', `Docker rejected the request to ${action}: ${said}`);
    case 401:
    case 403:
      return make(
        'permission',
        `Docker at ${endpoint.description} refused to ${action}: ${said} ` +
          `(an authorization plugin or policy denied it)`,
      );
    case 304:
      return make('conflict', `Nothing to do: ${action} (${said})`);
    default:
      return make('engine', `Docker failed to ${action}: ${said}`);
  }
}

/** The engine's message names what is missing more precisely than our operation may. */
function missingResource(
  said: string,
  fallback: DockerResource | undefined,
): DockerResource | undefined {
  const patterns: [RegExp, DockerResourceType][] = [
    [/no such image:\s*(\S+)/i, 'image'],
    [/pull access denied for ([^,\s]+)/i, 'image'],
    [/no such container:\s*(\S+)/i, 'container'],
    [/get (\S+): no such volume/i, 'volume'],
    [/no such volume:?\s*(\S+)?/i, 'volume'],
    [/no such exec instance:?\s*(\S+)?/i, 'exec'],
    [/network (\S+) not found/i, 'network'],
  ];
  for (const [pattern, type] of patterns) {
    const match = pattern.exec(said);
    if (match) {
      const named = match[1]?.replace(/[,.:]+$/, '');
      const name = named ?? (fallback?.type === type ? fallback.name : '');
      return { type, name };
    }
  }
  const file = /could not find the file (.+) in container (\S+)/i.exec(said);
  if (file?.[1] !== undefined) {
    return {
      type: 'path',
      name: file[1],
      container: fallback?.container ?? file[2],
    };
  }
  return fallback;
}

function notFoundSentence(
  resource: DockerResource | undefined,
  said: string,
  endpoint: EndpointLabel,
): string {
  switch (resource?.type) {
    case 'image':
      return (
        `Image ${resource.name} is not loaded in Docker at ${endpoint.description}: ` +
        `load it with \`docker load -i <file>.tar.gz\``
      );
    case 'container':
      return `Container ${resource.name} does not exist: it may have been removed`;
    case 'volume':
      return `Volume ${resource.name} does not exist`;
    case 'exec':
      return `The command run in the container no longer exists in Docker (${said})`;
    case 'network':
      return `Network ${resource.name} does not exist: create it or choose another network`;
    case 'path':
      return `${resource.name} does not exist in container ${resource.container ?? '?'}`;
    default:
      return `Docker at ${endpoint.description} does not know this request (${said}): the engine may be too old`;
  }
}

function conflictSentence(said: string, operation: DockerOperation): string {
  const name = operation.resource?.name ?? '';

  const nameInUse = /container name "\/?([^"]+)" is already in use/i.exec(said);
  if (nameInUse) {
    return (
      `The container name ${nameInUse[1] ?? name} is already in use: remove that container ` +
      `or choose another name`
    );
  }
  if (/cannot remove a running container|container is running/i.test(said)) {
    return `Container ${name} is running: stop it before removing it`;
  }
  if (/is not running/i.test(said)) {
    return `Container ${name} is not running: start it first`;
  }
  if (/is paused/i.test(said)) {
    return `Container ${name} is paused: unpause it first`;
  }
  const imageInUse =
    /container (\w{6,}) is using its referenced image/i.exec(said) ??
    /image is being used by (?:running |stopped )?container (\w{6,})/i.exec(said);
  if (imageInUse) {
    return (
      `Image ${name} is used by container ${(imageInUse[1] ?? '').slice(0, 12)}: ` +
      `remove that container first`
    );
  }
  if (/volume is in use/i.test(said)) {
    return `Volume ${name} is in use by a container: remove the container first`;
  }
  return `Docker refused to ${operation.action}: ${said}`;
}

function sshWho(endpoint: EndpointLabel): string {
  const host = endpoint.hostname ?? endpoint.description;
  return endpoint.username ? `${endpoint.username}@${host}` : host;
}
