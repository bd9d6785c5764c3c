import type { ContainerDetails, DockerClient } from '../core/docker/client';
import { roleLabel, workbenchFilter } from '../core/nso/labels';
import {
  removeProdContainer,
  resolveProdContainer,
  stopProdContainer,
  volumeLossDescription,
  volumeRemoveCommand,
} from '../core/nso/prodContainer';
import { parseArgs, type CliIo, type Subcommand } from './main';
import { openWorkspace, reportFailure, requireNamedContainer, workspaceOptions } from './workspace';

/**
 * `nso-workbench stop [--remove [--delete-volumes --yes]]`: stops the
 * workspace's production container; removing it keeps its volumes unless
 * --delete-volumes says that NSO's data may go, and --yes confirms it (as
 * `backup restore` and `backup delete` ask): without --yes the command names
 * the volumes and what they hold, and changes nothing.
 */
export const stopCommand: Subcommand = {
  name: 'stop',
  summary: 'Stop NSO (--remove also removes the container; its volumes are kept)',
  usage:
    'nso-workbench stop [--dir <workspace>] [--container <name>] [--remove [--delete-volumes --yes]] [--json]\n' +
    "  --delete-volumes (with --remove) deletes the container's /nso and /log volumes: CDB, backups, keys.\n" +
    '  It needs --yes; without it the command lists what would be deleted and changes nothing (exit 2).',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        ...workspaceOptions,
        container: { type: 'string' },
        remove: { type: 'boolean', default: false },
        'delete-volumes': { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
      },
      strict: true,
    });
    const json = values.json;
    try {
      if (values['delete-volumes'] && !values.remove) {
        throw new Error('--delete-volumes only goes with --remove');
      }
      const ws = await openWorkspace(values, io);
      const dir = ws.dir;
      const docker = ws.docker();
      await requireNamedContainer(docker, values.container);
      const details = await resolveProdContainer(docker, dir, values.container);
      if (!details) {
        // A container removed earlier with its volumes kept: name them, since
        // deleting them is what was asked for and nothing here can find them again.
        const kept = values['delete-volumes']
          ? await docker.listVolumes({ labels: workbenchFilter('prod', dir) })
          : [];
        const names = kept.map((v) => v.name).sort();
        throw new Error(
          names.length > 0
            ? `No NSO production container for ${dir}: nothing to stop or remove. Its volumes are kept: ${names.join(', ')} (NSO's data: CDB, backups, logs); delete them with docker volume rm ${names.join(' ')}.`
            : `No NSO production container for ${dir}: nothing to stop.`,
        );
      }
      if (values['delete-volumes'] && !values.yes) {
        const volumes = await volumesToDelete(docker, details);
        writeConfirmationNeeded(io, json, details.name, volumes);
        return 2;
      }
      if (values.remove) {
        const removed = await removeProdContainer(docker, details.id, values['delete-volumes']);
        const failedNames = removed.failedVolumes.map((f) => f.name);
        if (json) {
          const ok = failedNames.length === 0;
          io.stdout.write(
            `${JSON.stringify({ ok, action: 'removed', ...removed, ...(ok ? {} : { retry: volumeRemoveCommand(failedNames) }) }, null, 2)}\n`,
          );
        } else {
          io.stdout.write(`Removed ${removed.name}\n`);
          if (removed.deletedVolumes.length > 0) {
            io.stdout.write(`${volumeLossDescription(removed.deletedVolumes)}\nDeleted.\n`);
          }
          if (removed.keptVolumes.length > 0) {
            io.stdout.write(
              `Kept ${removed.keptVolumes.join(', ')}: the next start finds NSO's data again.\n`,
            );
          }
          for (const f of removed.failedVolumes) {
            io.stderr.write(`Could not delete volume ${f.name}: ${f.reason}\n`);
          }
          if (failedNames.length > 0) {
            io.stderr.write(`Delete later with: ${volumeRemoveCommand(failedNames)}\n`);
          }
        }
        return failedNames.length > 0 ? 1 : 0;
      }
      const wasRunning = details.state.running;
      if (wasRunning) await stopProdContainer(docker, details.id);
      if (json) {
        io.stdout.write(
          `${JSON.stringify({ ok: true, action: wasRunning ? 'stopped' : 'alreadyStopped', name: details.name, id: details.id }, null, 2)}\n`,
        );
      } else {
        io.stdout.write(`${wasRunning ? 'Stopped' : 'Already stopped:'} ${details.name}\n`);
      }
      return 0;
    } catch (error) {
      return reportFailure(io, json, error);
    }
  },
};

/** A named volume of the container that removeProdContainer would delete. */
interface DoomedVolume {
  name: string;
  /** Where the container mounts it: /nso or /log. */
  destination: string;
}

/**
 * The volumes `--delete-volumes` would delete: the container's named volumes
 * that NSO Workbench created (the same test removeProdContainer applies), so
 * the list shown before --yes is the list deleted after it.
 */
async function volumesToDelete(
  docker: DockerClient,
  details: ContainerDetails,
): Promise<DoomedVolume[]> {
  const doomed: DoomedVolume[] = [];
  for (const m of details.mounts) {
    if (m.type !== 'volume' || !m.name) continue;
    try {
      if ((await docker.inspectVolume(m.name)).labels[roleLabel] === 'prod') {
        doomed.push({ name: m.name, destination: m.destination });
      }
    } catch {
      // Gone already: nothing of it to lose.
    }
  }
  return doomed;
}

/** Without --yes: what would be lost, and how to go ahead. Nothing was changed. */
export function writeConfirmationNeeded(
  io: CliIo,
  json: boolean,
  container: string,
  volumes: readonly DoomedVolume[],
): void {
  const names = volumes.map((v) => v.name);
  const loss =
    volumes.length > 0
      ? volumeLossDescription(names)
      : `${container} has no volume created by NSO Workbench: none would be deleted.`;
  if (json) {
    io.stdout.write(
      `${JSON.stringify({ ok: false, kind: 'confirmationNeeded', container, volumes, loss, changed: false }, null, 2)}\n`,
    );
    return;
  }
  io.stderr.write(
    [
      `nso-workbench stop --remove --delete-volumes deletes NSO's data: add --yes to go ahead.`,
      ...(volumes.length > 0
        ? [
            'Volumes that would be deleted:',
            ...volumes.map((v) => `  ${v.name} (${v.destination})`),
          ]
        : []),
      loss,
      `Nothing was changed: ${container} still exists, and so do its volumes.`,
      '',
    ].join('\n'),
  );
}
