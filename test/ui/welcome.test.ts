// The welcome content a new user sees in an empty view, with the action that
// fixes the state: here the Backups view of a workspace without a production
// container, while the production image named in the settings is not loaded
// in Docker (its Load NSO Image from File… button loads an image archive) and
// once it is, and while the Docker engine cannot be reached.
// The image lookup and the engine are the real ones; screenshots in
// test-results/ui/welcome-*.png.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

import type { Locator } from '../exthost/harness/browser';
import { docker, dockerOk } from '../helpers/dockerCli';
import { uiSession } from './session';
import { expandPane, toast } from './support';
import type { Workbench } from './workbench';

const prodImage = process.env.NSO_SIM_PROD_IMAGE ?? 'nso-sim/cisco-nso-prod:6.4.1';
/** A name no engine has loaded: the lookup finds no production image. */
const missingImage = `nsowb-welcome-missing/cisco-nso-prod:0.0.${process.pid}`;
const uiTimeoutMs = 30_000;

function welcome(view: Locator, text: string): Locator {
  return view.locator('.welcome-view-content').filter({ hasText: text }).first();
}

describe('Welcome content of an empty view', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  /** code-server is a remote window: its settings live in Machine/settings.json. */
  let machineSettings = '';
  let originalSettings: string | undefined;
  let baseSettings: Record<string, unknown> = {};

  const writeSettings = (settings: Record<string, unknown>): void => {
    fs.mkdirSync(path.dirname(machineSettings), { recursive: true });
    fs.writeFileSync(machineSettings, JSON.stringify(settings, null, 2));
  };

  before(async () => {
    let workspace: string;
    ({ workbench, workspace } = await uiSession());
    const present = await docker(['image', 'inspect', prodImage, '--format', '{{.Id}}']);
    assert.equal(present.code, 0, `${prodImage} is missing: build it with bash images/build.sh`);
    const absent = await docker(['image', 'inspect', missingImage, '--format', '{{.Id}}']);
    assert.notEqual(absent.code, 0, `${missingImage} must not be loaded`);
    const userData = path.join(path.dirname(workspace), 'profile', 'user-data');
    assert.ok(fs.existsSync(userData), `the session's user data folder is at ${userData}`);
    machineSettings = path.join(userData, 'Machine', 'settings.json');
    originalSettings = fs.existsSync(machineSettings)
      ? fs.readFileSync(machineSettings, 'utf8')
      : undefined;
    baseSettings = JSON.parse(originalSettings ?? '{}') as Record<string, unknown>;
  });

  /**
   * A one-file image saved as a .tar.gz, like the archive Cisco's signed file
   * extracts; not named like an NSO image, so nothing takes it for one.
   */
  const loadTag = `nsowb-welcome-load/plain:${process.pid}`;
  let scratch = '';
  let archive = '';

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-welcome-'));
    fs.writeFileSync(path.join(scratch, 'hello.txt'), 'loaded by the welcome test\n');
    const rootfs = path.join(scratch, 'rootfs.tar');
    execFileSync('tar', ['-C', scratch, '-cf', rootfs, 'hello.txt']);
    await dockerOk(['import', rootfs, loadTag]);
    const saved = path.join(scratch, 'image.tar');
    await dockerOk(['save', '-o', saved, loadTag]);
    archive = path.join(scratch, 'nso-image.tar.gz');
    fs.writeFileSync(archive, zlib.gzipSync(fs.readFileSync(saved)));
    await dockerOk(['rmi', loadTag]);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await workbench.screenshot('welcome-failed').catch(() => undefined);
    }
  });

  after(async () => {
    await docker(['rmi', loadTag]);
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    if (!machineSettings) return;
    if (originalSettings === undefined) fs.rmSync(machineSettings, { force: true });
    else fs.writeFileSync(machineSettings, originalSettings);
  });

  it('offers to load the production image while none is loaded, and stops once one is', async () => {
    writeSettings({ ...baseSettings, 'nso.prodImage': missingImage });
    await workbench.openViewContainer('NSO Workbench');
    // Showing the Containers view is what looks the images up.
    await expandPane(workbench.page, 'Containers');
    const backups = await expandPane(workbench.page, 'Backups');

    const noImage = welcome(backups, 'No NSO production image');
    await noImage.waitFor({ state: 'visible', timeout: uiTimeoutMs });
    await welcome(backups, 'No production container for this workspace').waitFor({
      state: 'visible',
      timeout: uiTimeoutMs,
    });
    await noImage
      .locator('.monaco-button, a')
      .filter({ hasText: 'Load NSO Image from File…' })
      .first()
      .waitFor({ state: 'visible', timeout: uiTimeoutMs });
    await workbench.screenshot('welcome-no-prod-image');

    // The button loads an image archive with docker load, the file picked in the dialog.
    await noImage
      .locator('.monaco-button, a')
      .filter({ hasText: 'Load NSO Image from File…' })
      .first()
      .click();
    // The file dialog (a quick input in code-server) fills in its folder once
    // it has read it; the path is typed after that, and again if it was reset.
    const dialog = workbench.page
      .locator('.quick-input-widget')
      .filter({ hasText: 'NSO image archive' })
      .first();
    await dialog.waitFor({ state: 'visible', timeout: uiTimeoutMs });
    const input = dialog.locator('.quick-input-box input');
    for (let attempt = 1; ; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await input.fill(archive);
      await new Promise((resolve) => setTimeout(resolve, 500));
      if ((await input.inputValue()) === archive) {
        await input.press('Enter');
        const closed = await dialog.waitFor({ state: 'hidden', timeout: 5_000 }).then(
          () => true,
          () => false,
        );
        if (closed) break;
      }
      assert.ok(attempt < 5, `the file dialog takes ${archive}`);
    }
    await toast(
      workbench.page,
      new RegExp(
        `NSO: loaded ${loadTag.replace(/[.:/]/g, '\\$&')}\\. It is not named like an NSO image`,
      ),
    ).waitFor({
      state: 'visible',
      timeout: 120_000,
    });
    const loaded = await docker(['image', 'inspect', loadTag, '--format', '{{.Id}}']);
    assert.equal(loaded.code, 0, `${loadTag} is loaded in Docker`);
    await workbench.screenshot('welcome-image-loaded');

    // The loaded image named again: the lookup runs on the setting change.
    writeSettings({ ...baseSettings, 'nso.prodImage': prodImage });
    await noImage.waitFor({ state: 'hidden', timeout: uiTimeoutMs });
    await welcome(backups, 'No production container for this workspace').waitFor({
      state: 'visible',
      timeout: uiTimeoutMs,
    });
    await workbench.screenshot('welcome-no-prod-container');

    // A command that needs the production container says so, with the action that makes it.
    await workbench.runCommand('NSO: Open NSO Log…');
    const noProd = toast(workbench.page, /There is no NSO production container/);
    await noProd.waitFor({ state: 'visible', timeout: uiTimeoutMs });
    assert.equal(
      await noProd.locator('.monaco-button').filter({ hasText: 'Start NSO' }).count(),
      1,
      'the message offers Start NSO',
    );
  });

  it('says Docker is not reachable, and Retry brings the view back once the engine answers', async () => {
    const socketPath = `/tmp/nsowb-welcome-${process.pid}-engine.sock`;
    fs.rmSync(socketPath, { force: true });
    writeSettings({ ...baseSettings, 'nso.docker.host': `unix://${socketPath}` });
    const backups = await expandPane(workbench.page, 'Backups');
    const noDocker = welcome(backups, 'Docker is not reachable');
    await noDocker.waitFor({ state: 'visible', timeout: uiTimeoutMs });
    await noDocker
      .locator('.monaco-button, a')
      .filter({ hasText: 'Retry Docker Connection' })
      .first()
      .waitFor({ state: 'visible', timeout: uiTimeoutMs });
    assert.equal(
      await backups.locator('.monaco-list-row').count(),
      0,
      'no error row hides the welcome content',
    );
    await workbench.screenshot('welcome-no-docker');

    // Retry with the engine still absent: the command runs (no "command not found"
    // toast) and the view keeps saying why, with no error row in its place.
    await noDocker
      .locator('.monaco-button, a')
      .filter({ hasText: 'Retry Docker Connection' })
      .first()
      .click();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(
      await toast(workbench.page, /nso\.docker\.retry/).count(),
      0,
      'Retry is a known command',
    );
    assert.ok(await noDocker.isVisible(), 'the view still says Docker is not reachable');
    assert.equal(await backups.locator('.monaco-list-row').count(), 0, 'no error row after Retry');

    // The engine appears at that address (a relay to the local one); Retry finds it.
    const relay = net.createServer((client) => {
      const engine = net.connect('/var/run/docker.sock');
      client.pipe(engine).pipe(client);
      const close = (): void => {
        client.destroy();
        engine.destroy();
      };
      client.on('error', close);
      engine.on('error', close);
    });
    await new Promise<void>((resolve) => relay.listen(socketPath, resolve));
    try {
      // The watcher's own reconnection (back-off at most 3 s) may bring the view back
      // before the click lands; the button is then gone, which is the outcome Retry
      // asks for. Retry skipping the back-off is held by the watcher's unit tests.
      const clicked = await noDocker
        .locator('.monaco-button, a')
        .filter({ hasText: 'Retry Docker Connection' })
        .first()
        .click({ timeout: 5_000 })
        .then(
          () => true,
          (error: unknown) => error,
        );
      if (clicked !== true && (await noDocker.isVisible())) throw clicked;
      await noDocker.waitFor({ state: 'hidden', timeout: uiTimeoutMs });
      await welcome(backups, 'No production container for this workspace').waitFor({
        state: 'visible',
        timeout: uiTimeoutMs,
      });
    } finally {
      writeSettings(baseSettings);
      await new Promise((resolve) => relay.close(resolve));
      fs.rmSync(socketPath, { force: true });
    }
  });
});
