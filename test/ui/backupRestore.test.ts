// The Backups view as a user clicks through it in code-server: take a backup,
// restore it through the confirmation dialog, and recover from a restore
// whose one-off container was killed half-way. Screenshots go to
// test-results/ui/backups-*.png. The production container is a real NSO
// simulator container labelled for the workspace the browser has open.

import * as assert from 'node:assert/strict';

import type { Locator, Page } from '../exthost/harness/browser';
import { workbenchLabels } from '../../src/core/nso/labels';
import {
  cleanup,
  createVolume,
  devices,
  dockerOk,
  eventually,
  killRestoreWhileUnpacking,
  setDevice,
  startNso,
} from '../docker/backupSupport';
import { uiSession } from './session';
import { toast } from './support';
import type { Workbench } from './workbench';

const uiTimeoutMs = 30_000;
const restoreTimeoutMs = 180_000;

/**
 * Playwright's locators can do more than the harness declares; these two are
 * all this test adds (right click, hover).
 */
interface Pointer {
  click(options?: { button?: 'left' | 'right'; timeout?: number }): Promise<void>;
  hover(options?: { timeout?: number }): Promise<void>;
}
const pointer = (locator: Locator): Pointer => locator;

/** The Backups pane of the NSO Workbench side bar. */
function backupsPane(page: Page): Locator {
  return page.locator('.part.sidebar .pane:has(.pane-header h3.title:text-is("Backups"))');
}

async function expandBackups(page: Page): Promise<Locator> {
  const pane = backupsPane(page);
  const header = pane.locator('.pane-header').first();
  await header.waitFor({ state: 'visible', timeout: uiTimeoutMs });
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  return pane;
}

async function collapseBackups(page: Page): Promise<void> {
  const header = backupsPane(page).locator('.pane-header').first();
  if ((await header.count()) > 0 && (await header.getAttribute('aria-expanded')) === 'true') {
    await header.click();
  }
}

async function rowLabels(pane: Locator): Promise<string[]> {
  const rows = pane.locator('.monaco-list-row');
  const labels: string[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    labels.push((await rows.nth(i).getAttribute('aria-label')) ?? '');
  }
  return labels;
}

/** The newest backup row (the view lists newest first). */
function newestBackup(pane: Locator): Locator {
  return pane
    .locator('.monaco-list-row')
    .filter({ hasText: /NSO 6\.4\.1/ })
    .first();
}

/** Clicks a title action of the Backups pane by its tooltip. */
async function paneAction(page: Page, title: string): Promise<void> {
  const pane = backupsPane(page);
  await pointer(pane.locator('.pane-header').first()).hover();
  await pane
    .locator(`.pane-header .action-label[aria-label^=${JSON.stringify(title)}]`)
    .click({ timeout: uiTimeoutMs });
}

/**
 * Clicks a row's inline action (the icon shown when the pointer is over the
 * row). The inline action is used rather than the context menu: a menu entry's
 * click starts the command but code-server may leave the menu drawn over the
 * dialog that follows, and any key to dismiss it would dismiss the dialog too.
 */
