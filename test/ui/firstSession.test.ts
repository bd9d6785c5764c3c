// A new user's first session, clicked through in code-server: the "Get
// started with NSO Workbench" walkthrough from a workspace with no NSO
// container to a reloaded package, following its steps in order — find the
// images, pick them, Start NSO (admin password typed once), Build and Reload,
// NSO CLI, a backup, ncs.conf. Each step must show its checkmark, and each
// real result is checked where it lives (docker inspect, the status bar, the
// Backups view, the editor). The NSO images are the simulator's, already
// loaded; no setting is changed from its default. The containers and volumes
// Start NSO and the build create carry the workspace's label and are removed
// at the end. Screenshots: test-results/ui/first-session-NN-*.png.

import * as assert from 'node:assert/strict';

import type { Locator, Page } from '../exthost/harness/browser';
import { roleLabel, workspaceLabel } from '../../src/core/nso/labels';
import { docker as dockerCli, dockerOk, type DockerCliResult } from '../helpers/dockerCli';
import { closeUiSession, uiSession } from './session';
import { expandPane, toast } from './support';
import type { Workbench } from './workbench';

const uiTimeoutMs = 30_000;
const startTimeoutMs = 300_000;
const buildTimeoutMs = 300_000;
const prodImage = process.env.NSO_SIM_PROD_IMAGE ?? 'nso-sim/cisco-nso-prod:6.4.1';
const buildImage = process.env.NSO_SIM_BUILD_IMAGE ?? 'nso-sim/cisco-nso-build:6.4.1';

/** Each docker call of this suite may take two minutes. */
const dockerTimeoutMs = 120_000;
const docker = (args: string[]): Promise<DockerCliResult> => dockerCli(args, dockerTimeoutMs);
const dockerOut = (args: string[]): Promise<string> => dockerOk(args, dockerTimeoutMs);

/** The ids of the workspace's containers (every role), as the engine lists them. */
async function workspaceContainers(workspace: string, role?: string): Promise<string[]> {
  const filters = ['--filter', `label=${workspaceLabel}=${workspace}`];
  if (role) filters.push('--filter', `label=${roleLabel}=${role}`);
  return (await dockerOut(['ps', '-aq', ...filters])).split('\n').filter(Boolean);
}

async function clearNotifications(workbench: Workbench): Promise<void> {
  await runFromPalette(workbench, 'Notifications: Clear All Notifications');
}

/**
 * Runs a command from the palette, finding its row by text: once used, a
 * command's row is labelled "recently used" too.
 */
async function runFromPalette(workbench: Workbench, title: string): Promise<void> {
  const page = workbench.page;
  const row = page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ hasText: title })
    .first();
  // The palette can open over a page that is still settling (a terminal or the walkthrough
  // taking the focus back), which leaves its input inert or its rows moving: close it and
  // open it again.
  for (let look = 0; ; look++) {
    try {
      await (await workbench.openCommandPalette()).fill(`>${title}`, { timeout: 5_000 });
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      await row.click({ timeout: 5_000 });
      return;
    } catch (e) {
      if (look >= 5) throw e;
      await page.keyboard.press('Escape');
    }
  }
}

/**
 * Picks the row of the open quick pick whose label is exactly `label` (its
 * accessible label is the label, then the description and detail, if any).
 */
