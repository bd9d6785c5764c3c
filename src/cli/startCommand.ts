import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import {
  defaultAdminUser,
  defaultExtraArgs,
  defaultHealthStartPeriodS,
  startProdContainer,
  type ProdSettings,
} from '../core/nso/prodContainer';
import { parseArgs, type Subcommand } from './main';
import { openWorkspace, optional, reportFailure, workspaceOptions } from './workspace';

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
        ...workspaceOptions,
        image: { type: 'string' },
        name: { type: 'string' },
        port: { type: 'string', multiple: true },
        'extra-args': { type: 'string' },
        'logs-path': { type: 'string' },
        'ncs-conf': { type: 'string' },
        'health-start-period': { type: 'string' },
        'admin-user': { type: 'string' },
        network: { type: 'string' },
      },
      strict: true,
    });
    const json = values.json;
    try {
      const ws = await openWorkspace(values, io);
      const { dir, settings: s } = ws;
      const settingPorts = Array.isArray(s['nso.prod.ports'])
        ? (s['nso.prod.ports'] as unknown[]).filter((p): p is string => typeof p === 'string')
        : [];
      const logsPath = values['logs-path'] ?? ws.setting('nso.prod.logsPath');
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
        packagesDir: path.resolve(dir, ws.packagesPath),
        ...optional('image', values.image ?? ws.setting('nso.prodImage')),
        ...optional('imageOrigin', values.image === undefined ? undefined : '--image'),
        ...optional('containerName', values.name ?? ws.setting('nso.prod.containerName')),
        extraArgs: values['extra-args'] ?? ws.setting('nso.prod.extraArgs') ?? defaultExtraArgs,
        ports: values.port ?? settingPorts,
        ...optional('logsPath', logsPath ? path.resolve(dir, logsPath) : undefined),
        healthStartPeriodS: period,
        adminUser: values['admin-user'] ?? ws.setting('nso.adminUser') ?? defaultAdminUser,
        ...optional('adminPassword', password ? password : undefined),
        ...optional('ncsConf', ncsConf),
        ...optional('network', values.network ?? ws.setting('nso.prod.network')),
      };
      const docker = ws.docker();
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

async function existingFile(file: string): Promise<string | undefined> {
  try {
    return (await fs.stat(file)).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}