async function rowAction(row: Locator, title: string): Promise<void> {
  const action = row
    .locator(`.actions .action-label[aria-label^=${JSON.stringify(title)}]`)
    .first();
  // A refresh of the tree re-renders the row and takes the hover away, which
  // hides the action again: then hover once more. A failed click runs nothing.
  for (let attempt = 1; ; attempt++) {
    try {
      await pointer(row).hover({ timeout: uiTimeoutMs });
      await action.click({ timeout: 5000 });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** The modal dialog, once shown: its text, and a way to press one of its buttons. */
async function dialog(page: Page, message: RegExp, timeoutMs = uiTimeoutMs) {
  const box = page.locator('.monaco-dialog-box').filter({ hasText: message });
  await box.waitFor({ state: 'visible', timeout: timeoutMs });
  return {
    text: () => box.innerText(),
    press: async (button: string) => {
      await box
        .locator('.dialog-buttons .monaco-button')
        .filter({ hasText: button })
        .first()
        .click();
      await box.waitFor({ state: 'hidden', timeout: uiTimeoutMs });
    },
  };
}

async function waitForToast(
  page: Page,
  text: RegExp,
  timeoutMs = restoreTimeoutMs,
): Promise<string> {
  await toast(page, text).waitFor({ state: 'visible', timeout: timeoutMs });
  return toast(page, text).innerText();
}

describe('Backups view: restoring a backup as a user does', function () {
  this.timeout(600_000);
  let workbench: Workbench;
  let page: Page;
  let nso = '';

  before(async () => {
    const session = await uiSession();
    workbench = session.workbench;
    page = workbench.page;
    const volume = await createVolume('ui');
    nso = await startNso('ui', [
      '-v',
      `${volume}:/nso`,
      ...Object.entries(workbenchLabels('prod', session.workspace)).flatMap(([k, v]) => [
        '--label',
        `${k}=${v}`,
      ]),
    ]);
    await setDevice(nso, 'ui1', '203.0.113.1');
  });

  beforeEach(async () => {
    // Toasts of an earlier step must not be mistaken for this one's.
    const input = await workbench.openCommandPalette();
    await input.fill('>Notifications: Clear All Notifications');
    await page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ hasText: 'Clear All Notifications' })
      .first()
      .waitFor({ state: 'visible', timeout: uiTimeoutMs });
    await input.press('Enter');
    await toast(page, /./).waitFor({ state: 'hidden', timeout: uiTimeoutMs });
  });

  after(async () => {
    // Leave the workbench as the other UI tests expect it: no dialog open, no Backups rows showing.
    if ((await page.locator('.monaco-dialog-box').count()) > 0) await page.keyboard.press('Escape');
    await collapseBackups(page).catch(() => undefined);
    await cleanup();
  });

  it('takes a backup from the view title and lists it with its NSO version', async () => {
    await workbench.openViewContainer('NSO Workbench');
    const pane = await expandBackups(page);
    await pane
      .locator('.monaco-list-row, .welcome-view-content')
      .first()
      .waitFor({ timeout: uiTimeoutMs });
    await paneAction(page, 'Take Backup');
    await waitForToast(page, /Backup ncs-6\.4\.1@.*created in/, 60_000);
    await eventually(
      () => rowLabels(pane),
      (l) => l.some((x) => /^ncs-6\.4\.1@/.test(x)),
      'the backup row',
      30_000,
    );
    const row = newestBackup(pane);
    assert.match(await row.innerText(), /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[\s\S]*NSO 6\.4\.1/);
    // The production container is a row of its own, with an icon and a short
    // state, and the backups are its children (aligned under it).
    const containerRow = pane
      .locator('.monaco-list-row[aria-level="1"]')
      .filter({ hasText: nso })
      .first();
    await containerRow.waitFor({ timeout: uiTimeoutMs });
    assert.match(await containerRow.innerText(), new RegExp(`^${nso}\\s*running$`));
    assert.equal(
      await containerRow.locator('.codicon-vm-running').count(),
      1,
      'the container row has its icon',
    );
    assert.equal(await row.getAttribute('aria-level'), '2', 'the backup is under the container');
    await workbench.screenshot('backups-view');

    // A file not named as ncs-backup names it is listed, and counted in the title.
    const header = pane.locator('.pane-header');
    await eventually(
      () => header.innerText(),
      (t) => /\b1 backup\b/.test(t),
      'the count',
      30_000,
    );
    const backupName = (await dockerOk(['exec', nso, 'ls', '/nso/run/backups']))
      .split('\n')
      .find((n) => n.startsWith('ncs-'));
    assert.ok(backupName, 'the backup file is there');
    const copy = '/nso/run/backups/copy of it.backup.gz';
    await dockerOk(['exec', nso, 'cp', `/nso/run/backups/${backupName}`, copy]);
    try {
      await paneAction(page, 'Refresh Backups');
      await eventually(
        () => header.innerText(),
        (t) => /\b1 backup, 1 other file\b/.test(t),
        'the count with the other file',
        30_000,
      );
    } finally {
      await dockerOk(['exec', nso, 'rm', '-f', copy]);
      await paneAction(page, 'Refresh Backups');
    }
  });

  it('restores it through the confirmation dialog, with a safety backup first', async () => {
    await setDevice(nso, 'ui1', '203.0.113.99');
    await setDevice(nso, 'ui2', '203.0.113.2');
    const pane = await expandBackups(page);
    await rowAction(newestBackup(pane), 'Restore Backup…');

    const confirm = await dialog(page, /Restore ncs-6\.4\.1@.* into /, 60_000);
    const text = await confirm.text();
    assert.match(text, /\/nso\/run is moved to \/nso\/run\.old/);
    assert.match(text, /Back Up First, Then Restore/);
    assert.match(text, /Restore Without Safety Backup/);
    await workbench.screenshot('backups-restore-confirm');
    await confirm.press('Back Up First, Then Restore');

    await toast(page, /Restoring ncs-6\.4\.1@/).waitFor({ state: 'visible', timeout: uiTimeoutMs });
    await workbench.screenshot('backups-restore-progress');
    const done = await waitForToast(page, /Restored ncs-6\.4\.1@.*NSO is healthy/);
    assert.match(done, /kept in \/nso\/run\.old/);
    assert.match(done, /Safety backup: ncs-6\.4\.1@/);
    await workbench.screenshot('backups-restore-done');

    const now = await devices(nso);
    assert.match(now, /device ui1\n address 203\.0\.113\.1\n/);
    assert.doesNotMatch(now, /ui2/);
    await dockerOk(['exec', nso, 'test', '-d', '/nso/run.old/cdb']);
    // The safety backup shows up in the view beside the restored one.
    await eventually(
      () => rowLabels(pane),
      (labels) => labels.filter((l) => /^ncs-6\.4\.1@/.test(l)).length >= 2,
      'two backups listed',
      30_000,
    );
  });

  it('shows where everything is when the restore container is killed, and resumes', async () => {
    await dockerOk([
      'exec',
      nso,
      'bash',
      '-c',
      'mkdir -p /nso/run/many && cd /nso/run/many && seq 1 8000 | xargs touch',
    ]);
    const pane = await expandBackups(page);
    await paneAction(page, 'Take Backup');
    await waitForToast(page, /Backup ncs-6\.4\.1@.*created in/, 120_000);
    await setDevice(nso, 'ui3', '203.0.113.3');
    await eventually(
      () => rowLabels(pane),
      (l) => l.filter((x) => /^ncs-6\.4\.1@/.test(x)).length >= 3,
      'three backups',
      30_000,
    );
    await rowAction(newestBackup(pane), 'Restore Backup…');
    const confirm = await dialog(page, /Restore ncs-6\.4\.1@.* into /, 60_000);
    await confirm.press('Restore Without Safety Backup');

    // Kill the one-off container once ncs-backup is unpacking.
    assert.ok(await killRestoreWhileUnpacking(nso), 'killed while unpacking');

    const failed = await dialog(
      page,
      /stopped at "Running ncs-backup --restore"/,
      restoreTimeoutMs,
    );
    const text = await failed.text();
    assert.match(text, /the restore container stopped while ncs-backup --restore was running/);
    assert.match(text, /Where things are now:/);
    // The production container was removed (its configuration recorded) before the restore ran.
    assert.match(text, /does not exist any more; its configuration is recorded in/);
    assert.match(text, /Recreate Container/);
    assert.match(text, /half-unpacked copy left by ncs-backup/);
    assert.match(text, /saved in .*restore-.*\.json/);
    assert.match(text, /Resume Restore/);
    await workbench.screenshot('backups-restore-failed');
    await failed.press('Resume Restore');

    await waitForToast(page, /Restored ncs-6\.4\.1@.*NSO is healthy/);
    await workbench.screenshot('backups-restore-resumed');
    const now = await devices(nso);
    assert.match(now, /ui1\n address 203\.0\.113\.1\n/);
    assert.doesNotMatch(now, /ui3/);
  });

  it('follows the container stopping: one short row, the helper container said in its tooltip', async () => {
    const pane = await expandBackups(page);
    const containerRow = pane
      .locator('.monaco-list-row[aria-level="1"]')
      .filter({ hasText: nso })
      .first();
    await containerRow.waitFor({ timeout: uiTimeoutMs });
    // Stopped behind the view's back: the container watcher's event refreshes it.
    await dockerOk(['stop', nso]);
    await eventually(
      () => containerRow.innerText(),
      (t) => new RegExp(`^${nso}\\s*stopped$`).test(t),
      'the container row to say stopped',
      60_000,
    );
    assert.equal(await containerRow.locator('.codicon-vm-outline').count(), 1, 'stopped icon');
    // The backups are still listed under it, read through a helper container.
    await newestBackup(pane).waitFor({ timeout: 60_000 });
    assert.equal(await newestBackup(pane).getAttribute('aria-level'), '2');
    await workbench.screenshot('backups-view-stopped');
  });
});
