// One reading of the workspace's NSO health, for the CLI: the same watcher
// and monitor the extension runs, started, brought up to date once, asked
// NSO once, and stopped again.

import type { DockerClient } from '../docker/client';
import type { NsoHealth } from '../nso/health';
import { ContainerWatcher, type WatchedContainer, type WatchStatus } from './containerWatcher';
import { HealthMonitor } from './healthMonitor';
import { groupNsoContainers, isWatchedContainer, type ContainerGroup } from './nsoContainers';

export interface HealthOnceOptions {
  readonly workspacePaths: readonly string[];
  /** The NSO user for `ncs_cli`; default the container's ADMIN_USERNAME, else admin. */
  readonly adminUser?: string;
  /** Follow this container (id or name) instead of the workspace's own. */
  readonly container?: string;
  /** For the whole reading (default 60 s). */
  readonly timeoutMs?: number;
}

export interface HealthReading {
  readonly health: NsoHealth;
  readonly groups: readonly ContainerGroup[];
  readonly prod?: WatchedContainer;
}

export async function readNsoHealthOnce(
  client: DockerClient,
  options: HealthOnceOptions,
): Promise<HealthReading> {
  const watcher = new ContainerWatcher(client, { relevant: isWatchedContainer });
  const monitor: HealthMonitor = new HealthMonitor({
    workspacePaths: () => options.workspacePaths,
    adminUser: () =>
      options.adminUser ?? monitor.prodContainer()?.details?.env.ADMIN_USERNAME ?? 'admin',
    preferredContainer: () => options.container,
  });
  monitor.connect(watcher, client);
  let timer: NodeJS.Timeout | undefined;
  try {
    const answered = new Promise<WatchStatus>((resolve, reject) => {
      const sub = watcher.onStatusChanged((s) => {
        if (s.phase === 'live' || s.phase === 'unreachable' || s.phase === 'polling') {
          sub.dispose();
          resolve(s);
        }
      });
      timer = setTimeout(
        () => reject(new Error(`Docker at ${client.endpoint.description} gave no answer in time`)),
        options.timeoutMs ?? 60_000,
      );
    });
    watcher.start();
    const status = await answered;
    if (status.phase !== 'unreachable') await monitor.settle();
    const prod = monitor.prodContainer();
    return {
      health: monitor.health,
      groups: groupNsoContainers(watcher.containers(), options.workspacePaths),
      ...(prod ? { prod } : {}),
    };
  } finally {
    clearTimeout(timer);
    monitor.dispose();
    await watcher.dispose();
  }
}
