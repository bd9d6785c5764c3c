// Activation time of NSO Workbench in a real VS Code (code-server), measured
// two ways, each over several fresh windows, reported as the median:
//
// startupActivationMs: VS Code's own activation figure, read where a user
//   reads it ("Developer: Show Running Extensions"): loading dist/extension.js
//   plus the activate() call, timed by VS Code itself, in a fresh window on the
//   sample workspace while the built-in extensions start on the same cores.
//   This is the figure held to the target (< 50 ms): it is what the user sees
//   and what VS Code means by an extension's activation time.
// activateMs: a stricter wall time, shown beside it. The payload
//   bench/activatePayload.ts times ext.activate() in a window whose workspace
//   does not activate the extension by itself, once the extension host is
//   idle: VS Code's creation of the extension context (storage round trips to
//   the window), module loading, activate() and its returned promise. It moves
//   with the window's responsiveness on a loaded machine; activateCpuMs, the
//   extension host's CPU time meanwhile, and activateBodyMs, the extension's
//   own log line for the body of activate(), show our share of it.
//
// What activation leaves for later is measured too, in the payload's window,
// so that no cost hides behind the figure:
// firstHealthMs: from the start of ext.activate() to the status bar's first
//   NSO state (the watcher starts right after activation, loads the Docker
//   bundle and asks the engine).
// firstFeatureCommandMs: the first command that needs the features loaded on
//   demand (NSO: Refresh Packages, in an idle window): loading and setting up
//   dist/features.js, then listing the packages; featuresLoadMs is the
//   extension's own figure for the loading and setting up alone.
//
// Usage: node --import tsx bench/activate.ts [runs]   (bench/run.sh builds first)
// Writes bench/results/activate.json.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchChromium } from '../test/exthost/harness/browser';
import {
  createProfile,
  locateVsCodeHost,
  startCodeServer,
} from '../test/exthost/harness/codeServer';
import { compilePayload } from '../test/exthost/harness/compile';
import { runInExtensionHost } from '../test/exthost/harness/extensionHost';
import { repoRoot, sampleWorkspace, testResultsDir } from '../test/exthost/harness/paths';
import { killProcessGroupsOnSignal } from '../test/exthost/harness/processGroups';
import { Workbench } from '../test/ui/workbench';
import { userDataDirEnv, type ActivationSample } from './activateShared';

const targetActivateMs = 50;
const runTimeoutMs = 120_000;
const uiTimeoutMs = 30_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One fresh window, empty workspace: the payload times ext.activate(). */
async function payloadSample(payloadModule: string, runDir: string): Promise<ActivationSample> {
  const workspace = path.join(runDir, 'empty-workspace');
  mkdirSync(workspace, { recursive: true });
  const outcome = await runInExtensionHost({
    extensionDevelopmentPath: repoRoot,
    payloadModule,
    workspace,
    runDir,
    timeoutMs: runTimeoutMs,
    env: { [userDataDirEnv]: path.join(runDir, 'profile', 'user-data') },
  });
  const sample = outcome.result?.data as ActivationSample | undefined;
  if (outcome.exitCode !== 0 || !sample) {
    throw new Error(`activation payload failed: ${outcome.reason ?? 'no result'}`);
  }
  return sample;
}

/** Reads "Activation: N ms" of NSO Workbench from VS Code's Running Extensions editor. */
async function readRunningExtensionsFigure(workbench: Workbench): Promise<number> {
  const page = workbench.page;
  await workbench.runCommand('Developer: Show Running Extensions');
  // A development extension is listed by its id, an installed one by its name.
  const row = page
    .locator('.monaco-list-row')
    .filter({ hasText: /NSO Workbench|nso-workbench\.nso-workbench/ })
    .first();
  // The list renders only the rows in view: page down until ours is there.
  const list = page.locator('.monaco-list-row').filter({ hasText: /Activation: \d+ms/ });
  await list.first().click({ timeout: uiTimeoutMs });
  for (let i = 0; i < 10 && (await row.count()) === 0; i++) await page.keyboard.press('PageDown');
  const time = row.locator('.activation-time').filter({ hasText: /Activation: \d+ms/ });
  const text = await time.innerText({ timeout: uiTimeoutMs / 2 });
  const ms = /Activation: (\d+)ms/.exec(text)?.[1];
  if (ms === undefined) throw new Error(`unexpected activation text: ${text}`);
  return Number(ms);
}

/** One fresh window on the sample workspace: VS Code's Running Extensions figure. */
async function startupSample(runDir: string): Promise<number> {
  const host = locateVsCodeHost();
  const profile = createProfile(path.join(runDir, 'profile'));
  const workspace = path.join(runDir, 'nso-sample');
  cpSync(sampleWorkspace, workspace, { recursive: true });
  const server = await startCodeServer(host, profile, {
    smokeTestDriver: true,
    logFile: path.join(runDir, 'code-server.log'),
  });
  const browser = await launchChromium().catch(async (e: unknown) => {
    await server.stop();
    throw e;
  });
  try {
    const page = await browser.browser.newPage({ viewport: { width: 1400, height: 900 } });
    // The repository itself as the extension under development, as in the
    // payload runs, but no tests: the window just starts.
    const payload = [['extensionDevelopmentPath', `vscode-remote://remote${repoRoot}`]];
    await page.goto(
      `${server.url}/?folder=${encodeURIComponent(workspace)}` +
        `&payload=${encodeURIComponent(JSON.stringify(payload))}`,
      { timeout: 60_000 },
    );
    const workbench = new Workbench(page, path.join(testResultsDir, 'bench'));
    await workbench.waitUntilReady();
    // The workspaceContains activation event fires after a file search, which
    // can end after the window is ready: wait for the extension's status bar
    // item, which activate() creates, before asking VS Code for the figure.
    await page
      .locator('.part.statusbar .statusbar-item[id$="nso.health"]')
      .waitFor({ timeout: uiTimeoutMs });
    let lastError: unknown;
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        return await readRunningExtensionsFigure(workbench);
      } catch (e) {
        // The editor's list renders lazily; an editor opened while another
        // extension was still activating can miss a re-render: reopen it.
        lastError = e;
        await page.keyboard.press('Escape');
        await workbench.runCommand('View: Close All Editors');
      }
    }
    throw lastError;
  } finally {
    await browser.close();
    await server.stop();
  }
}

