import { describeKinds, discoverPackages } from '../core/packages/discovery';
import { parseArgs, type Subcommand } from './main';
import { openWorkspace, workspaceOptions } from './workspace';

/** `nso-workbench packages [--dir D] [--packages-path P] [--json]`: what NSO would load. */
export const packagesCommand: Subcommand = {
  name: 'packages',
  summary: 'List the workspace packages (name, version, kinds, dependencies)',
  usage: 'nso-workbench packages [--dir <workspace>] [--packages-path packages] [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        ...workspaceOptions,
      },
      strict: true,
    });
    const ws = await openWorkspace(values, io);
    const result = await discoverPackages(ws.dir, ws.packagesPath);
    const ok = result.exists && result.problems.length === 0;
    if (values.json) {
      io.stdout.write(
        `${JSON.stringify(
          {
            // As in every command's JSON: true exactly when the exit code is 0.
            ok,
            packagesDir: result.packagesDir,
            exists: result.exists,
            packages: result.packages.map((p) => ({
              name: p.name,
              dir: p.dir,
              version: p.metaData.version ?? null,
              ncsMinVersion: p.metaData.ncsMinVersion,
              requiredPackages: p.metaData.requiredPackages,
              components: p.metaData.components,
              kinds: p.kinds,
            })),
            problems: result.problems,
          },
          null,
          2,
        )}\n`,
      );
    } else {
      if (!result.exists) io.stderr.write(`No packages folder at ${result.packagesDir}\n`);
      for (const p of result.packages) {
        const deps = p.metaData.requiredPackages.map((r) => r.name).join(', ');
        io.stdout.write(
          `${p.name}\t${p.metaData.version ?? '-'}\t${describeKinds(p.kinds)}${deps ? `\trequires ${deps}` : ''}\n`,
        );
      }
      for (const pr of result.problems) {
        io.stderr.write(`${pr.file}:${pr.line}:${pr.column}: error: ${pr.message}\n`);
      }
    }
    return ok ? 0 : 1;
  },
};
