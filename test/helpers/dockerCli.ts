// The docker CLI as the extension-host and UI tests call it to set up and
// check what the extension does: an argv array, never a shell line; output
// and error output together, since a failing assertion shows both.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';

export interface DockerCliResult {
  /** docker's exit code, 1 when it could not be run at all. */
  code: number;
  out: string;
}

export function docker(args: string[], timeoutMs = 60_000): Promise<DockerCliResult> {
  return new Promise((resolve) => {
    execFile('docker', args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

/** Runs docker and fails the test with its output unless it exits 0; returns the output, trimmed. */
export async function dockerOk(args: string[], timeoutMs = 60_000): Promise<string> {
  const r = await docker(args, timeoutMs);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.out}`);
  return r.out.trim();
}