async function main(): Promise<number> {
  const runs = Number(process.argv[2] ?? process.env.BENCH_RUNS ?? 5);
  killProcessGroupsOnSignal();
  const outDir = path.join(repoRoot, 'out', 'bench');
  await compilePayload([path.join(repoRoot, 'bench', 'activatePayload.ts')], outDir);
  const payloadModule = path.join(outDir, 'activatePayload.js');

  const activateMs: number[] = [];
  const activateCpuMs: number[] = [];
  const settleMs: number[] = [];
  const activateBodyMs: number[] = [];
  const startupActivationMs: number[] = [];
  const firstHealthMs: number[] = [];
  const firstFeatureCommandMs: number[] = [];
  const featuresLoadMs: number[] = [];
  const featuresLoadedBy = new Set<string>();
  for (let i = 1; i <= runs; i++) {
    const runDir = mkdtempSync(path.join(os.tmpdir(), 'nso-bench-'));
    try {
      const sample = await payloadSample(payloadModule, path.join(runDir, 'payload'));
      activateMs.push(sample.activateMs);
      activateCpuMs.push(sample.activateCpuMs);
      settleMs.push(sample.settleMs);
      if (sample.activateBodyMs !== undefined) activateBodyMs.push(sample.activateBodyMs);
      if (sample.firstHealthMs !== undefined) firstHealthMs.push(sample.firstHealthMs);
      firstFeatureCommandMs.push(sample.firstFeatureCommandMs);
      if (sample.featuresLoadMs !== undefined) featuresLoadMs.push(sample.featuresLoadMs);
      featuresLoadedBy.add(sample.featuresLoadedBy ?? 'not logged');
      startupActivationMs.push(await startupSample(path.join(runDir, 'startup')));
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
    console.log(
      `[bench] run ${i}/${runs}: activate ${activateMs.at(-1)!.toFixed(1)} ms ` +
        `(${activateCpuMs.at(-1)!.toFixed(1)} ms CPU; activate() body ` +
        `${activateBodyMs.at(-1)?.toFixed(1) ?? '?'} ms), ` +
        `start-up activation (VS Code) ${startupActivationMs.at(-1)!} ms; ` +
        `first health state ${firstHealthMs.at(-1)?.toFixed(0) ?? '?'} ms, ` +
        `first feature command ${firstFeatureCommandMs.at(-1)!.toFixed(1)} ms ` +
        `(features loaded in ${featuresLoadMs.at(-1)?.toFixed(1) ?? '?'} ms)`,
    );
  }

  const result = {
    measuredAt: new Date().toISOString(),
    codeServer: locateVsCodeHost().version,
    runs,
    loadAverage: os.loadavg(),
    activateMs: { median: median(activateMs), samples: activateMs },
    activateCpuMs: { median: median(activateCpuMs), samples: activateCpuMs },
    /** The extension's own log line: the body of activate() alone. */
    activateBodyMs: activateBodyMs.length
      ? { median: median(activateBodyMs), samples: activateBodyMs }
      : 'not logged',
    /** How long each extension host took to go idle first (20 s: it never did). */
    settleMs: settleMs.map(Math.round),
    startupActivationMs: {
      median: median(startupActivationMs),
      samples: startupActivationMs,
      target: targetActivateMs,
    },
    /** Deferred costs: what activation leaves for later (see the method). */
    firstHealthMs: firstHealthMs.length
      ? { median: median(firstHealthMs), samples: firstHealthMs }
      : 'no health state within 30 s',
    firstFeatureCommandMs: {
      median: median(firstFeatureCommandMs),
      samples: firstFeatureCommandMs,
    },
    featuresLoadMs: featuresLoadMs.length
      ? { median: median(featuresLoadMs), samples: featuresLoadMs, loadedBy: [...featuresLoadedBy] }
      : 'not logged',
    method:
      'startupActivationMs (held to the target): VS Code "Running Extensions" figure (code ' +
      'loading + activate call, timed by VS Code) in the sample workspace during window ' +
      'start-up. activateMs: ext.activate() timed inside the extension host of a fresh window ' +
      'whose workspace does not activate the extension (context creation + load + activate() + ' +
      'returned promise), after the extension host went idle; activateCpuMs: CPU time of the ' +
      'extension host meanwhile. ' +
      'Deferred: firstHealthMs, from the start of ext.activate() to the status bar leaving ' +
      '"connecting"; firstFeatureCommandMs, NSO: Refresh Packages run first in an idle window ' +
      '(loads and sets up dist/features.js, then lists packages); featuresLoadMs, the ' +
      "extension's log line for loading and setting up dist/features.js.",
  };
  const resultsDir = path.join(repoRoot, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, 'activate.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  return result.startupActivationMs.median < targetActivateMs ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error('[bench] error:', e);
    process.exit(2);
  },
);
