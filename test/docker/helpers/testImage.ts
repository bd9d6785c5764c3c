// The tiny shell image Docker-tier tests run containers from (busybox, no
// registry needed). Built once by ensure-test-image.sh and kept: it is 2 MB
// and every run reuses it. Other Docker-tier tests can use it as well.

import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/** Test resources carry this prefix and label so that cleanup finds only ours. */
export const testPrefix = 'nsowb-dockertest-';
export const testLabel = 'nsowb-dockertest.run';

/** Makes sure the image exists and returns its reference. */
export function ensureTestImage(): string {
  const script = path.join(__dirname, 'ensure-test-image.sh');
  return execFileSync('bash', [script], { encoding: 'utf8', timeout: 120_000 }).trim();
}

/** A name unique to this process and call, with the test prefix. */
export function uniqueName(what: string): string {
  uniqueCounter += 1;
  return `${testPrefix}${what}-${process.pid}-${uniqueCounter}`;
}
let uniqueCounter = 0;
