// The welcome content of the views (package.json viewsWelcome): what a new
// user reads in an empty view. VS Code renders only the links in it, so any
// other Markdown shows as typed; each state offers the action that fixes it.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { repoRoot } from '../helpers/paths';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  contributes: {
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; contents: string; when?: string }[];
    commands: { command: string }[];
  };
};
const welcome = pkg.contributes.viewsWelcome;

/** VS Code's own commands the welcome content may run. */
const vscodeCommands = new Set([
  'vscode.openFolder',
  'workbench.action.openSettings',
  'workbench.action.openWalkthrough',
  'workbench.trust.manage',
]);

describe('welcome content of the views', () => {
  it('is plain text with links: no code spans or emphasis, which VS Code would show as typed', () => {
    for (const w of welcome) {
      const text = w.contents.replace(/\[[^\]]*\]\([^)]*\)/g, '');
      assert.doesNotMatch(text, /`|\*\*|__/, `${w.view} (${w.when}): ${w.contents}`);
    }
  });

  it('offers an action in each state, running a command that exists', () => {
    const ours = new Set(pkg.contributes.commands.map((c) => c.command));
    for (const w of welcome) {
      const commands = [...w.contents.matchAll(/\]\(command:([\w.-]+)/g)].map((m) => m[1]!);
      assert.ok(commands.length > 0, `${w.view} (${w.when}) offers no action`);
      for (const c of commands) {
        assert.ok(ours.has(c) || vscodeCommands.has(c), `${w.view}: unknown command ${c}`);
      }
    }
  });

  it('exists for every NSO Workbench view', () => {
    for (const view of Object.values(pkg.contributes.views).flat()) {
      assert.ok(
        welcome.some((w) => w.view === view.id),
        `${view.id} has no welcome content`,
      );
    }
  });
});
