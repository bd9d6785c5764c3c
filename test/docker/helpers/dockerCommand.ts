// The docker CLI as the image and backup tests set up and check with it: an
// argv array, never a shell line; the exit code is a result, not an error,
// since many checks are about a command failing.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';

export interface DockerResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface DockerCommandOptions {
  /** Written to docker's standard input, which is closed after it (or at once). */
  input?: string | undefined;
  timeoutMs: number;
  /** Output beyond this many bytes fails the call. */
  maxBuffer: number;
}

/** Runs docker; rejects only when it could not run or did not end in time. */
export function dockerCommand(
  args: string[],
  options: DockerCommandOptions,
): Promise<DockerResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'docker',
      args,
      { timeout: options.timeoutMs, maxBuffer: options.maxBuffer },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(`docker ${args.join(' ')}: ${err.message}\n${stderr}`));
          return;
        }
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      },
    );
    // A command that never reads its input may exit first: EPIPE is no error here.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

/** Runs docker and fails the test with its output unless it exits 0; returns its standard output. */
export async function dockerCommandOk(
  args: string[],
  options: DockerCommandOptions,
): Promise<string> {
  const r = await dockerCommand(args, options);
  assert.equal(r.code, 0, `docker ${args.join(' ')} failed (${r.code}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}
