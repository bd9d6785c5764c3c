// The NSO status-bar item and the Containers and Health views as a user sees
// them in code-server, following a real NSO production container (simulator
// image) labelled for the workspace the browser has open: no container,
// starting, healthy, its tooltip, an NSO log and the NSO CLI, unhealthy,
// stopped, removed, a package down, a build and the reload after it, and an
// unreachable engine with the recovery once the setting points back. One
// screenshot per state in test-results/ui/health-*.png.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Locator, Page } from '../exthost/harness/browser';
import { docker, dockerOk } from '../helpers/dockerCli';
import { runProdArgs } from '../helpers/prodContainerArgs';
import { uiSession } from './session';
import { collapsePane, expandPane, pane, toast } from './support';
import type { Workbench } from './workbench';

const image = process.env.NSO_SIM_PROD_IMAGE ?? 'nso-sim/cisco-nso-prod:6.4.1';
const buildImage = process.env.NSO_SIM_BUILD_IMAGE ?? 'nso-sim/cisco-nso-build:6.4.1';
const run = `nsowb-healthtest-ui-${process.pid}-${Date.now().toString(36)}`;
const transitionMs = 60_000;
/** A build of the sample's four packages, and the reload after it, on a busy machine. */
const buildMs = 300_000;
const uiTimeoutMs = 30_000;
const statusItemId = 'nso-workbench.nso-workbench.nso.health';

function statusItem(page: Page): Locator {
  return page.locator(`.part.statusbar .statusbar-item[id="${statusItemId}"]`);
}

/** Waits until the NSO status-bar item's text matches, and returns it. */
async function statusShows(page: Page, pattern: RegExp, timeout = transitionMs): Promise<string> {
  await statusItem(page).filter({ hasText: pattern }).waitFor({ state: 'visible', timeout });
  return (await statusItem(page).innerText()).replace(/\u00a0/g, ' ').trim();
}

/**
 * Runs a command from the palette whose handler opens a quick pick of its
 * own at once (so the palette's widget never closes in between).
 */
async function startCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor({ state: 'visible', timeout: uiTimeoutMs });
  await widget.locator('.quick-input-box input').fill(`>${title}`);
  const row = widget
    .locator(`.quick-input-list .monaco-list-row[aria-label=${JSON.stringify(title)}]`)
    .first();
  await row.waitFor({ state: 'visible', timeout: uiTimeoutMs });
  await row.click();
}

/** Picks an entry of an open quick pick by typing its label. */
async function pickInQuickPick(page: Page, label: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor({ state: 'visible', timeout: uiTimeoutMs });
  const input = widget.locator('.quick-input-box input');
  await input.fill(label);
  await widget
    .locator('.quick-input-list .monaco-list-row')
    .filter({ hasText: label })
    .first()
    .waitFor({ state: 'visible', timeout: uiTimeoutMs });
  await input.press('Enter');
}

/** The rows of one pane (view) of the NSO Workbench side bar. */
async function waitForRow(
  p: Locator,
  text: string | RegExp,
  timeout = transitionMs,
): Promise<void> {
  await p.locator('.monaco-list-row').filter({ hasText: text }).first().waitFor({
    state: 'visible',
    timeout,
  });
}

