import { NcsCli } from '../core/nso/ncsCli';
import { defaultAdminUser, resolveProdContainer } from '../core/nso/prodContainer';
import {
  defaultStateDir,
  deletionListComplete,
  FileLoadedStateStore,
  reloadPackages,
  type ReloadReport,
} from '../core/nso/reload';
import { parseArgs, type Subcommand } from './main';
import { openWorkspace, reportFailure, requireNamedContainer, workspaceOptions } from './workspace';

/**
 * `nso-workbench reload [--strategy auto|full] [--force] [--redeploy <package>]`:
 * reloads what changed into the running NSO, or redeploys one package by name. --force is the explicit consent to delete the
 * modules (and their data) that NSO says a reload would delete.
 */
export const reloadCommand: Subcommand = {
  name: 'reload',
  summary: 'Reload changed packages into the running NSO (redeploy or full reload)',
  usage:
    'nso-workbench reload [--dir <workspace>] [--strategy auto|full] [--force] [--redeploy <package>] [--container <name>] [--admin-user <user>] [--json]\n' +
    '  --redeploy runs packages package <package> redeploy, whatever changed; refused when a redeploy would not load the change.\n' +
    '  --force deletes the YANG modules, and the data under them, that NSO lists when it refuses a reload.',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        ...workspaceOptions,
        strategy: { type: 'string' },
        force: { type: 'boolean', default: false },
        redeploy: { type: 'string' },
        container: { type: 'string' },
        'admin-user': { type: 'string' },
      },
      strict: true,
    });
    const json = values.json;
    try {
      const ws = await openWorkspace(values, io);
      const dir = ws.dir;
      const strategy = values.strategy ?? ws.setting('nso.reload.strategy') ?? 'auto';
      if (strategy !== 'auto' && strategy !== 'full' && strategy !== 'off') {
        throw new Error(`--strategy must be auto or full, not ${strategy}`);
      }
      const docker = ws.docker();
      await requireNamedContainer(docker, values.container);
      const details = await resolveProdContainer(docker, dir, values.container);
      if (!details) {
        throw new Error(
          `No NSO production container for ${dir}: start one with nso-workbench start, or name one with --container.`,
        );
      }
      const report = await reloadPackages({
        docker,
        cli: new NcsCli(docker),
        container: details.id,
        workspaceFolder: dir,
        packagesPath: ws.packagesPath,
        adminUser: values['admin-user'] ?? ws.setting('nso.adminUser') ?? defaultAdminUser,
        strategy: strategy,
        force: values.force,
        ...(values.redeploy !== undefined ? { redeploy: values.redeploy } : {}),
        store: new FileLoadedStateStore(defaultStateDir(io.env)),
        observer: {
          info: (m) => {
            if (!json) io.stderr.write(`${m}\n`);
          },
        },
      });
      const ok = ['ok', 'nothing', 'off'].includes(report.status);
      if (json) {
        const { transcript, ...rest } = report;
        io.stdout.write(
          `${JSON.stringify({ ok, container: details.name, ...rest, transcript }, null, 2)}\n`,
        );
        return ok ? 0 : 1;
      }
      (ok ? io.stdout : io.stderr).write(`${report.message}\n`);
      for (const p of report.packages) {
        const state = p.operStatus
          ? `${p.operStatus.status}${p.operStatus.errorInfo ? ` (${p.operStatus.errorInfo})` : ''}`
          : '-';
        const result = p.result === undefined ? '' : p.result ? ' result true' : ' result false';
        io.stdout.write(`${p.name}\t${state}${result}\n`);
      }
      for (const d of report.diagnostics) {
        io.stderr.write(`${d.file}:${Math.max(d.line, 1)}:1: error: ${d.message}\n`);
      }
      if (report.status === 'deletionRefused') {
        for (const l of refusalLines(report)) io.stderr.write(`${l}\n`);
      }
      return ok ? 0 : 1;
    } catch (error) {
      return reportFailure(io, json, error);
    }
  },
};

/**
 * What the CLI adds to a deletion refusal: the modules and how to force, or,
 * when NSO's list could not be read, its own lines and no --force, which would
 * be consent to an unknown loss.
 */
export function refusalLines(report: Pick<ReloadReport, 'deletions' | 'refusal'>): string[] {
  if (deletionListComplete(report)) {
    return [
      'NSO would delete these modules and the data under them:',
      ...report.deletions.map((d) => `  ${d.package}: ${d.module}`),
      'Run again with --force to delete them.',
    ];
  }
  return [
    'NSO said:',
    ...(report.refusal?.said ?? []).map((l) => `  ${l}`),
    'The modules it would delete could not be read: --force is not suggested.',
  ];
}
