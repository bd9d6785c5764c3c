// nso-workbench run in the test's own process, with what it prints captured:
// the subcommands a test needs are added with addSubcommand first.
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/main';

export interface CapturedRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs the command line on `args`. The environment is empty unless given, so
 * that a test sees no settings of the machine it runs on (DOCKER_HOST…).
 */
export async function runCaptured(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CapturedRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runCli(args, { stdout, stderr, env });
  return { code, out, err };
}
