import * as path from 'node:path';

import { buildLockFile } from '../core/build/buildLock';
import { JsonFileBuildStateStore } from '../core/build/buildState';
import { formatDiagnostic, runBuild, summarize, type BuildReport } from '../core/build/runBuild';
import { signedBinInstructions } from '../core/nso/buildContainer';
import { parseArgs, type Subcommand } from './main';
import { openWorkspace, optional, workspaceOptions } from './workspace';

/**
 * `nso-workbench build`: builds the workspace's packages in its build
 * container, as the extension does. The state of the last successful builds
 * is kept in a JSON file in the user's cache folder (see JsonFileBuildStateStore),
 * not in the workspace; --state-file puts it elsewhere.
 */
export const buildCommand: Subcommand = {
  name: 'build',
  summary: 'Build the packages in the NSO build container (only what changed)',
  usage:
    'nso-workbench build [--dir <workspace>] [--package NAME]... [--clean] [--image REF] ' +
    '[--prod-image REF] [--parallelism N] [--packages-path packages] [--state-file F] [--json]',
  async run(args, io) {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          ...workspaceOptions,
          package: { type: 'string', multiple: true },
          clean: { type: 'boolean', default: false },
          image: { type: 'string' },
          'prod-image': { type: 'string' },
          parallelism: { type: 'string' },
          'state-file': { type: 'string' },
        },
        strict: true,
      }));
    } catch (err) {
      io.stderr.write(`nso-workbench build: ${(err as Error).message}\nUsage: ${this.usage}\n`);
      return 2;
    }
    const ws = await openWorkspace(values, io);
    const parallelismSetting = ws.settings['nso.build.parallelism'];
    const parallelism =
      values.parallelism !== undefined
        ? Number(values.parallelism)
        : typeof parallelismSetting === 'number' && parallelismSetting > 0
          ? parallelismSetting
          : undefined;
    if (parallelism !== undefined && !(Number.isInteger(parallelism) && parallelism > 0)) {
      io.stderr.write(`nso-workbench build: --parallelism takes a whole number above 0\n`);
      return 2;
    }

    const folder = ws.dir;
    const store = values['state-file']
      ? new JsonFileBuildStateStore(path.resolve(values['state-file']))
      : JsonFileBuildStateStore.forWorkspace(folder, io.env);
    // With --json, stdout carries only the report; the live output goes to stderr.
    const live = values.json ? io.stderr : io.stdout;

    const controller = new AbortController();
    const onSigint = (): void => {
      if (controller.signal.aborted) process.exit(130);
      io.stderr.write('nso-workbench build: stopping make in the build container…\n');
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    let report: BuildReport;
    try {
      const docker = ws.docker();
      report = await runBuild(
        {
          docker,
          workspaceFolder: folder,
          packagesPath: ws.packagesPath,
          ...optional('buildImage', values.image ?? ws.setting('nso.buildImage')),
          ...(values.image !== undefined ? { buildImageOrigin: '--image' } : {}),
          ...optional('prodImage', values['prod-image'] ?? ws.setting('nso.prodImage')),
          ...(parallelism ? { parallelism } : {}),
          store,
          lockFile: await buildLockFile(path.resolve(folder, ws.packagesPath), io.env),
          lockOwner: 'nso-workbench build',
        },
        { ...(values.package ? { packages: values.package } : {}), clean: values.clean },
        {
          line: (pkg, line) => live.write(`[${pkg}] ${line}\n`),
          info: (m) => live.write(`${m}\n`),
          warn: (m) => io.stderr.write(`warning: ${m}\n`),
          packageFinished: (r) => {
            if (r.status !== 'built') live.write(`[${r.name}] ${r.message ?? r.status}\n`);
          },
        },
        controller.signal,
      );
    } catch (err) {
      // Docker configuration errors (a bad DOCKER_HOST) surface when the client is made.
      const message = err instanceof Error ? err.message : String(err);
      if (values.json)
        io.stdout.write(`${JSON.stringify({ ok: false, error: message }, null, 2)}\n`);
      else io.stderr.write(`nso-workbench build: ${message}\n`);
      return 1;
    } finally {
      process.off('SIGINT', onSigint);
    }

    const ok = report.status === 'succeeded' && report.problems.length === 0;
    if (values.json) {
      // ok as in every command's JSON: true exactly when the exit code is 0.
      io.stdout.write(
        `${JSON.stringify({ ok, ...jsonReport(report), stateFile: store.file }, null, 2)}\n`,
      );
    } else {
      for (const p of report.problems) {
        io.stdout.write(
          `${p.file}:${p.line}:${p.column}: error: ${p.message} This package is skipped.\n`,
        );
      }
      for (const pkg of report.packages) {
        for (const d of pkg.diagnostics) io.stdout.write(`${formatDiagnostic(d)}\n`);
      }
      const out = report.status === 'succeeded' ? io.stdout : io.stderr;
      out.write(`${summarize(report)}\n`);
      if (report.failure?.kind === 'noImage') io.stderr.write(`\n${signedBinInstructions}\n`);
    }
    // Stopped by Ctrl+C: the shell convention (128 + SIGINT), so a script can tell
    // an interrupted build from a failed one.
    if (controller.signal.aborted && report.status === 'cancelled') return 130;
    return ok ? 0 : 1;
  },
};

function jsonReport(r: BuildReport): object {
  return {
    workspaceFolder: r.workspaceFolder,
    packagesDir: r.packagesDir,
    status: r.status,
    failure: r.failure ?? null,
    warnings: r.warnings,
    image: r.image ?? null,
    container: r.container ?? null,
    parallelism: r.parallelism ?? null,
    durationMs: Math.round(r.durationMs),
    packages: r.packages.map((p) => ({
      name: p.name,
      dir: p.dir,
      status: p.status,
      clean: p.clean,
      durationMs: Math.round(p.durationMs),
      exitCode: p.exitCode ?? null,
      message: p.message ?? null,
      diagnostics: p.diagnostics,
    })),
    problems: r.problems,
  };
}