function writePackages(root: string): void {
  const dir = path.join(root, 'broken');
  fs.mkdirSync(path.join(dir, 'python', 'broken'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package-meta-data.xml'),
    [
      '<ncs-package xmlns="http://tail-f.com/ns/ncs-packages">',
      '  <name>broken</name>',
      '  <package-version>1.0</package-version>',
      '  <ncs-min-version>6.0</ncs-min-version>',
      '  <component>',
      '    <name>main</name>',
      '    <application><python-class-name>broken.main.Main</python-class-name></application>',
      '  </component>',
      '</ncs-package>',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(dir, 'python', 'broken', '__init__.py'), '');
  fs.writeFileSync(path.join(dir, 'python', 'broken', 'main.py'), 'class Main(:\n    pass\n');
}

describe('NSO health as a user sees it', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  let page: Page;
  let workspace = '';
  /** code-server is a remote window: machine-scoped settings live in Machine/settings.json. */
  let machineSettings = '';
  let originalSettings: string | undefined;
  /** The machine settings during the tests: the original ones and the build image. */
  let testSettings: Record<string, unknown> = {};
  const prod = `${run}-prod`;
  const broken = `${run}-broken`;
  const packagesDir = fs.mkdtempSync(path.join(os.tmpdir(), `${run}-packages-`));

  const writeMachineSettings = (settings: Record<string, unknown>): void => {
    fs.mkdirSync(path.dirname(machineSettings), { recursive: true });
    fs.writeFileSync(machineSettings, JSON.stringify(settings, null, 2));
  };
  const restoreMachineSettings = (): void => {
    if (!machineSettings) return;
    if (originalSettings === undefined) fs.rmSync(machineSettings, { force: true });
    else fs.writeFileSync(machineSettings, originalSettings);
  };

  const runProd = (name: string, extra: string[]): Promise<string> =>
    dockerOk([
      ...runProdArgs(name, workspace),
      '--health-interval=1s',
      '--health-timeout=2s',
      '--health-retries=2',
      '--health-start-period=60s',
      ...extra,
      image,
    ]);

  before(async () => {
    ({ workbench, workspace } = await uiSession());
    page = workbench.page;
    const present = await docker(['image', 'inspect', image, '--format', '{{.Id}}']);
    assert.equal(present.code, 0, `${image} is missing: build it with bash images/build.sh`);
    // The session keeps its profile next to the workspace copy.
    const userData = path.join(path.dirname(workspace), 'profile', 'user-data');
    assert.ok(fs.existsSync(userData), `the session's user data folder is at ${userData}`);
    machineSettings = path.join(userData, 'Machine', 'settings.json');
    originalSettings = fs.existsSync(machineSettings)
      ? fs.readFileSync(machineSettings, 'utf8')
      : undefined;
    testSettings = {
      ...(JSON.parse(originalSettings ?? '{}') as Record<string, unknown>),
      'nso.buildImage': buildImage,
    };
    writeMachineSettings(testSettings);
    await workbench.openViewContainer('NSO Workbench');
    await workbench.runCommand('NSO: Show NSO Health');
    await expandPane(page, 'Containers');
  });

  after(async () => {
    restoreMachineSettings();
    await docker(['rm', '-f', '-v', prod]);
    await docker(['rm', '-f', '-v', broken]);
    // The build container the build test made for this workspace copy.
    const builders = await docker([
      'ps',
      '-aq',
      '--filter',
      'label=org.nso-workbench.role=build',
      '--filter',
      `label=org.nso-workbench.workspace=${workspace}`,
    ]);
    for (const id of builders.out.split('\n').filter((l) => /^[0-9a-f]+$/.test(l.trim()))) {
      await docker(['rm', '-f', '-v', id.trim()]);
    }
    fs.rmSync(packagesDir, { recursive: true, force: true });
  });

  it('shows "no container" with Start NSO in the Health view', async () => {
    await statusShows(page, /NSO: no container/);
    const health = await expandPane(page, 'Health');
    await waitForRow(health, 'No NSO production container for this workspace');
    await workbench.screenshot('health-no-container');
  });

  it('follows a slow start with a spinner, then healthy', async () => {
    await runProd(prod, ['-e', 'NSO_SIM_START_DELAY=8']);
    const starting = await statusShows(page, /NSO starting \d+ s \/ 60 s/);
    assert.match(starting, /NSO starting/);
    assert.equal(await statusItem(page).locator('.codicon-loading').count(), 1, 'a spinning icon');
    await waitForRow(pane(page, 'Containers'), prod);
    await workbench.screenshot('health-starting');

    await statusShows(page, /NSO 6\.4\.1 healthy/);
    await waitForRow(pane(page, 'Health'), /NSO 6\.4\.1 healthy/);
    await workbench.screenshot('health-healthy');
  });

  it('moves its "… ago" times on by itself', async () => {
    const health = await expandPane(page, 'Health');
    const asked = health.locator('.monaco-list-row').filter({ hasText: /asked \d+ (s|min)/ });
    await asked.first().waitFor({ state: 'visible', timeout: uiTimeoutMs });
    const seen = [await asked.first().innerText()];
    for (let i = 0; i < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 6000));
      seen.push(await asked.first().innerText());
    }
    // NSO is not asked again at idle: only the view's own clock moves the text.
    assert.notEqual(seen[1], seen[0], `after 6 s: ${seen.join(' | ')}`);
    assert.notEqual(seen[2], seen[1], `after 12 s: ${seen.join(' | ')}`);
  });

  it('has a tooltip with the details and command links', async () => {
    await statusItem(page).hover();
    const hover = page.locator('.monaco-hover').filter({ hasText: 'Show Health' });
    await hover.first().waitFor({ state: 'visible', timeout: uiTimeoutMs });
    const text = await hover.first().innerText();
    assert.match(text, new RegExp(`Container ${prod}`));
    assert.match(text, /Open Logs/);
    await workbench.screenshot('health-tooltip');
    await page.keyboard.press('Escape');
    await page.mouse.move(700, 400);
  });

  it('opens ncs.log read-only with the NSO log colours', async () => {
    await startCommand(page, 'NSO: Open NSO Log…');
    await pickInQuickPick(page, prod);
    await pickInQuickPick(page, 'ncs.log');
    await page
      .locator('.tabs-container .tab[data-resource-name="ncs.log"]')
      .first()
      .waitFor({ state: 'visible', timeout: uiTimeoutMs });
    await page
      .locator('.editor-instance .view-lines')
      .filter({ hasText: 'Started' })
      .first()
      .waitFor({ state: 'visible', timeout: uiTimeoutMs });
    await workbench.screenshot('health-nso-log');
  });

  it('opens the NSO CLI in a terminal', async () => {
    await startCommand(page, 'NSO: Open NSO CLI');
    await pickInQuickPick(page, prod);
    await page
      .locator('.part.panel')
      .filter({ hasText: `NSO CLI: ${prod}` })
      .first()
      .waitFor({ state: 'visible', timeout: uiTimeoutMs });
    await page
      .locator('.part.panel .xterm')
      .first()
      .waitFor({ state: 'visible', timeout: uiTimeoutMs });
    await page.keyboard.type('show packages\n');
    await workbench.screenshot('health-nso-cli');
  });

  it('shows a build, then a reload, each with a spinner and its result in Health', async function () {
    this.timeout(3 * buildMs);
    const imagePresent = await docker(['image', 'inspect', buildImage, '--format', '{{.Id}}']);
    assert.equal(
      imagePresent.code,
      0,
      `${buildImage} is missing: build it with bash images/build.sh`,
    );
    // The Health view's rows below the container's and NSO's details must be
    // on screen: the Containers and Backups views make room.
    await collapsePane(page, 'Containers');
    await collapsePane(page, 'Backups');
    const health = await expandPane(page, 'Health');
    await workbench.runCommand('NSO: Build All Packages');
    const building = await statusShows(page, /NSO building \d+ s/);
    assert.match(building, /NSO building/);
    assert.equal(await statusItem(page).locator('.codicon-loading').count(), 1, 'a spinning icon');
    await waitForRow(health, /Building: all packages/);
    await workbench.screenshot('health-building');
    await waitForRow(health, /Last build: 4 packages: 4 built/, buildMs);
    // A good build reloads into the running NSO by itself (nso.reload.afterBuild).
    await waitForRow(health, /Last reload:/, buildMs);
    await statusShows(page, /NSO 6\.4\.1 healthy/, buildMs);

    // Frozen, NSO holds the reload where it is long enough to look at it: it
    // is frozen right before the command runs (the reload itself is quick).
    await page.keyboard.press('F1');
    const palette = page.locator('.quick-input-widget');
    await palette.waitFor({ state: 'visible', timeout: uiTimeoutMs });
    await palette.locator('.quick-input-box input').fill('>NSO: Reload Packages');
    const reloadRow = palette
      .locator('.quick-input-list .monaco-list-row[aria-label="NSO: Reload Packages"]')
      .first();
    await reloadRow.waitFor({ state: 'visible', timeout: uiTimeoutMs });
    await dockerOk(['exec', prod, 'pkill', '-STOP', '-x', 'ncs.smp']);
    try {
      await reloadRow.click();
      await statusShows(page, /NSO reloading \d+ s/);
      await workbench.screenshot('health-reloading');
      assert.equal(
        await statusItem(page).locator('.codicon-loading').count(),
        1,
        'a spinning icon',
      );
      await waitForRow(health, /Reloading: auto/);
      assert.match(await statusItem(page).innerText(), /NSO reloading/);
    } finally {
      await dockerOk(['exec', prod, 'pkill', '-CONT', '-x', 'ncs.smp']);
    }
    await statusShows(page, /NSO 6\.4\.1 healthy/, buildMs);
    await expandPane(page, 'Containers');
  });

  it('turns unhealthy when NSO freezes, with the fixes in the Health view', async () => {
    await dockerOk(['exec', prod, 'pkill', '-STOP', '-x', 'ncs.smp']);
    await statusShows(page, /NSO 6\.4\.1 unhealthy/);
    const health = await expandPane(page, 'Health');
    await waitForRow(health, /Health check failing/);
    await waitForRow(health, /Open ncs\.log/);
    await workbench.screenshot('health-unhealthy');
    await dockerOk(['exec', prod, 'pkill', '-CONT', '-x', 'ncs.smp']);
    await statusShows(page, /NSO 6\.4\.1 healthy/);
  });

  it('says stopped, then removed', async () => {
    // Stopped from the palette while the NSO CLI terminal of the test above is
    // open: the terminal closes first, so VS Code reports no failed process (137).
    const cliTab = page
      .locator('.part.panel')
      .filter({ hasText: `NSO CLI: ${prod}` })
      .first();
    assert.ok(await cliTab.isVisible(), 'the NSO CLI terminal is open before the stop');
    await startCommand(page, 'NSO: Stop Container');
    await pickInQuickPick(page, prod);
    await statusShows(page, /NSO stopped/);
    await cliTab.waitFor({ state: 'hidden', timeout: uiTimeoutMs });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.equal(
      await toast(page, /terminated with exit code/).count(),
      0,
      'no "terminal process terminated" notification',
    );
    await workbench.screenshot('health-stopped');
    await dockerOk(['rm', '-v', prod]);
    await statusShows(page, /NSO: container removed/);
    await workbench.screenshot('health-removed');
  });

  it('names a package that is down, with its error-info', async () => {
    writePackages(packagesDir);
    await runProd(broken, [
      '-e',
      'NSO_SIM_START_DELAY=1',
      '-v',
      `${packagesDir}:/nso/run/packages`,
    ]);
    await statusShows(page, /NSO 6\.4\.1: 1 package down/);
    const health = await expandPane(page, 'Health');
    await waitForRow(health, /Package broken/);
    await workbench.screenshot('health-packages-down');
    await dockerOk(['rm', '-f', '-v', broken]);
    await statusShows(page, /NSO: container removed/);
  });

  it('says where Docker is not reachable and why, then recovers', async () => {
    const nowhere = `unix:///tmp/${run}-nowhere.sock`;
    writeMachineSettings({ ...testSettings, 'nso.docker.host': nowhere });
    await statusShows(page, /NSO: Docker unreachable/);
    const containers = await expandPane(page, 'Containers');
    await waitForRow(containers, `Docker not reachable at ${nowhere}`);
    await waitForRow(containers, 'Retry now');
    await workbench.screenshot('health-docker-unreachable');

    // Pointed back, the views follow the engine again within seconds.
    writeMachineSettings(testSettings);
    await statusShows(page, /NSO: no container/);
    await waitForRow(pane(page, 'Health'), 'No NSO production container for this workspace');
    assert.equal(
      await containers
        .locator('.monaco-list-row')
        .filter({ hasText: 'Docker not reachable' })
        .count(),
      0,
      'the Containers view no longer says Docker is not reachable',
    );
  });
});
