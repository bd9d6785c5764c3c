import * as assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../exthost/harness/paths';
import { brokenNcsConf, uiSession } from './session';
import type { Workbench } from './workbench';

// Titles as a user sees them, taken from the manifest the .vsix was built from.
interface Manifest {
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    viewsContainers: { activitybar: { id: string; title: string }[] };
  };
}
const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;

function commandTitle(id: string): string {
  const command = manifest.contributes.commands.find((c) => c.command === id);
  if (!command) throw new Error(`package.json contributes no command ${id}`);
  return command.category ? `${command.category}: ${command.title}` : command.title;
}

const viewContainerTitle =
  manifest.contributes.viewsContainers.activitybar.find((c) => c.id === 'nso')?.title ??
  'the "nso" view container';

describe('NSO Workbench as a user sees it', () => {
  let workbench: Workbench;
  let workspace: string;

  before(async () => {
    ({ workbench, workspace } = await uiSession());
  });

  it('opens the sample workspace with the NSO Workbench icon in the activity bar', async () => {
    const explorer = await workbench.sideBarTreeItems();
    assert.ok(explorer.includes('packages'), `Explorer shows packages/: ${explorer.join(', ')}`);
    assert.ok(explorer.includes('ncs.conf'), `Explorer shows ncs.conf: ${explorer.join(', ')}`);
    await workbench.waitForActivityBarItem(viewContainerTitle);
    const titles = await workbench.activityBarTitles();
    assert.ok(titles.includes(viewContainerTitle), `activity bar: ${titles.join(', ')}`);
    await workbench.screenshot('workbench');
  });

  it(`runs "${commandTitle('nso.log.show')}" from the command palette`, async () => {
    await workbench.runCommand(commandTitle('nso.log.show'));
    const output = await workbench.waitForOutput('NSO Workbench activated in');
    assert.match(output, /\[info\] NSO Workbench activated in [\d.]+ ms/);
    assert.equal(await workbench.selectedOutputChannel(), 'NSO Workbench');
    await workbench.screenshot('show-log');
  });

  it('lists the sample packages in the NSO Workbench view container', async () => {
    await workbench.openViewContainer(viewContainerTitle);
    const title = await workbench.sideBarTitle();
    assert.ok(title.includes(viewContainerTitle), `side bar title: ${title}`);
    // The container also holds the Containers, Health and Backups views: read the Packages view.
    const shown = (await workbench.viewTreeItems('Packages')).map((label) => label.split(' ')[0]);
    const onDisk = readdirSync(path.join(workspace, 'packages')).sort();
    assert.deepEqual(shown.sort(), onDisk);
    await workbench.screenshot('view-container');
  });

  it('lists a package whose package-meta-data.xml cannot be read as skipped, until it is gone', async () => {
    const broken = path.join(workspace, 'packages', 'broken-meta');
    mkdirSync(broken);
    writeFileSync(
      path.join(broken, 'package-meta-data.xml'),
      '<ncs-package xmlns="http://tail-f.com/ns/ncs-packages">\n  <name>broken-meta<name>\n</ncs-package>\n',
    );
    const listed = async (): Promise<string[]> =>
      (await workbench.viewTreeItems('Packages')).filter((l) => l.includes('broken-meta'));
    try {
      let rows: string[] = [];
      for (let i = 0; i < 60 && rows.length === 0; i++) {
        rows = await listed();
        if (rows.length === 0) await new Promise((r) => setTimeout(r, 500));
      }
      assert.equal(rows.length, 1, 'the broken package is listed once');
      assert.match(
        rows[0]!,
        /^broken-meta, skipped: broken package-meta-data\.xml: Expected closing tag/,
      );
      await workbench.screenshot('packages-skipped');
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
    let left = await listed();
    for (let i = 0; i < 60 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 500));
      left = await listed();
    }
    assert.deepEqual(left, [], 'gone from the view once the folder is removed');
    // Its error in the Problems panel goes with it.
    let problems = '';
    for (let i = 0; i < 60; i++) {
      const items = await workbench.statusBarItems();
      problems = items.find((item) => item.id === 'status.problems')?.label ?? '';
      if (problems === 'No Problems') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(problems, 'No Problems');
  });

  it('shows ncs.conf problems in the Problems panel and the status bar', async () => {
    const before = await workbench.statusBarItems();
    const problemsItem = before.find((item) => item.id === 'status.problems');
    assert.equal(problemsItem?.label, 'No Problems', 'the sample workspace starts clean');

    await workbench.openFile(brokenNcsConf);
    const rows = await workbench.waitForProblem('ncs.conf');
    assert.ok(
      rows.some((r) => /load-path/.test(r)),
      `a problem names the unclosed <load-path>: ${rows.join(' | ')}`,
    );
    const after = await workbench.statusBarItems();
    const counted = after.find((item) => item.id === 'status.problems');
    assert.match(counted?.label ?? '', /Errors?: [1-9]/);
    await workbench.screenshot('problems');
  });
});
