import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { createDockerClient, nodeEndpointSources, type DockerClient } from '../core/docker';
import {
  defaultAdminUser,
  defaultExtraArgs,
  defaultHealthStartPeriodS,
  isProdContainerError,
  startProdContainer,
  type ProdSettings,
} from '../core/nso/prodContainer';
import { parseArgs, type CliIo, type Subcommand } from './main';

/**
 * The workspace's `nso.*` settings from `.vscode/settings.json`, so the CLI
 * starts and reloads the same way the extension does. Flags win.
 */
export async function workspaceSettings(dir: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, '.vscode', 'settings.json'), 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(stripJsonComments(text)) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
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
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** A Docker client the way the extension makes one without a host setting. */
export function cliDocker(io: CliIo, host?: string): DockerClient {
  return createDockerClient({
    sources: nodeEndpointSources({ env: io.env, ...(host ? { hostOverride: host } : {}) }),
  });
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

/** `nso-workbench start`: creates or starts the workspace's production container. */
export const startCommand: Subcommand = {
  name: 'start',
  summary: "Start NSO: the production container on the workspace's packages",
  usage:
    'nso-workbench start [--dir <workspace>] [--image <ref>] [--name <container>] [--port <[ip:]host:container>]... ' +
    '[--extra-args <args>] [--logs-path <dir>] [--ncs-conf <file>] [--health-start-period <s>] [--admin-user <user>] [--network <name>] [--json]\n' +
    '  The admin password comes from the environment variable NSO_ADMIN_PASSWORD (never from a flag).',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        dir: { type: 'string', default: '.' },
        'packages-path': { type: 'string' },
        image: { type: 'string' },
        name: { type: 'string' },
        port: { type: 'string', multiple: true },
        'extra-args': { type: 'string' },
        'logs-path': { type: 'string' },
        'ncs-conf': { type: 'string' },
        'health-start-period': { type: 'string' },
        'admin-user': { type: 'string' },
        network: { type: 'string' },
        'docker-host': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    const dir = path.resolve(values.dir);
    const json = values.json;
    try {
      const s = await workspaceSettings(dir);
      const settingPorts = Array.isArray(s['nso.prod.ports'])
        ? (s['nso.prod.ports'] as unknown[]).filter((p): p is string => typeof p === 'string')
        : [];
      const logsPath = values['logs-path'] ?? stringSetting(s, 'nso.prod.logsPath');
      const ncsConf = values['ncs-conf'] ?? (await existingFile(path.join(dir, 'ncs.conf')));
      const period = Number(
        values['health-start-period'] ??
          s['nso.prod.healthStartPeriod'] ??
          defaultHealthStartPeriodS,
      );
      if (!Number.isFinite(period) || period <= 0) {
        throw new Error('--health-start-period must be a number of seconds');
      }
      const password = io.env.NSO_ADMIN_PASSWORD;
      const settings: ProdSettings = {
        workspaceFolder: dir,
        packagesDir: path.resolve(
          dir,
          values['packages-path'] ?? stringSetting(s, 'nso.packagesPath') ?? 'packages',
        ),
        ...optional('image', values.image ?? stringSetting(s, 'nso.prodImage')),
        ...optional('containerName', values.name),
        extraArgs:
          values['extra-args'] ?? stringSetting(s, 'nso.prod.extraArgs') ?? defaultExtraArgs,
        ports: values.port ?? settingPorts,
        ...optional('logsPath', logsPath ? path.resolve(dir, logsPath) : undefined),
        healthStartPeriodS: period,
        adminUser: values['admin-user'] ?? stringSetting(s, 'nso.adminUser') ?? defaultAdminUser,
        ...optional('adminPassword', password ? password : undefined),
        ...optional('ncsConf', ncsConf),
        ...optional('network', values.network),
      };
      const docker = cliDocker(io, values['docker-host'] ?? stringSetting(s, 'nso.docker.host'));
      const result = await startProdContainer(docker, settings, {
        progress: (p) => {
          if (!json) io.stderr.write(`${p.message}\n`);
        },
        info: (m) => {
          if (!json) io.stderr.write(`${m}\n`);
        },
      });
      if (json) {
        io.stdout.write(`${JSON.stringify({ ok: true, ...result }, null, 2)}\n`);
      } else {
        const what = {
          created: 'created and started',
          recreated: 'recreated (settings changed; data kept) and started',
          started: 'started',
          alreadyRunning: 'already running',
        }[result.action];
        io.stdout.write(
          `NSO is up in ${result.name} (${result.image.ref}), ${what}, after ${(result.elapsedMs / 1000).toFixed(1)} s\n`,
        );
        for (const w of result.warnings) io.stderr.write(`warning: ${w}\n`);
      }
      return 0;
    } catch (error) {
      return reportFailure(io, json, error);
    }
  },
};

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

async function existingFile(file: string): Promise<string | undefined> {
  try {
    return (await fs.stat(file)).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}
