// The extension-host test tier: compiles test/exthost/*.test.ts, opens a copy
// of the sample workspace in code-server with the repository as the extension
// under development, runs the tests inside the extension host and exits with
// their outcome (0 passed, 1 failed or the host died, 124 timeout).
//
// Usage: node --import tsx test/exthost/run.ts [--keep] [--verbose] [--timeout-s N] [--untrusted] [file.test.ts…]
// --untrusted opens the workspace in restricted mode and runs the *.untrusted.test.ts
// files, which the default run leaves out.
// Run through scripts/test-exthost.sh, which builds the extension first.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compilePayload } from './harness/compile';
import { runInExtensionHost } from './harness/extensionHost';
import { repoRoot, sampleWorkspace } from './harness/paths';
import { killProcessGroupsOnSignal } from './harness/processGroups';

// The whole run, all test files; each test also has mocha's own 30 s timeout.
const defaultTimeoutS = 600;

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const keep = args.includes('--keep');
  const verbose = args.includes('--verbose');
  const timeoutIndex = args.indexOf('--timeout-s');
  const timeoutS = timeoutIndex >= 0 ? Number(args[timeoutIndex + 1]) : defaultTimeoutS;
  const untrusted = args.includes('--untrusted');
  killProcessGroupsOnSignal();

  // Tests are bundled one file each, so they can import the product's own
  // modules; the runner finds them next to itself.
  const testsDir = path.join(repoRoot, 'test', 'exthost');
  // Test files named on the command line (test/exthost/build.test.ts): only those.
  const only = new Set(args.filter((a) => a.endsWith('.test.ts')).map((a) => path.basename(a)));
  const tests = readdirSync(testsDir)
    .filter((f) => f.endsWith('.test.ts') && (only.size === 0 || only.has(f)))
    // Tests of restricted mode need a session of their own.
    .filter((f) => f.endsWith('.untrusted.test.ts') === untrusted)
    .map((f) => path.join(testsDir, f));
  if (only.size > 0 && tests.length !== only.size) {
    throw new Error(
      `no such test file in test/exthost${untrusted ? ' for --untrusted (*.untrusted.test.ts)' : ' (*.untrusted.test.ts need --untrusted)'}: ${[...only].join(', ')}`,
    );
  }
  // A run of chosen files compiles to a folder of its own, so it can run beside a whole-tier run.
  const outDir = path.join(
    repoRoot,
    'out',
    only.size > 0 || untrusted ? `exthost-${process.pid}` : 'exthost',
  );
  await compilePayload([path.join(testsDir, 'runner', 'index.ts'), ...tests], outDir);
  console.log(
    `[exthost] compiled ${tests.length} test file(s) to ${path.relative(repoRoot, outDir)}/`,
  );

  const runDir = mkdtempSync(path.join(os.tmpdir(), 'nso-exthost-'));
  const workspace = path.join(runDir, 'workspace');
  mkdirSync(workspace);
  cpSync(sampleWorkspace, workspace, { recursive: true });

  const outcome = await runInExtensionHost({
    extensionDevelopmentPath: repoRoot,
    payloadModule: path.join(outDir, 'index.js'),
    workspace,
    runDir,
    timeoutMs: timeoutS * 1000,
    verbose,
    untrusted,
  });

  const r = outcome.result;
  const counts = r?.passes !== undefined ? `${r.passes} passing, ${r.failures ?? 0} failing, ` : '';
  console.log(
    `[exthost] ${outcome.exitCode === 0 ? 'passed' : 'FAILED'}: ${counts}` +
      `${outcome.seconds.toFixed(1)} s${outcome.reason ? ` (${outcome.reason})` : ''}`,
  );
  if (keep || outcome.exitCode !== 0) {
    console.log(`[exthost] kept ${runDir} (code-server log: ${outcome.serverLog})`);
  } else {
    rmSync(runDir, { recursive: true, force: true });
  }
  if ((only.size > 0 || untrusted) && !keep) rmSync(outDir, { recursive: true, force: true });
  return outcome.exitCode;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error('[exthost] harness error:', e);
    process.exit(2);
  },
);
