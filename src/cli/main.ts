import { parseArgs } from 'node:util';

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
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name === undefined ? 2 : 0;
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
    io.stderr.write(
      `nso-workbench ${cmd.name}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}

/** node:util parseArgs's errors: an unknown option, a missing value, a stray argument. */
function isArgumentError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

function version(): string {
  // Replaced at bundle time would be nicer; reading package.json keeps one source of truth.
  return process.env.npm_package_version ?? '0.1.0';
}

export { parseArgs };
