// Where the Docker engine is, worked out the way the Docker CLI does it, so the
// extension talks to the same engine as `docker` in the user's terminal:
//
//   1. an explicit host (the setting nso.docker.host), when given;
//   2. DOCKER_HOST;
//   3. the context named by DOCKER_CONTEXT;
//   4. the `currentContext` of the CLI's config.json ($DOCKER_CONFIG or ~/.docker);
//   5. the platform's default socket.
//
// Everything here is a pure function of an environment, a home folder and a
// file-reading function, so tests need no real files.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { DockerError, type EndpointLabel } from './errors';

export type DockerTransport = 'unix' | 'npipe' | 'tcp' | 'ssh';

export interface DockerTlsMaterial {
  /** Whether the engine's certificate is checked against `ca`. */
  readonly verify: boolean;
  /** PEM text; absent when not verifying or not found. */
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  /** The folder the files came from, for messages. */
  readonly certDir: string;
}

/** Which rule chose the endpoint. */
export type EndpointOrigin =
  | { readonly kind: 'setting'; readonly setting: string }
  /** A command-line flag such as nso-workbench's --docker-host. */
  | { readonly kind: 'flag'; readonly flag: string }
  | { readonly kind: 'env' }
  | {
      readonly kind: 'context';
      readonly context: string;
      readonly via: 'DOCKER_CONTEXT' | 'config';
    }
  | { readonly kind: 'default' };

export interface DockerEndpoint extends EndpointLabel {
  /** The engine's address as a URL: unix:///var/run/docker.sock, tcp://host:2376, ssh://me@host. */
  readonly host: string;
  readonly transport: DockerTransport;
  /** unix and npipe: the socket or pipe path. */
  readonly socketPath?: string;
  /** tcp and ssh. */
  readonly hostname?: string;
  readonly port?: number;
  /** ssh. */
  readonly username?: string;
  /** tcp with TLS. */
  readonly tls?: DockerTlsMaterial;
  readonly origin: EndpointOrigin;
  /** For messages: "unix:///var/run/docker.sock" or "context 'remote' (ssh://me@host)". */
  readonly description: string;
  /** The home folder, for ssh's known_hosts and keys. */
  readonly homeDir: string;
}

/** What endpoint resolution reads; {@link nodeEndpointSources} gives the real ones. */
export interface EndpointSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  readonly platform: NodeJS.Platform;
  /** Returns the file's text, or undefined when it does not exist or cannot be read. */
  readonly readFile: (file: string) => string | undefined;
  /** An explicit host that wins over everything (the setting nso.docker.host). */
  readonly hostOverride?: string;
  /** The name of the setting the override came from, for messages. */
  readonly hostOverrideSetting?: string;
  /** The command-line flag the override came from instead of a setting, for messages. */
  readonly hostOverrideFlag?: string;
}

export const defaultUnixSocket = '/var/run/docker.sock';
export const defaultWindowsPipe = '//./pipe/docker_engine';
const defaultContextName = 'default';

