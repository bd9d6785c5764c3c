import { strict as assert } from 'node:assert';

import { restoreFailureText, restoreRecovery } from '../../src/cli/backupCommand';

// The CLI's report of a restore that stopped half-way: the journal and what
// to do next are always there, whatever the core could find out.

const journal = '/home/me/.local/state/nso-workbench/restores/nso-prod 2025.json';
const base = {
  message: 'The restore of x into nso-prod stopped at "Unpack the backup": exit 1',
  journalFile: journal,
  stateLines: [`The state could not be read. The journal is ${journal}.`],
  recovery: [] as string[],
  canResume: false,
  canStart: false,
};

/** The lines under the `To recover:` heading, up to the blank line that ends the section. */
function recoverySection(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf('To recover:');
  assert.ok(start >= 0, text);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

describe('nso-workbench backup: a failed restore report', () => {
  it('says where to look when the state could not be read and nothing is safe to run', () => {
    const section = recoverySection(restoreFailureText(base));
    assert.ok(section.length >= 2, 'never an empty heading');
    assert.match(section.join('\n'), /Look at the journal/);
    assert.match(section.join('\n'), /docker ps -a/);
    assert.equal(section.at(-1), `  Journal: ${journal}`);
    assert.ok(!section.some((l) => l.includes('nso-workbench backup')), 'no command is offered');
  });

  it('offers resume and start, with the journal quoted for a shell, when they are safe', () => {
    const text = restoreFailureText({
      ...base,
      recovery: ['Resume: run the restore of x again from where it stopped.'],
      canResume: true,
      canStart: true,
    });
    const section = recoverySection(text);
    assert.deepEqual(section, [
      '  Resume: run the restore of x again from where it stopped.',
      `  $ nso-workbench backup resume '${journal}' --yes`,
      `  $ nso-workbench backup start '${journal}' --yes`,
      `  Journal: ${journal}`,
    ]);
  });

  it('prints only the start command when resuming is not possible', () => {
    const { commands, recovery } = restoreRecovery({ ...base, canStart: true });
    assert.deepEqual(commands, [`nso-workbench backup start '${journal}' --yes`]);
    assert.deepEqual(recovery, [], 'the command itself is the step; no fallback sentence');
  });

  it('keeps the core sentences when there is no command, without the fallback', () => {
    const by = 'Restore a backup into /nso/run before starting nso-prod.';
    const section = recoverySection(restoreFailureText({ ...base, recovery: [by] }));
    assert.deepEqual(section, [`  ${by}`, `  Journal: ${journal}`]);
  });
});
