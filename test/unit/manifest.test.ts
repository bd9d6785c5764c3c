// What package.json promises VS Code and the user, which no other test reads:
// where the extension runs, when it activates, what an untrusted workspace
// gets, which VS Code it needs, and the names users see.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/paths';

interface Manifest {
  name: string;
  displayName: string;
  main: string;
  bin: Record<string, string>;
  engines: { vscode: string };
  devDependencies: Record<string, string>;
  extensionKind: string[];
  activationEvents: string[];
  capabilities: {
    untrustedWorkspaces: { supported: boolean | 'limited'; restrictedConfigurations?: string[] };
    virtualWorkspaces: boolean;
  };
  contributes: {
    commands: { command: string; category?: string }[];
    configuration: { properties: Record<string, { scope?: string }> };
    viewsContainers: { activitybar: { id: string; icon: string }[] };
    views: Record<string, { id: string }[]>;
    languages: { id: string }[];
  };
}

const manifest = JSON.parse(
  fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'),
) as Manifest;

/** [major, minor] of a version or of a range's lowest version (`^1.95.0`, `1.95.0`). */
function majorMinor(version: string): [number, number] {
  const m = /(\d+)\.(\d+)/.exec(version);
  assert.ok(m, `no version in ${version}`);
  return [Number(m[1]), Number(m[2])];
}

describe('package.json (the extension manifest)', () => {
  it('is nso-workbench, "NSO Workbench", with the bundle as main and the CLI as bin', () => {
    assert.equal(manifest.name, 'nso-workbench');
    assert.equal(manifest.displayName, 'NSO Workbench');
    assert.equal(manifest.main, './dist/extension.js');
    assert.deepEqual(manifest.bin, { 'nso-workbench': './dist/cli.js' });
  });

  it('needs a VS Code no newer than 1.95, and @types/vscode pinned to that very version', () => {
    // Newer would refuse to install in code-server or desktop builds still on 1.95;
    // types newer than the engine would let code use API that is not there.
    const engine = majorMinor(manifest.engines.vscode);
    assert.ok(engine[0] === 1 && engine[1] <= 95, `engines.vscode ${manifest.engines.vscode}`);
    const types = manifest.devDependencies['@types/vscode'];
    assert.ok(types !== undefined && /^\d+\.\d+\.\d+$/.test(types), `@types/vscode ${types}`);
    assert.deepEqual(majorMinor(types), engine);
  });

  it('runs where Docker is (workspace side) and activates lazily', () => {
    assert.deepEqual(manifest.extensionKind, ['workspace']);
    // Commands and views activate it by their contributions; '*' or
    // onStartupFinished would start it in every window.
    assert.deepEqual([...manifest.activationEvents].sort(), [
      'onLanguage:ncs-conf',
      'workspaceContains:**/ncs.conf',
      'workspaceContains:**/package-meta-data.xml',
    ]);
    assert.ok(manifest.contributes.languages.some((l) => l.id === 'ncs-conf'));
  });

  it('is limited in untrusted workspaces, where the engine and images cannot be set', () => {
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    const props = manifest.contributes.configuration.properties;
    // A workspace may not pick what runs: either VS Code ignores its value
    // when untrusted, or the setting is machine-scoped and no workspace sets it.
    for (const key of ['nso.docker.host', 'nso.buildImage', 'nso.prodImage']) {
      assert.ok(
        untrusted.restrictedConfigurations?.includes(key) || props[key]?.scope === 'machine',
        key,
      );
    }
    for (const key of untrusted.restrictedConfigurations ?? []) assert.ok(props[key], key);
    assert.equal(manifest.capabilities.virtualWorkspaces, false);
  });

  it('puts every command in category NSO and every setting under nso.', () => {
    for (const c of manifest.contributes.commands) {
      assert.ok(c.command.startsWith('nso.'), c.command);
      assert.equal(c.category, 'NSO', c.command);
    }
    for (const key of Object.keys(manifest.contributes.configuration.properties)) {
      assert.ok(key.startsWith('nso.'), key);
    }
  });

  it('has one activity-bar container, with its icon in media/, holding the four views', () => {
    const containers = manifest.contributes.viewsContainers.activitybar;
    assert.equal(containers.length, 1);
    const [container] = containers;
    assert.ok(container);
    assert.match(container.icon, /^media\//);
    assert.ok(fs.existsSync(path.join(repoRoot, container.icon)), container.icon);
    assert.deepEqual((manifest.contributes.views[container.id] ?? []).map((v) => v.id).sort(), [
      'nso.backups',
      'nso.containers',
      'nso.health',
      'nso.packages',
    ]);
  });
});
