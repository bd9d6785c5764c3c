// nso-workbench: the command-line face of the same core the extension uses.
import { addSubcommand, runCli } from './main';
import { lintConfCommand } from './lintConf';
import { packagesCommand } from './packagesCommand';
import { reloadCommand } from './reloadCommand';
import { startCommand } from './startCommand';
import { stopCommand } from './stopCommand';
import { buildCommand } from './buildCommand';
import { backupCommand } from './backupCommand';
import { statusCommand } from './statusCommand';

addSubcommand(packagesCommand);
addSubcommand(buildCommand);
addSubcommand(lintConfCommand);
addSubcommand(startCommand);
addSubcommand(stopCommand);
addSubcommand(reloadCommand);
addSubcommand(backupCommand);
addSubcommand(statusCommand);

// `nso-workbench status | head -3`: a reader that stops early is no failure of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err: unknown) => {
    process.stderr.write(`nso-workbench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  });
