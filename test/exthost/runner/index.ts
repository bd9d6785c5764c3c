// The tests entry the workbench loads inside the extension host (compiled to
// out/exthost/index.js next to the compiled *.test.js files). Runs them with
// mocha and records the outcome in the result file before and after, so a
// crash or process.exit() in the middle cannot pass for success.
import { readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { resultFileEnv, type PayloadResult, type TestOutcome } from '../harness/result';

const testTimeoutMs = 30_000;

function record(result: Omit<PayloadResult, 'pid' | 'at'>): void {
  const file = process.env[resultFileEnv];
  if (!file) return;
  const full: PayloadResult = { ...result, pid: process.pid, at: new Date().toISOString() };
  writeFileSync(file, JSON.stringify(full, null, 1));
}

export async function run(): Promise<void> {
  record({ state: 'started' });
  let recorded = false;
  try {
    const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: testTimeoutMs });
    const files = readdirSync(__dirname)
      .filter((f) => f.endsWith('.test.js'))
      .sort();
    if (files.length === 0) throw new Error(`no compiled tests in ${__dirname}`);
    for (const f of files) mocha.addFile(path.join(__dirname, f));
    await mocha.loadFilesAsync();

    const tests: TestOutcome[] = [];
    const failures = await new Promise<number>((resolve) => {
      const runner = mocha.run(resolve);
      runner.on('pass', (t) => {
        tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 });
      });
      runner.on('fail', (t, err: Error) => {
        const outcome = { title: t.fullTitle(), durationMs: t.duration ?? 0, error: err.stack };
        tests.push({ ...outcome, state: 'failed' });
      });
    });
    const passes = tests.filter((t) => t.state === 'passed').length;
    record({ state: failures > 0 ? 'failed' : 'passed', passes, failures, tests });
    recorded = true;
    if (failures > 0) throw new Error(`${failures} extension host test(s) failed`);
  } catch (e) {
    if (!recorded) {
      const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      record({ state: 'failed', error });
    }
    throw e;
  }
}
