import {
  removeProdContainer,
  resolveProdContainer,
  stopProdContainer,
  volumeLossDescription,
  volumeRemoveCommand,
} from '../core/nso/prodContainer';
import { parseArgs, type Subcommand } from './main';
import { openWorkspace, reportFailure, workspaceOptions } from './workspace';

/**
 * `nso-workbench stop [--remove [--delete-volumes]]`: stops the workspace's
 * production container; removing it keeps its volumes unless
 * --delete-volumes says, explicitly, that NSO's data may go.
 */
export const stopCommand: Subcommand = {
  name: 'stop',
  summary: 'Stop NSO (--remove also removes the container; its volumes are kept)',
  usage:
    'nso-workbench stop [--dir <workspace>] [--container <name>] [--remove] [--delete-volumes] [--json]\n' +
    "  --delete-volumes (with --remove) deletes the container's /nso and /log volumes: CDB, backups, keys.",
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        ...workspaceOptions,
        container: { type: 'string' },
        remove: { type: 'boolean', default: false },
        'delete-volumes': { type: 'boolean', default: false },
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
      const details = await resolveProdContainer(docker, dir, values.container);
      if (!details) {
        throw new Error(`No NSO production container for ${dir}: nothing to stop.`);
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
