// A real build in the simulator build container, seen from the status bar and
// the Health view: the status bar says "building" with a spinner while make
// runs, and afterwards the Health view carries the last build's result (a
// failed one as a problem naming the package, a good one clearing it).
// Read through the `nso.health.snapshot` command, which returns what the user sees.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';

import type { NsoStatusSnapshot } from '../../src/extension/health/setup';
import { bannerYang, simBuildImage, useBuildImage, withUnknownPrefix } from './support';

const buildTimeoutMs = 240_000;

interface Report {
  status: string;
  packages: { name: string; status: string }[];
}

function snapshot(): Promise<NsoStatusSnapshot> {
  return vscode.commands.executeCommand<NsoStatusSnapshot>(
    'nso.health.snapshot',
  ) as Promise<NsoStatusSnapshot>;
}

/**
 * Runs a build of one package and records every status-bar text and Health
 * view activity row seen while it runs (sampled every 50 ms).
 */
async function buildWatching(
  file: string,
): Promise<{ report: Report; texts: Set<string>; activityRows: Set<string>; states: Set<string> }> {
  const texts = new Set<string>();
  const activityRows = new Set<string>();
  const states = new Set<string>();
  let done = false;
  const building = Promise.resolve(
    vscode.commands.executeCommand<Report>('nso.build.package', vscode.Uri.file(file)),
  ).finally(() => {
    done = true;
  });
  while (!done) {
    const s = await snapshot();
    texts.add(s.statusBar.text);
    states.add(s.health.state);
    for (const row of s.healthView) if (/^Building/.test(row.label)) activityRows.add(row.label);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { report: await building, texts, activityRows, states };
}

describe('A build in the status bar and the Health view', function () {
  this.timeout(buildTimeoutMs * 2);
  let original = '';

  before(async function () {
    await useBuildImage(simBuildImage);
    original = fs.readFileSync(bannerYang(), 'utf8');
  });

  after(async function () {
    if (original) fs.writeFileSync(bannerYang(), original);
    await vscode.commands.executeCommand<number>('nso.build.removeContainer');
  });

  it('shows "building" with a spinner while make runs, then the failed build in Health', async function () {
    const before = await snapshot();
    assert.notEqual(before.health.state, 'building');
    fs.writeFileSync(bannerYang(), withUnknownPrefix(original).text);

    const seen = await buildWatching(bannerYang());
    assert.equal(seen.report.status, 'failed', JSON.stringify(seen.report));
    assert.ok(seen.states.has('building'), `states seen: ${[...seen.states].join(', ')}`);
    const buildingTexts = [...seen.texts].filter((t) => /NSO building \d+ s/.test(t));
    assert.ok(buildingTexts.length > 0, `status-bar texts seen: ${[...seen.texts].join(' | ')}`);
    for (const t of buildingTexts) assert.match(t, /^\$\(loading~spin\) /, 'a spinning icon');
    assert.ok(
      [...seen.activityRows].some((r) => r === 'Building: banner'),
      `Health view activity rows: ${[...seen.activityRows].join(' | ')}`,
    );

    const after = await snapshot();
    assert.notEqual(after.health.state, 'building');
    assert.doesNotMatch(after.statusBar.text, /building/);
    assert.equal(after.health.lastBuild?.ok, false);
    assert.deepEqual(
      after.health.lastBuild?.packages?.map((p) => [p.name, p.ok]),
      [['banner', false]],
    );
    assert.match(after.health.lastBuild?.packages?.[0]?.message ?? '', /banner\.yang:\d+/);
    const problem = after.health.problems.find((p) => p.id === 'build');
    assert.ok(problem, `problems: ${JSON.stringify(after.health.problems)}`);
    assert.match(problem.message, /^Last build failed: 1 package: 1 failed/);
    const row = after.healthView.find((n) => n.label.startsWith('Last build:'));
    assert.ok(row, `Health view: ${JSON.stringify(after.healthView)}`);
    assert.ok(
      row.children.some((c) => /^banner — .*nosuchprefix/.test(c)),
      JSON.stringify(row.children),
    );
    assert.match(after.statusBar.tooltip, /Last build/);
  });

  it('replaces it with the good build once the package is fixed', async function () {
    fs.writeFileSync(bannerYang(), original);
    const seen = await buildWatching(bannerYang());
    assert.equal(seen.report.status, 'succeeded', JSON.stringify(seen.report));
    assert.ok(seen.states.has('building'), `states seen: ${[...seen.states].join(', ')}`);
    const after = await snapshot();
    assert.equal(after.health.lastBuild?.ok, true);
    assert.deepEqual(
      after.health.lastBuild?.packages?.map((p) => [p.name, p.ok]),
      [['banner', true]],
    );
    assert.equal(
      after.health.problems.find((p) => p.id === 'build'),
      undefined,
    );
    const row = after.healthView.find((n) => n.label.startsWith('Last build:'));
    assert.match(row?.label ?? '', /^Last build: 1 package: 1 built in \d+\.\d s\.$/);
  });

  it('keeps the last build when an nso task names a package that is not there', async function () {
    const before = await snapshot();
    assert.equal(before.health.lastBuild?.ok, true, 'the good build of the test before');
    const provided = (await vscode.tasks.fetchTasks({ type: 'nso' })).find(
      (t) => !t.definition['clean'] && !t.definition['package'],
    );
    assert.ok(provided?.execution, 'the provided nso build task');
    // As tasks.json would have it: the provider's execution with this definition.
    const task = new vscode.Task(
      { type: 'nso', task: 'build', package: 'nosuchpkg' },
      provided.scope ?? vscode.TaskScope.Workspace,
      'build nosuchpkg',
      'nso',
      provided.execution,
    );
    const ended = new Promise<number | undefined>((resolve) => {
      const sub = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution.task.name !== 'build nosuchpkg') return;
        sub.dispose();
        resolve(e.exitCode);
      });
    });
    await vscode.tasks.executeTask(task);
    assert.equal(await ended, 1, 'the task still fails');
    const after = await snapshot();
    assert.deepEqual(after.health.lastBuild, before.health.lastBuild);
    const row = after.healthView.find((n) => n.label.startsWith('Last build:'));
    assert.match(row?.label ?? '', /^Last build: 1 package: 1 built in \d+\.\d s\.$/);
  });
});