/** The real environment, home folder and file system of this process. */
export function nodeEndpointSources(overrides: Partial<EndpointSources> = {}): EndpointSources {
  return {
    env: process.env,
    homeDir: os.homedir(),
    platform: process.platform,
    readFile: (file) => {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
    ...overrides,
  };
}

/** The Docker CLI's configuration folder. */
export function dockerConfigDir(sources: Pick<EndpointSources, 'env' | 'homeDir'>): string {
  const fromEnv = sources.env.DOCKER_CONFIG;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : path.join(sources.homeDir, '.docker');
}

/** Contexts are stored under the SHA-256 of their name, so any name is a valid folder. */
export function contextStoreId(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

export function contextMetaPath(configDir: string, name: string): string {
  return path.join(configDir, 'contexts', 'meta', contextStoreId(name), 'meta.json');
}

export function contextTlsDir(configDir: string, name: string): string {
  return path.join(configDir, 'contexts', 'tls', contextStoreId(name), 'docker');
}

/** Resolves the engine's endpoint; throws a DockerError of kind `configuration` when it cannot. */
export function resolveDockerEndpoint(sources: EndpointSources): DockerEndpoint {
  const { env } = sources;

  const override = sources.hostOverride?.trim();
  if (override) {
    const setting = sources.hostOverrideSetting ?? 'nso.docker.host';
    const origin: EndpointOrigin = sources.hostOverrideFlag
      ? { kind: 'flag', flag: sources.hostOverrideFlag }
      : { kind: 'setting', setting };
    return endpointFromHost(override, sources, origin, envTls(sources));
  }

  const dockerHost = env.DOCKER_HOST?.trim();
  if (dockerHost) {
    return endpointFromHost(dockerHost, sources, { kind: 'env' }, envTls(sources));
  }

  const contextFromEnv = env.DOCKER_CONTEXT?.trim();
  if (contextFromEnv) {
    return endpointFromContext(contextFromEnv, 'DOCKER_CONTEXT', sources);
  }

  const contextFromConfig = currentContextOfConfig(sources);
  if (contextFromConfig) {
    return endpointFromContext(contextFromConfig, 'config', sources);
  }

  return defaultEndpoint(sources);
}

function defaultEndpoint(sources: EndpointSources): DockerEndpoint {
  const host =
    sources.platform === 'win32' ? `npipe://${defaultWindowsPipe}` : `unix://${defaultUnixSocket}`;
  return endpointFromHost(host, sources, { kind: 'default' }, undefined);
}

function currentContextOfConfig(sources: EndpointSources): string | undefined {
  const configFile = path.join(dockerConfigDir(sources), 'config.json');
  const text = sources.readFile(configFile);
  if (text === undefined || text.trim() === '') {
    return undefined;
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw configurationError(
      `The Docker CLI configuration ${configFile} is not valid JSON: fix or remove it ` +
        `(${errorText(error)})`,
      error,
    );
  }
  const current = (config as { currentContext?: unknown } | null)?.currentContext;
  return typeof current === 'string' && current.trim() !== '' ? current.trim() : undefined;
}

function endpointFromContext(
  name: string,
  via: 'DOCKER_CONTEXT' | 'config',
  sources: EndpointSources,
): DockerEndpoint {
  if (name === defaultContextName) {
    return defaultEndpoint(sources);
  }

  const configDir = dockerConfigDir(sources);
  const metaFile = contextMetaPath(configDir, name);
  const chosenBy =
    via === 'DOCKER_CONTEXT'
      ? 'chosen by DOCKER_CONTEXT'
      : `the current context in ${path.join(configDir, 'config.json')}`;
  const text = sources.readFile(metaFile);
  if (text === undefined) {
    throw configurationError(
      `Docker context '${name}' (${chosenBy}) does not exist: check \`docker context ls\` ` +
        `and \`docker context use\``,
    );
  }

  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch (error) {
    throw configurationError(
      `Docker context '${name}' is damaged: ${metaFile} is not valid JSON (${errorText(error)})`,
      error,
    );
  }
  const dockerEndpoint = (
    meta as { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } } | null
  )?.Endpoints?.docker;
  const host = typeof dockerEndpoint?.Host === 'string' ? dockerEndpoint.Host.trim() : '';
  if (host === '') {
    throw configurationError(
      `Docker context '${name}' has no Docker endpoint: recreate it with ` +
        `\`docker context create ${name} --docker host=...\``,
    );
  }

  const tlsDir = contextTlsDir(configDir, name);
  const skipVerify = dockerEndpoint?.SkipTLSVerify === true;
  const ca = sources.readFile(path.join(tlsDir, 'ca.pem'));
  const cert = sources.readFile(path.join(tlsDir, 'cert.pem'));
  const key = sources.readFile(path.join(tlsDir, 'key.pem'));
  const hasTls = ca !== undefined || cert !== undefined || key !== undefined;
  const tls: DockerTlsMaterial | undefined = hasTls
    ? {
        verify: !skipVerify,
        ...(ca !== undefined && !skipVerify ? { ca } : {}),
        ...(cert !== undefined && key !== undefined ? { cert, key } : {}),
        certDir: tlsDir,
      }
    : undefined;

  return endpointFromHost(host, sources, { kind: 'context', context: name, via }, tls);
}

/** TLS as DOCKER_TLS_VERIFY / DOCKER_TLS / DOCKER_CERT_PATH ask for it (tcp hosts only). */
function envTls(sources: EndpointSources): DockerTlsMaterial | undefined {
  const { env } = sources;
  const verify = (env.DOCKER_TLS_VERIFY ?? '') !== '';
  const tls = verify || (env.DOCKER_TLS ?? '') !== '';
  if (!tls) {
    return undefined;
  }
  const certPath = env.DOCKER_CERT_PATH;
  const certDir = certPath !== undefined && certPath !== '' ? certPath : dockerConfigDir(sources);

  const caFile = path.join(certDir, 'ca.pem');
  const ca = verify ? sources.readFile(caFile) : undefined;
  if (verify && ca === undefined) {
    throw configurationError(
      `DOCKER_TLS_VERIFY is set but the CA certificate ${caFile} cannot be read: ` +
        `set DOCKER_CERT_PATH to the folder holding ca.pem, cert.pem and key.pem`,
    );
  }
  // As with the CLI, a client certificate is used when both halves exist.
  const cert = sources.readFile(path.join(certDir, 'cert.pem'));
  const key = sources.readFile(path.join(certDir, 'key.pem'));
  if ((cert === undefined) !== (key === undefined)) {
    throw configurationError(
      `Only one of cert.pem and key.pem exists in ${certDir}: Docker's TLS needs both or neither`,
    );
  }
  return {
    verify,
    ...(ca !== undefined ? { ca } : {}),
    ...(cert !== undefined && key !== undefined ? { cert, key } : {}),
    certDir,
  };
}

/** The parts of a Docker host URL. */
export interface ParsedDockerHost {
  readonly transport: DockerTransport;
  /** Normalised URL (default paths and ports filled in, no password). */
  readonly host: string;
  readonly socketPath?: string;
  readonly hostname?: string;
  readonly port?: number;
  readonly username?: string;
}

/**
 * Parses unix://, npipe://, tcp://, ssh:// and bare host:port (taken as tcp, as
 * the Docker CLI does). Throws a DockerError of kind `configuration`.
 */
export function parseDockerHost(value: string, tls = false): ParsedDockerHost {
  const text = value.trim();
  const schemeEnd = text.indexOf('://');
  const scheme = schemeEnd < 0 ? 'tcp' : text.slice(0, schemeEnd).toLowerCase();
  const rest = schemeEnd < 0 ? text : text.slice(schemeEnd + 3);
  if (schemeEnd < 0 && text.includes('/')) {
    // A pasted socket path would otherwise become tcp://127.0.0.1:2375 and fail
    // later as a refused connection that names neither the path nor the fix.
    throw badHost(
      value,
      new Error('without a scheme it is taken as host:port; a socket path needs unix:// in front'),
    );
  }

  switch (scheme) {
    case 'unix': {
      const socketPath = rest === '' ? defaultUnixSocket : rest;
      return { transport: 'unix', host: `unix://${socketPath}`, socketPath };
    }
    case 'npipe': {
      const socketPath = rest === '' ? defaultWindowsPipe : rest;
      return { transport: 'npipe', host: `npipe://${socketPath}`, socketPath };
    }
    case 'tcp':
    case 'ssh': {
      let url: URL;
      try {
        url = new URL(`${scheme}://${rest}`);
      } catch (error) {
        throw badHost(value, error);
      }
      if (scheme === 'ssh' && url.pathname !== '' && url.pathname !== '/') {
        throw badHost(value, new Error('an ssh:// host takes no path'));
      }
      // URL keeps IPv6 brackets; sockets want the bare address.
      const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
      const defaultPort = scheme === 'ssh' ? 22 : tls ? 2376 : 2375;
      const port = url.port === '' ? defaultPort : Number(url.port);
      const username = url.username === '' ? undefined : decodeURIComponent(url.username);
      const hostPart = url.hostname || hostname;
      const userPart = username === undefined ? '' : `${url.username}@`;
      const shownPort = scheme === 'ssh' && url.port === '' ? '' : `:${port}`;
      return {
        transport: scheme,
        host: `${scheme}://${userPart}${hostPart}${shownPort}`,
        hostname,
        port,
        ...(username !== undefined ? { username } : {}),
      };
    }
    default:
      throw badHost(
        value,
        new Error(`unsupported scheme ${scheme}://; use unix://, npipe://, tcp:// or ssh://`),
      );
  }
}

function endpointFromHost(
  value: string,
  sources: EndpointSources,
  origin: EndpointOrigin,
  tls: DockerTlsMaterial | undefined,
): DockerEndpoint {
  let parsed: ParsedDockerHost;
  try {
    parsed = parseDockerHost(value, tls !== undefined);
  } catch (error) {
    if (error instanceof DockerError) {
      throw configurationError(`${error.message} (${originText(origin)})`, error.cause);
    }
    throw error;
  }

  const useTls = parsed.transport === 'tcp' ? tls : undefined;
  const description =
    origin.kind === 'context' ? `context '${origin.context}' (${parsed.host})` : parsed.host;
  return {
    ...parsed,
    ...(useTls !== undefined ? { tls: useTls } : {}),
    origin,
    description,
    homeDir: sources.homeDir,
  };
}

/** Where the endpoint came from, for logs: "from DOCKER_HOST", "from context 'remote'". */
export function originText(origin: EndpointOrigin): string {
  switch (origin.kind) {
    case 'setting':
      return `from the setting ${origin.setting}`;
    case 'flag':
      return `from ${origin.flag}`;
    case 'env':
      return 'from DOCKER_HOST';
    case 'context':
      return origin.via === 'DOCKER_CONTEXT'
        ? `from context '${origin.context}' (DOCKER_CONTEXT)`
        : `from context '${origin.context}' (the Docker CLI's current context)`;
    case 'default':
      return 'the default';
  }
}

function badHost(value: string, error: unknown): DockerError {
  return configurationError(
    `The Docker host "${value}" is not valid: use unix:///path, npipe:////./pipe/name, ` +
      `tcp://host:port or ssh://user@host (${errorText(error)})`,
    error,
  );
}

function configurationError(message: string, cause?: unknown): DockerError {
  return new DockerError({ kind: 'configuration', message, cause });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
