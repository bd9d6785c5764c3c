// The status-bar item and the Containers and Health views in a real VS Code,
// following a real NSO production container (the simulator image) through its
// life: none → starting → healthy → unhealthy (SIGSTOP) → healthy (SIGCONT) →
// stopped → removed. The extension is read through its `nso.health.snapshot`
// command, which returns what the user sees.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

import { docker, dockerOk } from '../helpers/dockerCli';
import { runProdArgs } from '../helpers/prodContainerArgs';
import { healthSnapshot as snapshot, statusBarShows, waitFor, workbenchExtension } from './support';

const image = process.env.NSO_SIM_PROD_IMAGE ?? 'nso-sim/cisco-nso-prod:6.4.1';
const name = `nsowb-healthtest-exthost-${process.pid}-${Date.now().toString(36)}`;

describe('NSO health in the status bar and views', function () {
  this.timeout(240_000);
  let workspacePath = '';

  before(async () => {
    await waitFor('activation', () => workbenchExtension().isActive, 20_000);
    workspacePath = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    assert.ok(workspacePath, 'a workspace folder is open');
    const present = await docker(['image', 'inspect', image, '--format', '{{.Id}}']);
    assert.equal(present.code, 0, `${image} is missing: build it with bash images/build.sh`);
  });

  after(async () => {
    await docker(['rm', '-f', '-v', name]);
  });

  it('says there is no NSO container, with the Start NSO fix', async () => {
    await statusBarShows(/NSO: no container/);
    // The links follow once VS Code has listed the registered commands (run
    // first, this test can read the item between the two renders).
    let s = await snapshot();
    await waitFor(
      'the tooltip links',
      async () => {
        s = await snapshot();
        return /command:nso\.health\.show/.test(s.statusBar.tooltip);
      },
      10_000,
    );
    assert.equal(s.statusBar.command, 'nso.health.show');
    assert.equal(s.connection?.phase, 'live');
    assert.equal(s.health.problems[0]?.fixes[0]?.kind, 'startNso');
    const summary = s.healthView[0];
    assert.equal(summary?.label, 'No NSO container');
  });

  it('follows a slow start: starting with elapsed against the start period, then healthy', async () => {
    await dockerOk([
      ...runProdArgs(name, workspacePath),
      '-e',
      'NSO_SIM_START_DELAY=5',
      '--health-interval=1s',
      '--health-timeout=2s',
      '--health-retries=2',
      '--health-start-period=40s',
      image,
    ]);
    const starting = await statusBarShows(/NSO starting \d+ s \/ 40 s/);
    assert.match(starting.statusBar.text, /^\$\(loading~spin\)/, 'a spinner while starting');
    assert.ok(
      starting.containers.some((c) => c.name === name),
      'the Containers view lists the container',
    );

    const healthy = await statusBarShows(/NSO 6\.4\.1 healthy/);
    assert.equal(healthy.statusBar.background, undefined, 'no warning colour when healthy');
    const container = healthy.healthView.find((n) => n.label === `Container ${name}`);
    assert.ok(container, 'the Health view shows the container');
    assert.ok(container.children.some((c) => /^Health check — healthy/.test(c)));
  });

  it('opens ncs.log read-only and follows new lines; inspects and copies the container', async () => {
    await vscode.commands.executeCommand('nso.containers.openNsoLog', name, 'ncs.log');
    const log = vscode.window.activeTextEditor?.document;
    assert.equal(log?.uri.scheme, 'nso-log');
    assert.equal(log.languageId, 'nso-log');
    assert.match(log.getText(), /NCS started/);

    const marker = `marker ${Date.now()}`;
    await dockerOk(['exec', name, 'sh', '-c', 'echo "$1" >> /log/ncs.log', 'append', marker]);
    await waitFor('the new line in the editor', () => log.getText().includes(marker), 20_000);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    await vscode.commands.executeCommand('nso.containers.inspect', name);
    const inspected = vscode.window.activeTextEditor?.document;
    assert.equal(inspected?.uri.scheme, 'nso-inspect');
    // Docker's own document, as `docker inspect` prints it, not our model of it.
    const details = JSON.parse(inspected.getText()) as {
      Name: string;
      Id: string;
      State?: { Health?: { Status?: string } };
      NetworkSettings?: { Networks?: Record<string, unknown> };
    };
    assert.equal(details.Name, `/${name}`);
    assert.match(details.Id, /^[0-9a-f]{64}$/);
    assert.equal(details.State?.Health?.Status, 'healthy');
    assert.ok(details.NetworkSettings?.Networks, 'the network settings are shown');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    await vscode.commands.executeCommand('nso.containers.copyName', name);
    assert.equal(await vscode.env.clipboard.readText(), name);
  });

  it('opens the NSO CLI in a terminal, J-style when nso.cli.style says so', async () => {
    const cliArgs = async (): Promise<readonly string[]> => {
      const opened = vscode.window.onDidOpenTerminal;
      const terminal = await new Promise<vscode.Terminal>((resolve) => {
        const sub = opened((t) => {
          if (t.name !== `NSO CLI: ${name}`) return;
          sub.dispose();
          resolve(t);
        });
        void vscode.commands.executeCommand('nso.containers.openCli', name);
      });
      const options = terminal.creationOptions as vscode.TerminalOptions;
      terminal.dispose();
      return typeof options.shellArgs === 'string'
        ? [options.shellArgs]
        : (options.shellArgs ?? []);
    };
    const config = vscode.workspace.getConfiguration('nso');
    try {
      // The user and the style are arguments of a fixed script, never glued into it.
      const c = await cliArgs();
      assert.deepEqual(c.slice(0, 2), ['exec', '-it']);
      assert.deepEqual(c.slice(-5), ['-lc', 'exec ncs_cli -u "$1" "$2"', 'ncs_cli', 'admin', '-C']);
      await config.update('cli.style', 'J', vscode.ConfigurationTarget.Workspace);
      assert.deepEqual((await cliArgs()).slice(-2), ['admin', '-J']);
    } finally {
      await config.update('cli.style', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('turns unhealthy when NSO is frozen, with the error colour, and heals', async () => {
    await dockerOk(['exec', name, 'pkill', '-STOP', '-x', 'ncs.smp']);
    const sick = await statusBarShows(/NSO 6\.4\.1 unhealthy/);
    assert.equal(sick.statusBar.background, 'statusBarItem.errorBackground');
    assert.match(sick.statusBar.tooltip, /Health check failing/);
    const problems = sick.healthView.find((n) => n.label.startsWith('Problems'));
    assert.ok(problems?.children.some((c) => c.startsWith('Health check failing')));

    await dockerOk(['exec', name, 'pkill', '-CONT', '-x', 'ncs.smp']);
    await statusBarShows(/NSO 6\.4\.1 healthy/);
  });

  it('says when NSO is paused, and its fix unpauses it where it was', async () => {
    const before = await snapshot();
    const startedAt = before.health.container?.startedAt;
    await dockerOk(['pause', name]);
    const paused = await statusBarShows(/NSO paused/);
    assert.deepEqual(
      paused.health.problems.map((p) => [p.id, p.fixes.map((f) => f.kind)]),
      [['paused', ['unpauseContainer', 'restartContainer']]],
    );
    // The tooltip links the first fix (the links follow the command list).
    await waitFor(
      'the Unpause link in the tooltip',
      async () => {
        const tooltip = (await snapshot()).statusBar.tooltip;
        return tooltip.includes(`[Unpause ${name}](command:nso.containers.start?`);
      },
      10_000,
    );

    // The fix's command: Start Container, which unpauses a paused container.
    await vscode.commands.executeCommand('nso.containers.start', name);
    const back = await statusBarShows(/NSO 6\.4\.1 healthy/);
    assert.equal(back.health.container?.startedAt, startedAt, 'unpaused, not restarted');
  });

  it('follows the container through stop and removal behind its back', async () => {
    const status = await snapshot();
    assert.ok(status.health.container, 'the container is followed');

    await dockerOk(['stop', name]);
    const stopped = await statusBarShows(/NSO stopped/);
    assert.equal(stopped.statusBar.background, 'statusBarItem.warningBackground');

    await dockerOk(['rm', '-v', name]);
    const removed = await statusBarShows(/NSO: container removed/);
    assert.ok(!removed.containers.some((c) => c.name === name), 'gone from the Containers view');
  });

  it('gives .log files of NSO the nso-log language', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-healthtest-log-'));
    try {
      for (const file of ['ncs.log', 'devel.log', 'ncs-python-vm-l3vpn.log']) {
        fs.writeFileSync(
          path.join(dir, file),
          '<INFO> 04-Dec-2025::10:00:01.123 nso ncs[42]: - up\n',
        );
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(dir, file)));
        assert.equal(doc.languageId, 'nso-log', file);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("colours NSO log lines with the grammar, in VS Code's own TextMate engine", async () => {
    const tokens = await tokenize([
      '<INFO> 04-Dec-2025::10:00:01.123 nso ncs[42]: - Starting NCS vsn: 6.4.1',
      '<ERR> 04-Dec-2025::10:00:02.456 nso ncs[42]: - Failed to load NCS package: l3vpn',
      '<ERROR> 04-Dec-2025::10:00:03.000 l3vpn MainThread: -   File "/nso/run/state/packages-in-use/1/l3vpn/python/l3vpn/main.py", line 12, in cb_create',
      '<ERROR> 04-Dec-2025::10:00:03.000 l3vpn MainThread: - SyntaxError: invalid syntax',
      '<DEBUG> 04-Dec-2025::10:00:04.000 nso ncs[42]: audit user: admin/17 CLI done',
    ]);
    const scopesOf = (line: number, text: string): string =>
      tokens[line]?.find((t) => t.text === text)?.scopes.join(' ') ?? `(no token "${text}")`;
    assert.match(scopesOf(0, '<INFO>'), /log\.info\.nso-log/);
    assert.match(scopesOf(0, '04-Dec-2025::10:00:01.123'), /log\.date\.nso-log/);
    assert.match(scopesOf(0, 'nso ncs[42]'), /origin\.nso-log/);
    assert.match(scopesOf(0, '6.4.1'), /version\.nso-log/);
    assert.match(scopesOf(1, '<ERR>'), /log\.error\.nso-log/);
    assert.match(scopesOf(1, 'Failed'), /log\.error\.nso-log/);
    assert.match(scopesOf(2, '12'), /constant\.numeric\.line\.nso-log/);
    assert.match(scopesOf(3, 'SyntaxError'), /exceptiontype\.nso-log/);
    assert.match(scopesOf(4, '<DEBUG>'), /log\.debug\.nso-log/);
    assert.match(scopesOf(4, 'admin'), /variable\.other\.user\.nso-log/);
  });
});

interface Token {
  text: string;
  scopes: string[];
}

/**
 * Tokenizes lines with the extension's grammar through vscode-textmate and
 * Oniguruma, the engine VS Code itself runs (taken from the code-server this
 * tier runs in; the workbench offers no command for it in a release build).
 */
async function tokenize(lines: string[]): Promise<Token[][]> {
  const repoRoot = path.resolve(__dirname, '..', '..');
  const modules = path.join(
    repoRoot,
    'test',
    'vscode',
    'node_modules',
    'code-server',
    'lib',
    'vscode',
    'node_modules',
  );
  /* eslint-disable @typescript-eslint/no-require-imports -- modules of the code-server under test */
  const textmate = require(path.join(modules, 'vscode-textmate')) as TextMate;
  const oniguruma = require(path.join(modules, 'vscode-oniguruma')) as Oniguruma;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const wasm = fs.readFileSync(path.join(modules, 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const grammarPath = path.join(
    workbenchExtension().extensionPath,
    'syntaxes',
    'nso-log.tmLanguage.json',
  );
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: (scope: string) =>
      Promise.resolve(
        scope === 'text.log.nso'
          ? textmate.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath)
          : null,
      ),
  });
  const grammar = await registry.loadGrammar('text.log.nso');
  assert.ok(grammar, 'the grammar loads');
  let stack = textmate.INITIAL;
  return lines.map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return result.tokens.map((t) => ({
      text: line.slice(t.startIndex, t.endIndex).trim(),
      scopes: t.scopes,
    }));
  });
}

interface TextMateGrammar {
  tokenizeLine(
    line: string,
    stack: unknown,
  ): { tokens: { startIndex: number; endIndex: number; scopes: string[] }[]; ruleStack: unknown };
}

interface TextMate {
  INITIAL: unknown;
  Registry: new (options: {
    onigLib: Promise<{
      createOnigScanner(sources: string[]): unknown;
      createOnigString(text: string): unknown;
    }>;
    loadGrammar(scope: string): Promise<unknown>;
  }) => { loadGrammar(scope: string): Promise<TextMateGrammar | null> };
  parseRawGrammar(content: string, path: string): unknown;
}

interface Oniguruma {
  loadWASM(data: ArrayBuffer): Promise<void>;
  OnigScanner: new (sources: string[]) => unknown;
  OnigString: new (text: string) => unknown;
}
