// Start NSO and Reload Packages as a user does in code-server, then the
// deletion modal: a YANG leaf removed from the sample's banner package makes
// NSO refuse the reload; the modal lists `package banner: module banner`,
// Cancel leaves NSO refusing (nothing forced), Force Reload deletes. The
// packages are compiled with the simulator build image; the production
// container, its volumes and network are named nsowb-prodtest-* and removed
// at the end. Screenshots: test-results/ui/reload-*.png.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Locator, Page } from '../exthost/harness/browser';
import {
  compilePackages,
  createTestNetwork,
  prodImage,
  removeContainersAndVolumes,
  removeTestNetwork,
  run,
  testName,
} from '../docker/reloadSupport';
import { uiSession } from './session';
import { toast } from './support';
import type { Workbench } from './workbench';

const uiTimeoutMs = 30_000;
const startTimeoutMs = 300_000;

function statusBarText(page: Page, text: RegExp): Locator {
  return page.locator('.part.statusbar .statusbar-item').filter({ hasText: text }).first();
}

/** The modal dialog showing `message`, its text, and its buttons. */
async function modal(page: Page, message: RegExp) {
  const box = page.locator('.monaco-dialog-box').filter({ hasText: message });
  await box.waitFor({ state: 'visible', timeout: 120_000 });
  const buttons = box.locator('.dialog-buttons .monaco-button');
  const labels: string[] = [];
  for (let i = 0; i < (await buttons.count()); i++) labels.push(await buttons.nth(i).innerText());
  return {
    text: await box.innerText(),
    buttons: labels.map((l) => l.trim()),
    press: async (label: string) => {
      await buttons.filter({ hasText: label }).first().click();
      await box.waitFor({ state: 'hidden', timeout: uiTimeoutMs });
    },
  };
}

/** What NSO itself answers to a plain `packages reload` (never forced). */
async function rawReload(container: string): Promise<string> {
  const r = await run(
    'docker',
    ['exec', '-i', container, 'bash', '-lc', 'ncs_cli -u admin -C'],
    60_000,
    'packages reload\n',
  );
  return r.stdout + r.stderr;
}

/**
 * Runs a command from the palette. The row is found by its text: once used,
 * a command's row is labelled "recently used" as well, which an exact
 * aria-label match would miss.
 */
async function runFromPalette(workbench: Workbench, title: string): Promise<void> {
  const page = workbench.page;
  const row = page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ hasText: title })
    .first();
  for (let look = 0; ; look++) {
    await (await workbench.openCommandPalette()).fill(`>${title}`);
    try {
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      break;
    } catch (e) {
      if (look >= 5) throw e;
      await page.keyboard.press('Escape');
    }
  }
  await row.click();
}

