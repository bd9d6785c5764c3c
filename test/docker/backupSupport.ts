// What the backup tests share: the docker CLI for setting up and checking
// (argv arrays), NSO simulator containers with volumes, and cleanup of
// everything named nsowb-backuptest-<run>-*, also when a test fails.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { createDockerClient, type DockerClient } from '../../src/core/docker';
import { backupHelperLabel, backupHelperPurposeLabel } from '../../src/core/nso/backup';
import { workbenchLabels } from '../../src/core/nso/labels';
import { dockerCommand, dockerCommandOk, type DockerResult } from './helpers/dockerCommand';

export const prodImage = 'nso-sim/cisco-nso-prod:6.4.1';
export const runPrefix = `nsowb-backuptest-${process.pid}-${Date.now().toString(36)}`;

export type Result = DockerResult;
const maxBuffer = 32 * 1024 * 1024;

export function docker(args: string[], input?: string, timeoutMs = 120_000): Promise<Result> {
  return dockerCommand(args, { input, timeoutMs, maxBuffer });
}

export function dockerOk(args: string[], input?: string): Promise<string> {
  return dockerCommandOk(args, { input, timeoutMs: 120_000, maxBuffer });
}

export function client(): DockerClient {
  return createDockerClient();
}

/** Polls until `read` satisfies `ok`; fails with the last value after the deadline. */
export async function eventually<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  what: string,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      assert.fail(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export const healthFlags = [
  '--health-interval=1s',
  '--health-timeout=3s',
  '--health-retries=3',
  '--health-start-period=30s',
];

export async function healthOf(name: string): Promise<string> {
  const r = await docker([
    'inspect',
    '-f',
    '{{if .State.Health}}{{.State.Health.Status}}{{end}}',
    name,
  ]);
  return r.code === 0 ? r.stdout.trim() : `(inspect failed: ${r.stderr.trim()})`;
}

export async function waitHealthy(name: string): Promise<void> {
  await eventually(
    () => healthOf(name),
    (s) => s === 'healthy',
    `${name} healthy`,
  );
}

export function uniqueName(what: string): string {
  counter += 1;
  return `${runPrefix}-${what}${counter}`;
}
let counter = 0;

export async function createVolume(what: string): Promise<string> {
  const name = uniqueName(what);
  await dockerOk(['volume', 'create', name]);
  return name;
}

/**
 * The run's own bridge network: the test does not depend on Docker's default
 * bridge (docker0), and recreating a container on a named network is covered.
 */
export const testNetwork = `${runPrefix}-net`;
let networkReady: Promise<string> | undefined;

export function ensureNetwork(): Promise<string> {
  networkReady ??= dockerOk(['network', 'create', testNetwork]);
  return networkReady;
}

/**
 * A workspace folder of its own (with an empty packages folder) under a new
 * temporary folder, and an NSO container labelled as its production
 * container, healthy. The caller removes hostDir; cleanup() the container.
 */
export async function startWorkspaceNso(
  what: string,
  args: string[] = [],
): Promise<{ hostDir: string; workspace: string; nso: string }> {
  const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), `nsowb-backuptest-${what}-`));
  const workspace = path.join(hostDir, 'workspace');
  fs.mkdirSync(path.join(workspace, 'packages'), { recursive: true });
  const labels = Object.entries(workbenchLabels('prod', workspace)).flatMap(([k, v]) => [
    '--label',
    `${k}=${v}`,
  ]);
  const nso = await startNso(what, [...args, ...labels]);
  return { hostDir, workspace, nso };
}

/** Starts an NSO simulator production container and waits until Docker says healthy. */
export async function startNso(what: string, args: string[]): Promise<string> {
  const name = await runNso(what, [...healthFlags, ...args]);
  await waitHealthy(name);
  return name;
}

/** Runs an NSO simulator production container on the run's network, without waiting. */
export async function runNso(what: string, args: string[]): Promise<string> {
  const name = uniqueName(what);
  await ensureNetwork();
  await dockerOk([
    'run',
    '-d',
    '--name',
    name,
    '--network',
    testNetwork,
    '-e',
    'NSO_SIM_START_DELAY=0',
    ...args,
    prodImage,
  ]);
  return name;
}

