import { parseArgs } from 'node:util';
import { version as packageVersion } from '../../package.json';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/** A subcommand: parses its own arguments, writes text or JSON, returns the exit code. */
export interface Subcommand {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

const subcommands: Subcommand[] = [];

export function addSubcommand(cmd: Subcommand): void {
  subcommands.push(cmd);
}

function usage(): string {
  const lines = subcommands.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`);
  return [
    'Usage: nso-workbench <command> [options] [--json]',
    '',
    'Commands:',
    ...lines,
    '',
    'Every command takes --json for machine-readable output and exits non-zero on failure.',
    commonOptionsHelp,
  ].join('\n');
}

const commonOptionsHelp = [
  'Commands on a workspace also take --dir <workspace> (default .), --packages-path <dir>',
  '(default: nso.packagesPath, else packages) and --docker-host <url> (default: nso.docker.host,',
  "else DOCKER_HOST, else the Docker context), and read the other nso.* settings of the workspace's",
  '.vscode/settings.json; flags win.',
  '',
].join('\n');

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    // No command is a usage error: the usage goes where errors go, as for an unknown command.
    io.stderr.write(usage());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return 0;
  }
  if (name === '--version') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const cmd = subcommands.find((c) => c.name === name);
  if (!cmd) {
    io.stderr.write(`nso-workbench: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  // `nso-workbench <command> --help` anywhere on the line, before the
  // command's own parser rejects it as an unknown option.
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${cmd.summary}\n\nUsage: ${cmd.usage}\n\n${commonOptionsHelp}`);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (error) {
    if (isArgumentError(error)) {
      io.stderr.write(`nso-workbench ${cmd.name}: ${error.message}\n\nUsage: ${cmd.usage}\n`);
      return 2;
    }
    // Commands report their own failures (text or --json); this is for what escapes them.
    // A script that asked for --json parses stdout, failure or not: it gets the same
    // { ok: false, error } document the commands write for their own failures.
    const message = error instanceof Error ? error.message : String(error);
    if (wantsJson(rest)) {
      io.stdout.write(`${JSON.stringify({ ok: false, error: message }, null, 2)}\n`);
    } else {
      io.stderr.write(`nso-workbench ${cmd.name}: ${message}\n`);
    }
    return 1;
  }
}

/** --json among the options (not after `--`, where it would be an argument). */
function wantsJson(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).includes('--json');
}

/** node:util parseArgs's errors: an unknown option, a missing value, a stray argument. */
function isArgumentError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

function version(): string {
  // The manifest's own version, bundled in (esbuild keeps only this field of the JSON).
  // Not npm_package_version: run from another project's npm script, that is the
  // other project's version.
  return packageVersion;
}

export { parseArgs };
