// Runs a payload module inside code-server's extension host: the workbench,
// opened in headless Chromium with the `payload` URL parameter, loads the
// extension under development, then require()s the payload and calls its
// run(). The outcome comes from the payload's own result file, not from the
// workbench's exit code alone (see result.ts).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { launchChromium, type LaunchedBrowser } from './browser';
import {
  createProfile,
  locateVsCodeHost,
  startCodeServer,
  untrustedSettings,
  type RunningCodeServer,
} from './codeServer';
import { resultFileEnv, type PayloadResult } from './result';

export interface ExtensionHostRun {
  /** Folder with the extension's package.json (the repository root, or an installed copy). */
  extensionDevelopmentPath: string;
  /** Compiled CommonJS module exporting run(): Promise<void>. */
  payloadModule: string;
  workspace: string;
  /** Scratch folder for the profile, logs and the result file. */
  runDir: string;
  timeoutMs: number;
  /** Extra environment for the extension host. */
  env?: Record<string, string>;
  /** Also print workbench chatter that is not extension-host output. */
  verbose?: boolean;
  /** Opens the workspace untrusted (restricted mode) instead of with trust turned off. */
  untrusted?: boolean;
}

export interface ExtensionHostOutcome {
  /** 0 passed, 1 failed or extension host died, 124 timeout. */
  exitCode: number;
  reason?: string;
  result?: PayloadResult;
  seconds: number;
  serverLog: string;
}

// code-server hands the web client the remote authority "remote": payload
// URIs must use it.
const remoteUri = (p: string): string => `vscode-remote://remote${p}`;

// Workbench lines that are not the extension host's output.
const workbenchChatter = [
  /^\[(AgentHost|AgentHost:remote|ChatModelSelection|AccountPolicyGate|Service Worker|reconnection-grace-time)\]/,
  /^(Resolving|Resolved) connection token/,
  /^Creating a socket/,
  /^Updating additional builtin extensions cache/,
  /getaddrinfo ENOTFOUND/,
  /^\[.*\]: Failed to /,
  /^Canceled(: Canceled)*\b/,
  /authentication provider '[^']+' to register/,
];

function formatLogArgs(args: unknown): string {
  const list = Array.isArray(args) ? (args as unknown[]) : [args];
  if (typeof list[0] === 'string') return format(...list);
  return list.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
}

function readResult(file: string): PayloadResult | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PayloadResult;
  } catch {
    return undefined;
  }
}

/** The last "Extension Host Process exited" line of the server log, if any. */
function hostExitFromLog(logFile: string): string {
  try {
    const lines = readFileSync(logFile, 'utf8').match(/Extension Host Process exited.*$/gm);
    return lines ? ` (server log: ${lines[lines.length - 1]})` : '';
  } catch {
    return '';
  }
}

type Settled =
  { kind: 'exit'; code: number } | { kind: 'timeout' } | { kind: 'broken'; why: string };

export async function runInExtensionHost(run: ExtensionHostRun): Promise<ExtensionHostOutcome> {
  const started = Date.now();
  const seconds = (): number => (Date.now() - started) / 1000;
  const host = locateVsCodeHost();
  const resultFile = path.join(run.runDir, 'result.json');
  const serverLog = path.join(run.runDir, 'code-server.log');
  rmSync(resultFile, { force: true });
  if (!existsSync(run.payloadModule)) throw new Error(`payload not found: ${run.payloadModule}`);

  let server: RunningCodeServer | undefined;
  let browser: LaunchedBrowser | undefined;
  try {
    const profile = createProfile(
      path.join(run.runDir, 'profile'),
      run.untrusted ? untrustedSettings : {},
    );
    server = await startCodeServer(host, profile, {
      smokeTestDriver: true,
      logFile: serverLog,
      workspaceTrust: run.untrusted === true,
    });
    console.log(`[exthost] code-server ${host.version} on ${server.url} (log: ${serverLog})`);

    browser = await launchChromium();
    const page = await browser.browser.newPage();

    let settle: (s: Settled) => void = () => undefined;
    const settled = new Promise<Settled>((resolve) => (settle = resolve));
    const timer = setTimeout(() => settle({ kind: 'timeout' }), run.timeoutMs);

    let forwarding = true;
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      if (!forwarding) return;
      const line = formatLogArgs(args);
      if (!run.verbose && workbenchChatter.some((re) => re.test(line))) return;
      (type === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => {
      settle({ kind: 'exit', code: typeof code === 'number' ? code : 1 });
    });
    page.on('pageerror', (e) => console.error(`[exthost] page error: ${e.message}`));
    page.on('crash', () => settle({ kind: 'broken', why: 'the workbench page crashed' }));
    void server.exited.then((code) =>
      settle({ kind: 'broken', why: `code-server exited with ${String(code)}` }),
    );

    const payload: [string, string][] = [
      ['extensionDevelopmentPath', remoteUri(run.extensionDevelopmentPath)],
      ['extensionTestsPath', remoteUri(run.payloadModule)],
      ['extensionEnvironment', JSON.stringify({ ...run.env, [resultFileEnv]: resultFile })],
    ];
    const url =
      `${server.url}/?folder=${encodeURIComponent(run.workspace)}` +
      `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url, { timeout: 60_000 });

    const outcome = await settled;
    clearTimeout(timer);
    // What the workbench says while it is torn down is not the tests' output.
    forwarding = false;
    const result = readResult(resultFile);

    if (outcome.kind === 'timeout') {
      return {
        exitCode: 124,
        reason: `timeout after ${run.timeoutMs} ms`,
        result,
        seconds: seconds(),
        serverLog,
      };
    }
    if (outcome.kind === 'broken') {
      return { exitCode: 1, reason: outcome.why, result, seconds: seconds(), serverLog };
    }
    if (!result) {
      return {
        exitCode: 1,
        reason: 'the payload never ran (module not loaded?)',
        seconds: seconds(),
        serverLog,
      };
    }
    if (result.state === 'started') {
      const why = `the extension host ended before run() settled${hostExitFromLog(serverLog)}`;
      return { exitCode: 1, reason: why, result, seconds: seconds(), serverLog };
    }
    if (result.state === 'failed') {
      return {
        exitCode: 1,
        reason: result.error ?? 'tests failed',
        result,
        seconds: seconds(),
        serverLog,
      };
    }
    if (outcome.code !== 0) {
      const why = `the payload passed but the workbench reported ${outcome.code}`;
      return { exitCode: 1, reason: why, result, seconds: seconds(), serverLog };
    }
    return { exitCode: 0, result, seconds: seconds(), serverLog };
  } finally {
    await browser?.close();
    await server?.stop();
  }
}