async function pickExactly(page: Page, label: string, timeoutMs = uiTimeoutMs): Promise<void> {
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (let i = 0; i < (await rows.count()); i++) {
      const aria = (await rows.nth(i).getAttribute('aria-label')) ?? '';
      // The widget keeps rows of earlier picks in lists it hides: only a shown row counts.
      if ((aria === label || aria.startsWith(`${label}, `)) && (await rows.nth(i).isVisible())) {
        await rows.nth(i).click();
        return;
      }
    }
    if (Date.now() > deadline) {
      const seen: string[] = [];
      for (let i = 0; i < (await rows.count()); i++) {
        seen.push((await rows.nth(i).getAttribute('aria-label')) ?? '');
      }
      assert.fail(`no quick pick row labelled ${label}: ${JSON.stringify(seen)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The walkthrough page's step (its title button, which holds its description and buttons). */
function step(page: Page, id: string): Locator {
  return page.locator(`button.getting-started-step[data-step-id$="#${id}"]`);
}

/** Whether the step shows its checkmark. */
function stepDone(page: Page, id: string): Locator {
  return page.locator(`[data-done-step-id$="#${id}"].complete[aria-checked="true"]`).first();
}

async function openWalkthrough(workbench: Workbench): Promise<void> {
  await runFromPalette(workbench, 'Welcome: Open Walkthrough...');
  await pickExactly(workbench.page, 'Get started with NSO Workbench');
  await step(workbench.page, 'images').waitFor({ state: 'visible', timeout: uiTimeoutMs });
}

/** Opens the step (when closed) and clicks one of its buttons. */
async function clickStepButton(page: Page, id: string, button: string): Promise<void> {
  const s = step(page, id);
  if ((await s.getAttribute('aria-expanded')) !== 'true') await s.click();
  await s
    .locator('.button-container .monaco-button')
    .filter({ hasText: button })
    .first()
    .click({ timeout: uiTimeoutMs });
}

/** Shows the NSO Workbench side bar (its activity-bar icon would hide it when shown). */
async function showNsoSideBar(workbench: Workbench): Promise<void> {
  const title = workbench.page
    .locator('.part.sidebar .composite.title')
    .filter({ hasText: 'NSO Workbench' });
  if ((await title.count()) > 0 && (await title.first().isVisible())) return;
  await workbench.openViewContainer('NSO Workbench');
}

/**
 * Clicks a step's button whose command asks with a quick pick, and answers it.
 * The walkthrough page can take the focus back right after the click (it
 * re-renders when a context key changes), which closes the pick: then again.
 */
async function stepButtonWithPick(
  page: Page,
  id: string,
  button: string,
  answer: () => Promise<void>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await clickStepButton(page, id, button);
    try {
      await answer();
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

const stepIds = [
  'images',
  'pickImages',
  'startNso',
  'buildAndReload',
  'openCli',
  'backup',
  'ncsConf',
];

describe("A new user's first session, through the walkthrough", function () {
  this.timeout(900_000);
  let workbench: Workbench;
  let page: Page;
  let workspace = '';
  let prod = '';

  before(async () => {
    ({ workbench, workspace } = await uiSession());
    page = workbench.page;
    for (const image of [prodImage, buildImage]) {
      const present = await docker(['image', 'inspect', image, '--format', '{{.Id}}']);
      assert.equal(present.code, 0, `${image} is missing: build it with bash images/build.sh`);
    }
    assert.deepEqual(
      await workspaceContainers(workspace),
      [],
      'no NSO container of this workspace yet',
    );
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await workbench.screenshot('first-session-failed').catch(() => undefined);
  });

  after(async () => {
    if (!workspace) return;
    // The extension goes first, so that nothing it still runs (a build) creates a container after this.
    await closeUiSession();
    // Everything Start NSO and the build made for this workspace carries its label.
    for (const id of await workspaceContainers(workspace)) await docker(['rm', '-f', id]);
    const volumes = await docker([
      'volume',
      'ls',
      '-q',
      '--filter',
      `label=${workspaceLabel}=${workspace}`,
    ]);
    for (const v of volumes.out.split('\n').filter(Boolean)) {
      await docker(['volume', 'rm', '-f', v]);
    }
  });

  it('opens the walkthrough with every step to do', async () => {
    await openWalkthrough(workbench);
    for (const id of stepIds) {
      await step(page, id).waitFor({ state: 'visible', timeout: uiTimeoutMs });
      assert.equal(await stepDone(page, id).count(), 0, `${id} is not done yet`);
    }
    await workbench.screenshot('first-session-01-walkthrough');
  });

  it('finds the loaded images, which also settles the image choice', async () => {
    await clearNotifications(workbench);
    const s = step(page, 'images');
    await s.click();
    await s.locator('a').filter({ hasText: 'Look for NSO Images' }).first().click();
    await toast(page, /NSO images: build .*cisco-nso-build.*, production .*cisco-nso-prod/).waitFor(
      {
        state: 'visible',
        timeout: uiTimeoutMs,
      },
    );
    await stepDone(page, 'images').waitFor({ timeout: uiTimeoutMs });
    await stepDone(page, 'pickImages').waitFor({ timeout: uiTimeoutMs });
    await workbench.screenshot('first-session-02-images');

    await clickStepButton(page, 'pickImages', 'Choose Images in Settings');
    await page
      .locator('.settings-editor .setting-item-contents')
      .filter({ hasText: 'Prod Image' })
      .first()
      .waitFor({ state: 'visible', timeout: uiTimeoutMs });
    await workbench.screenshot('first-session-03-pick-images');
    // The settings editor opens over the workbench: closed, the walkthrough is back.
    // Escape in its search box may clear the search first; the next one closes it.
    const settings = page.locator('.settings-editor').first();
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('Escape');
      const closed = await settings.waitFor({ state: 'hidden', timeout: 3_000 }).then(
        () => true,
        () => false,
      );
      if (closed) break;
      assert.ok(attempt < 5, 'the settings editor closes with Escape');
    }
  });

  it('starts NSO, asking once for the admin password, until the container is healthy', async () => {
    await clearNotifications(workbench);
    await openWalkthrough(workbench);
    await clickStepButton(page, 'startNso', 'Start NSO');
    const box = page.locator('.quick-input-widget').filter({ hasText: 'NSO admin password' });
    await box.waitFor({ state: 'visible', timeout: uiTimeoutMs });
    const input = box.locator('.quick-input-box input');
    assert.equal(await input.getAttribute('type'), 'password', 'the password is not shown');
    await input.fill('first-session-secret');
    await input.press('Enter');
    await toast(page, /NSO is up in /).waitFor({ state: 'visible', timeout: startTimeoutMs });

    await stepDone(page, 'startNso').waitFor({ timeout: startTimeoutMs });
    const ids = await workspaceContainers(workspace, 'prod');
    assert.equal(ids.length, 1, 'one production container for the workspace');
    prod = await dockerOut(['inspect', '-f', '{{.Name}}', ids[0]!]);
    prod = prod.replace(/^\//, '');
    assert.equal(
      await dockerOut(['inspect', '-f', '{{.State.Health.Status}}', prod]),
      'healthy',
      'the container Docker reports healthy',
    );
    await workbench.screenshot('first-session-04-nso-healthy');
  });

  it('builds and reloads every package, then shows them up', async () => {
    await clearNotifications(workbench);
    await clickStepButton(page, 'buildAndReload', 'Build and Reload');
    // The result of a successful reload is a status-bar message.
    await page
      .locator('.part.statusbar .statusbar-item')
      .filter({ hasText: /NSO: Reloaded 4 packages/ })
      .first()
      .waitFor({ state: 'visible', timeout: buildTimeoutMs });
    await workbench.screenshot('first-session-05-reloaded');
    await stepDone(page, 'buildAndReload').waitFor({ timeout: uiTimeoutMs });
    assert.equal((await workspaceContainers(workspace, 'build')).length, 1, 'a build container');

    await showNsoSideBar(workbench);
    const packages = await expandPane(page, 'Packages');
    const up = packages.locator('.monaco-list-row').filter({ hasText: /NSO: up/ });
    await up.nth(3).waitFor({ state: 'visible', timeout: uiTimeoutMs });
    assert.equal(await up.count(), 4, 'the four sample packages are up');
    const health = await expandPane(page, 'Health');
    await health
      .locator('.monaco-list-row')
      .filter({ hasText: /4 packages up/ })
      .first()
      .waitFor({ state: 'visible', timeout: uiTimeoutMs });
    await workbench.screenshot('first-session-06-packages-up');
  });

  it('opens the NSO CLI in a terminal', async () => {
    await openWalkthrough(workbench);
    const terminal = page
      .locator('.part.panel')
      .filter({ hasText: `NSO CLI: ${prod}` })
      .first();
    // The walkthrough page can take the focus back right after the click,
    // which closes the command's container pick: then the button again.
    for (let attempt = 1; ; attempt++) {
      await clickStepButton(page, 'openCli', 'Open NSO CLI');
      // With more than one running container the command asks which one.
      const picker = page.locator('.quick-input-widget:has(input[placeholder="NSO containers"])');
      const asked = await picker.waitFor({ state: 'visible', timeout: 3_000 }).then(
        () => true,
        () => false,
      );
      if (asked) {
        const input = picker.locator('.quick-input-box input');
        await input.fill(prod, { timeout: 5_000 }).catch(() => undefined);
        await input.press('Enter', { timeout: 5_000 }).catch(() => undefined);
      }
      const opened = await terminal.waitFor({ state: 'visible', timeout: 10_000 }).then(
        () => true,
        () => false,
      );
      if (opened) break;
      assert.ok(attempt < 3, 'the NSO CLI terminal opens');
      await page.keyboard.press('Escape');
    }
    await page.locator('.part.panel .xterm').first().waitFor({ timeout: uiTimeoutMs });
    await page.keyboard.type('show packages\n');
    await workbench.screenshot('first-session-07-cli');
    // Give the focus back to the editors: the next steps use the command palette.
    await page.keyboard.press('Control+1');
    // Its checkmark is read when the walkthrough is opened next (the backup step): the page
    // may not redraw while the terminal has the focus.
  });

  it('takes a backup and lists it in the Backups view', async () => {
    await clearNotifications(workbench);
    await openWalkthrough(workbench);
    await stepDone(page, 'openCli').waitFor({ state: 'attached', timeout: uiTimeoutMs });
    await clickStepButton(page, 'backup', 'Take Backup');
    await toast(page, /Backup ncs-6\.4\.1@.* created in /).waitFor({
      state: 'visible',
      timeout: 120_000,
    });
    await stepDone(page, 'backup').waitFor({ timeout: uiTimeoutMs });
    const files = await dockerOut(['exec', prod, 'ls', '/nso/run/backups']);
    assert.match(files, /ncs-6\.4\.1@\S+\.backup\.gz/, 'ncs-backup wrote the file');

    await showNsoSideBar(workbench);
    const backups = await expandPane(page, 'Backups');
    await backups
      .locator('.monaco-list-row')
      .filter({ hasText: /NSO 6\.4\.1/ })
      .first()
      .waitFor({ state: 'visible', timeout: 60_000 });
    await workbench.screenshot('first-session-08-backup');
  });

  it('opens ncs.conf, and every step shows its checkmark', async () => {
    await openWalkthrough(workbench);
    // The session's workspace has two (the sample's and a broken one): the command asks.
    await stepButtonWithPick(page, 'ncsConf', 'Open ncs.conf', () =>
      pickExactly(page, 'ncs.conf', 5_000),
    );
    await page
      .locator('.tabs-container .tab[data-resource-name="ncs.conf"]')
      .first()
      .waitFor({ state: 'visible', timeout: uiTimeoutMs });
    await page
      .locator('.editor-instance .view-lines')
      .filter({ hasText: 'ncs-config' })
      .first()
      .waitFor({ state: 'visible', timeout: uiTimeoutMs });
    await workbench.screenshot('first-session-09-ncs-conf');

    await openWalkthrough(workbench);
    for (const id of stepIds) {
      await stepDone(page, id).waitFor({ timeout: uiTimeoutMs });
    }
    await workbench.screenshot('first-session-10-all-done');
  });
});
