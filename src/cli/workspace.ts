// What every workspace subcommand shares: the options that name the
// workspace and the Docker engine, the workspace's own `nso.*` settings from
// `.vscode/settings.json` (so the CLI builds, starts and reloads the way the
// extension does; flags win), and the failure report.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import {
  createDockerClient,
  isDockerError,
  nodeEndpointSources,
  type DockerClient,
} from '../core/docker';
import { isProdContainerError } from '../core/nso/prodContainer';
import type { CliIo } from './main';

/** Options every workspace subcommand takes; spread into its parseArgs options. */
export const workspaceOptions = {
  dir: { type: 'string', default: '.' },
  'packages-path': { type: 'string' },
  'docker-host': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export interface CliWorkspace {
  /** Absolute workspace folder. */
  readonly dir: string;
  readonly settings: Record<string, unknown>;
  /** --packages-path, else nso.packagesPath, else `packages`. */
  readonly packagesPath: string;
  /** A non-empty string setting, or undefined. */
  setting(key: string): string | undefined;
  /** A client for --docker-host, else nso.docker.host, else DOCKER_HOST / the Docker context. */
  docker(): DockerClient;
}

export async function openWorkspace(
  values: { dir: string; 'packages-path'?: string | undefined; 'docker-host'?: string | undefined },
  io: CliIo,
): Promise<CliWorkspace> {
  const dir = path.resolve(values.dir);
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new Error(`There is no folder ${dir}: name the workspace with --dir <folder>.`);
  }
  const settings = await workspaceSettings(dir, io);
  const setting = (key: string): string | undefined => stringSetting(settings, key);
  return {
    dir,
    settings,
    packagesPath: values['packages-path'] ?? setting('nso.packagesPath') ?? 'packages',
    setting,
    docker: () =>
      values['docker-host'] !== undefined
        ? cliDocker(io, values['docker-host'], '--docker-host')
        : cliDocker(io, setting('nso.docker.host')),
  };
}

/**
 * The workspace's `nso.*` settings from `.vscode/settings.json`, so the CLI
 * starts and reloads the same way the extension does. Flags win.
 */
export async function workspaceSettings(dir: string, io?: CliIo): Promise<Record<string, unknown>> {
  const file = path.join(dir, '.vscode', 'settings.json');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(stripJsonComments(text)) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch (error) {
    // Going on without the settings is right for a CLI, but not silently.
    io?.stderr.write(
      `nso-workbench: ignoring ${file}: it is not valid JSON (${(error as Error).message}); fix it or pass the settings as flags.\n`,
    );
    return {};
  }
}

/** VS Code's settings files allow comments and trailing commas; JSON.parse does not. */
function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2);
      if (i < 0) break;
      i++;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

export function stringSetting(s: Record<string, unknown>, key: string): string | undefined {
  const v = s[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** A Docker client the way the extension makes one without a host setting. */
export function cliDocker(io: CliIo, host?: string, flag?: string): DockerClient {
  // A host given by flag is named as the flag in messages, not as the setting.
  return createDockerClient({
    sources: nodeEndpointSources({
      env: io.env,
      ...(host ? { hostOverride: host, ...(flag ? { hostOverrideFlag: flag } : {}) } : {}),
    }),
  });
}

/**
 * Fails when --container names no container. The core falls back to the
 * workspace's own container when a remembered one is gone, which suits the
 * extension; a name typed on the command line that matches nothing must not
 * stop, reload or report on another container instead.
 */
export async function requireNamedContainer(
  docker: DockerClient,
  name: string | undefined,
): Promise<void> {
  if (name === undefined) return;
  try {
    await docker.inspectContainer(name);
  } catch (error) {
    if (!isDockerError(error, 'notFound')) throw error;
    throw new Error(
      `There is no container ${name} in Docker at ${docker.endpoint.description} (--container): check the name with docker ps -a, or leave out --container to use the workspace's own.`,
    );
  }
}

/** Writes a failure as text or JSON; returns the exit code. */
export function reportFailure(
  io: CliIo,
  json: boolean,
  error: unknown,
  extra: object = {},
): number {
  const message = error instanceof Error ? error.message : String(error);
  if (json) {
    const logs = isProdContainerError(error)
      ? { dockerLogs: error.dockerLogs, ncsLog: error.ncsLog }
      : {};
    io.stdout.write(
      `${JSON.stringify({ ok: false, error: message, ...logs, ...extra }, null, 2)}\n`,
    );
  } else {
    io.stderr.write(`nso-workbench: ${message}\n`);
    if (isProdContainerError(error)) {
      if (error.dockerLogs.length > 0) {
        io.stderr.write(`\nLast lines of docker logs:\n${error.dockerLogs.join('\n')}\n`);
      }
      if (error.ncsLog.length > 0) {
        io.stderr.write(`\nLast lines of /log/ncs.log:\n${error.ncsLog.join('\n')}\n`);
      }
    }
  }
  return 1;
}

/** `{ key: value }` when there is a value, else nothing: for optional fields under exactOptionalPropertyTypes. */
export function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