/** C-style CLI commands on standard input, as NSO's own scripts feed ncs_cli. */
export async function ncsCli(name: string, lines: string[]): Promise<string> {
  const r = await docker(
    ['exec', '-i', name, 'ncs_cli', '-u', 'admin', '-C'],
    lines.join('\n') + '\n',
  );
  assert.equal(r.code, 0, `ncs_cli failed (${r.code}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

export async function setDevice(name: string, device: string, address: string): Promise<void> {
  await ncsCli(name, ['config', `devices device ${device} address ${address}`, 'commit', 'end']);
}

export async function devices(name: string): Promise<string> {
  return ncsCli(name, ['show running-config devices']);
}

/** The configuration a user gave the container, as `docker inspect` reports it. */
export async function configuration(name: string): Promise<unknown> {
  const [raw] = JSON.parse(await dockerOk(['inspect', name])) as [
    {
      Config: {
        Env: string[];
        Labels: Record<string, string>;
        Cmd: unknown;
        Entrypoint: unknown;
        Image: string;
        User: string;
        Healthcheck: unknown;
      };
      HostConfig: {
        PortBindings: unknown;
        Binds: unknown;
        NetworkMode: string;
        RestartPolicy: unknown;
      };
      Id: string;
      Mounts: { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }[];
      NetworkSettings: {
        Ports: unknown;
        Networks: Record<string, { Aliases: string[] | null; IPAMConfig: unknown }>;
      };
    },
  ];
  // Docker adds the container's short id as an alias by itself; a new container has a new one.
  const ownAlias = (alias: string): boolean => alias.length >= 12 && raw.Id.startsWith(alias);
  return {
    env: [...raw.Config.Env].sort(),
    labels: raw.Config.Labels,
    cmd: raw.Config.Cmd,
    entrypoint: raw.Config.Entrypoint,
    image: raw.Config.Image,
    user: raw.Config.User,
    healthcheck: raw.Config.Healthcheck,
    portBindings: raw.HostConfig.PortBindings,
    // Host ports Docker picked itself may differ at each start; where they are published does not.
    publishedPorts: Object.fromEntries(
      Object.entries(
        (raw.NetworkSettings.Ports ?? {}) as Record<string, { HostIp: string }[] | null>,
      ).map(([port, bindings]) => [port, (bindings ?? []).map((b) => b.HostIp)]),
    ),
    networkMode: raw.HostConfig.NetworkMode,
    networks: Object.fromEntries(
      Object.entries(raw.NetworkSettings.Networks ?? {}).map(([network, endpoint]) => [
        network,
        (endpoint.Aliases ?? []).filter((a) => !ownAlias(a)).sort(),
      ]),
    ),
    restartPolicy: raw.HostConfig.RestartPolicy,
    mounts: raw.Mounts.map((m) => ({
      type: m.Type,
      source: m.Type === 'volume' ? m.Name : m.Source,
      destination: m.Destination,
      rw: m.RW,
    })).sort((a, b) => a.destination.localeCompare(b.destination)),
  };
}

/** Runs argv in a throw-away container with the volume at /nso, for looking at files. */
export async function inVolume(volumeArgs: string[], argv: string[]): Promise<Result> {
  return docker([
    'run',
    '--rm',
    '--network',
    'none',
    ...volumeArgs,
    '--entrypoint',
    argv[0]!,
    prodImage,
    ...argv.slice(1),
  ]);
}

/** Removes every container and volume this run created (helpers included: they carry the prefix). */
export async function cleanup(): Promise<void> {
  const ps = await docker(['ps', '-a', '-q', '--filter', `name=${runPrefix}`]);
  const ids = ps.stdout.split('\n').filter(Boolean);
  if (ids.length > 0) await docker(['rm', '-f', ...ids]);
  const vols = await docker(['volume', 'ls', '-q', '--filter', `name=${runPrefix}`]);
  const names = vols.stdout.split('\n').filter(Boolean);
  if (names.length > 0) await docker(['volume', 'rm', '-f', ...names]);
  if (networkReady !== undefined) await docker(['network', 'rm', testNetwork]);
  networkReady = undefined;
}

/**
 * Kills the one-off restore container of `nso` once ncs-backup has begun
 * unpacking (its staging folder exists). The wait runs inside that container,
 * so the kill follows within milliseconds. Resolves to whether it killed.
 */
export async function killRestoreWhileUnpacking(nso: string): Promise<boolean> {
  const helper = await eventually(
    async () =>
      (
        await docker([
          'ps',
          '-q',
          '--filter',
          `label=${backupHelperLabel}=${nso}`,
          '--filter',
          `label=${backupHelperPurposeLabel}=restore`,
        ])
      ).stdout.trim(),
    (id) => id !== '' && !id.includes('\n'),
    'the restore container',
    120_000,
  );
  const seen = await docker(
    [
      'exec',
      helper,
      'sh',
      '-c',
      'until [ -n "$(find /nso -maxdepth 1 -name \'.ncs-restore*\')" ]; do :; done',
    ],
    undefined,
    60_000,
  );
  if (seen.code !== 0) return false;
  return (await docker(['kill', helper])).code === 0;
}
