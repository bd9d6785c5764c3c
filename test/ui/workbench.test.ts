import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { brokenNcsConf, uiSession } from './session';
import type { Workbench } from './workbench';

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
    assert.ok((await workbench.activityBarTitles()).includes('NSO Workbench'));
    await workbench.screenshot('workbench');
  });

  it('runs "NSO: Show Log" from the command palette', async () => {
    await workbench.runCommand('NSO: Show Log');
    const output = await workbench.waitForOutput('NSO Workbench activated in');
    assert.match(output, /\[info\] NSO Workbench activated in [\d.]+ ms/);
    assert.equal(await workbench.selectedOutputChannel(), 'NSO Workbench');
    await workbench.screenshot('show-log');
  });

  it('lists the sample packages in the NSO Workbench view container', async () => {
    await workbench.openViewContainer('NSO Workbench');
    assert.match(await workbench.sideBarTitle(), /NSO Workbench/i);
    const shown = (await workbench.sideBarTreeItems()).map((label) => label.split(' ')[0]);
    const onDisk = readdirSync(path.join(workspace, 'packages')).sort();
    assert.deepEqual(shown.sort(), onDisk);
    await workbench.screenshot('view-container');
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