describe('Reload Packages and the deletion modal, as a user sees them', function () {
  this.timeout(900_000);
  let workbench: Workbench;
  let page: Page;
  let workspace = '';
  let network = '';
  let settingsFile = '';
  let originalSettings: string | undefined;
  let yangFile = '';
  let originalYang = '';
  const name = testName('ui');

  before(async function () {
    ({ workbench, workspace } = await uiSession());
    page = workbench.page;
    network = await createTestNetwork();
    await compilePackages(workspace);
    yangFile = path.join(workspace, 'packages', 'banner', 'src', 'yang', 'banner.yang');
    originalYang = fs.readFileSync(yangFile, 'utf8');

    // code-server is a remote window: settings written to its Machine
    // settings.json apply at once (the session keeps its profile next to the
    // workspace copy). Merged with what is there, restored afterwards.
    settingsFile = path.join(
      path.dirname(workspace),
      'profile',
      'user-data',
      'Machine',
      'settings.json',
    );
    originalSettings = fs.existsSync(settingsFile)
      ? fs.readFileSync(settingsFile, 'utf8')
      : undefined;
    const settings = originalSettings
      ? (JSON.parse(originalSettings) as Record<string, unknown>)
      : {};
    Object.assign(settings, {
      'nso.prodImage': prodImage,
      'nso.prod.containerName': name,
      'nso.prod.network': network,
      'nso.prod.healthStartPeriod': 240,
      'nso.reload.afterBuild': false,
    });
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
  });

  after(async function () {
    if ((await page.locator('.monaco-dialog-box').count()) > 0) await page.keyboard.press('Escape');
    if (originalYang) fs.writeFileSync(yangFile, originalYang);
    await removeContainersAndVolumes([name], [`${name}-nso`, `${name}-log`]);
    if (network) await removeTestNetwork(network);
    if (settingsFile) {
      if (originalSettings === undefined) fs.rmSync(settingsFile, { force: true });
      else fs.writeFileSync(settingsFile, originalSettings);
    }
    // Had the settings not applied, Start NSO would have made its default-named container.
    const strays = await run('docker', [
      'ps',
      '-aq',
      '--filter',
      'label=org.nso-workbench.role=prod',
      '--filter',
      `label=org.nso-workbench.workspace=${workspace}`,
      '--filter',
      'name=^nso-prod-',
    ]);
    for (const id of strays.stdout.split('\n').filter(Boolean)) {
      const mounts = await run('docker', [
        'inspect',
        '-f',
        '{{range .Mounts}}{{.Name}} {{end}}',
        id,
      ]);
      await run('docker', ['rm', '-f', id]);
      for (const v of mounts.stdout.trim().split(/\s+/).filter(Boolean)) {
        await run('docker', ['volume', 'rm', '-f', v]);
      }
    }
  });

  it('starts NSO from the palette, asking once for the admin password', async function () {
    // The password box takes the palette's place at once.
    await runFromPalette(workbench, 'NSO: Start NSO');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await page
      .locator('.quick-input-widget')
      .filter({ hasText: 'NSO admin password' })
      .waitFor({ state: 'visible', timeout: uiTimeoutMs });
    assert.equal(await input.getAttribute('type'), 'password', 'the password is not shown');
    await input.fill('ui-secret');
    await page.keyboard.press('Enter');
    await toast(page, new RegExp(`NSO is up in ${name}`)).waitFor({
      state: 'visible',
      timeout: startTimeoutMs,
    });
    await workbench.screenshot('reload-started');
  });

  it('reloads from the palette and shows each package up in the Packages view', async function () {
    await runFromPalette(workbench, 'NSO: Reload Packages');
    await statusBarText(page, /NSO: Reloaded 4 packages/).waitFor({
      state: 'visible',
      timeout: 120_000,
    });
    await workbench.openViewContainer('NSO Workbench');
    const rows = page.locator('.part.sidebar .monaco-list-row').filter({ hasText: /NSO: up/ });
    await rows.nth(3).waitFor({ state: 'visible', timeout: uiTimeoutMs });
    assert.equal(await rows.count(), 4);
    await workbench.screenshot('reload-packages-up');
  });

  it('lists exactly what would be deleted in a modal; Cancel forces nothing', async function () {
    const leaf = /\n(\s*)leaf text \{[\s\S]*?\n\1\}\n/.exec(originalYang);
    assert.ok(leaf, 'banner.yang has a leaf text');
    fs.writeFileSync(yangFile, originalYang.replace(leaf[0], '\n'));
    await compilePackages(workspace, 'banner');

    await runFromPalette(workbench, 'NSO: Reload Packages');
    const dialog = await modal(page, /would delete a YANG module/);
    assert.match(dialog.text, /package banner: module banner/);
    assert.deepEqual(
      dialog.text.split('\n').filter((l) => /^package \S+: module \S+$/.test(l.trim())),
      ['package banner: module banner'],
      'one line per package and module, nothing else',
    );
    assert.ok(dialog.buttons.includes('Force Reload'), dialog.buttons.join(', '));
    assert.ok(dialog.buttons.includes('Cancel'), dialog.buttons.join(', '));
    await workbench.screenshot('reload-deletion-modal');
    await dialog.press('Cancel');

    assert.match(
      await rawReload(name),
      /The following modules will be deleted by upgrade:\nbanner: banner/,
      'after Cancel NSO still has the module: nothing was forced',
    );
  });

  it('deletes them only after Force Reload', async function () {
    // The status-bar message of the earlier reload lasts 8 s: let it go, so that the one
    // awaited below is the forced reload's.
    await statusBarText(page, /NSO: Reloaded/).waitFor({ state: 'hidden', timeout: 20_000 });
    await runFromPalette(workbench, 'NSO: Reload Packages');
    const dialog = await modal(page, /would delete a YANG module/);
    await dialog.press('Force Reload');
    await statusBarText(page, /NSO: Reloaded 4 packages/).waitFor({
      state: 'visible',
      timeout: 120_000,
    });
    const after = await rawReload(name);
    assert.doesNotMatch(after, /will be deleted/);
    assert.match(after, /reload-result \{\n {4}package banner\n {4}result true/);
    await workbench.screenshot('reload-forced');
  });
});
