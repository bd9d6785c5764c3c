// The Docker engine restarting under code-server, as a user sees it: the
// status bar says Docker is unreachable, the Containers view says where and
// offers Retry, and once the engine answers again both follow it back, the
// container included (its restart policy starts it again). The engine is a
// private dockerd of the test's own (its own socket, data and network
// namespace), named by nso.docker.host, so the shared engine is never touched.
// Screenshots: test-results/ui/health-engine-down.png, health-engine-back.png.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Locator, Page } from '../exthost/harness/browser';
import { copyImage, dockerOk, healthPrefix, PrivateEngine } from '../docker/healthSupport';
import { ensureTestImage } from '../docker/helpers/testImage';
import { fileHealthCheckArgs, runProdArgs } from '../helpers/prodContainerArgs';
import { uiSession } from './session';
import { expandPane } from './support';
import type { Workbench } from './workbench';

const run = `${healthPrefix}ui-engine-${process.pid}-${Date.now().toString(36)}`;
const transitionMs = 60_000;
const statusItemId = 'nso-workbench.nso-workbench.nso.health';

function statusItem(page: Page): Locator {
  return page.locator(`.part.statusbar .statusbar-item[id="${statusItemId}"]`);
}

async function statusShows(page: Page, pattern: RegExp, timeout = transitionMs): Promise<void> {
  await statusItem(page).filter({ hasText: pattern }).waitFor({ state: 'visible', timeout });
}

async function waitForRow(p: Locator, text: string | RegExp): Promise<void> {
  await p.locator('.monaco-list-row').filter({ hasText: text }).first().waitFor({
    state: 'visible',
    timeout: transitionMs,
  });
}

describe('the Docker engine restarting, as a user sees it', function () {
  this.timeout(240_000);
  const engine = new PrivateEngine(path.join(os.tmpdir(), `${run}-engine`));
  const name = `${run}-prod`;
  let workbench: Workbench;
  let page: Page;
  /** code-server is a remote window: machine-scoped settings live in Machine/settings.json. */
  let machineSettings = '';
  let originalSettings: string | undefined;

  before(async function () {
    this.timeout(180_000);
    const session = await uiSession();
    workbench = session.workbench;
    page = workbench.page;
    const userData = path.join(path.dirname(session.workspace), 'profile', 'user-data');
    assert.ok(fs.existsSync(userData), `the session's user data folder is at ${userData}`);
    machineSettings = path.join(userData, 'Machine', 'settings.json');
    originalSettings = fs.existsSync(machineSettings)
      ? fs.readFileSync(machineSettings, 'utf8')
      : undefined;

    const image = ensureTestImage();
    await engine.start();
    await copyImage(image, engine.host);
    await dockerOk(
      [
        ...runProdArgs(name, session.workspace),
        '--restart',
        'unless-stopped',
        ...fileHealthCheckArgs,
        image,
        'sh',
        '-c',
        'touch /tmp/healthy; trap "exit 0" TERM; while :; do sleep 1; done',
      ],
      { host: engine.host },
    );
    fs.mkdirSync(path.dirname(machineSettings), { recursive: true });
    fs.writeFileSync(
      machineSettings,
      JSON.stringify(
        {
          ...(JSON.parse(originalSettings ?? '{}') as Record<string, unknown>),
          'nso.docker.host': engine.host,
        },
        null,
        2,
      ),
    );
    await workbench.openViewContainer('NSO Workbench');
    // Away from the activity bar, whose hover would cover the Containers view.
    await page.mouse.move(700, 400);
  });

  after(async function () {
    this.timeout(120_000);
    if (machineSettings) {
      if (originalSettings === undefined) fs.rmSync(machineSettings, { force: true });
      else fs.writeFileSync(machineSettings, originalSettings);
    }
    await engine.destroy();
  });

  it('says where Docker is not reachable while the engine is down, and follows it back', async () => {
    await statusShows(page, /NSO healthy/);
    const containers = await expandPane(page, 'Containers');
    await waitForRow(containers, name);

    await engine.stop();
    await statusShows(page, /NSO: Docker unreachable/);
    await waitForRow(containers, `Docker not reachable at ${engine.host}`);
    await waitForRow(containers, 'Retry now');
    // The container stays in view for orientation, said to be its last known state.
    await waitForRow(containers, new RegExp(`${name}.*last known: `));
    await workbench.screenshot('health-engine-down');

    // Back: the views are live again within seconds, and the container with them.
    await engine.start();
    await statusShows(page, /NSO healthy/);
    await waitForRow(containers, new RegExp(`${name}.*running`));
    assert.equal(
      await containers.locator('.monaco-list-row').filter({ hasText: 'last known' }).count(),
      0,
      'the container is current again',
    );
    assert.equal(
      await containers
        .locator('.monaco-list-row')
        .filter({ hasText: 'Docker not reachable' })
        .count(),
      0,
      'the Containers view no longer says Docker is not reachable',
    );
    await workbench.screenshot('health-engine-back');
  });
});
