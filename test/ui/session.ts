// One code-server with the packaged extension installed, one Chromium page on
// a copy of the sample workspace: started by the first UI test that asks, shared
// by all of them, stopped by the root hook in hooks.ts.
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchChromium, type LaunchedBrowser } from '../exthost/harness/browser';
import {
  createProfile,
  installExtension,
  locateVsCodeHost,
  startCodeServer,
  type RunningCodeServer,
} from '../exthost/harness/codeServer';
import { repoRoot, sampleWorkspace, testResultsDir } from '../exthost/harness/paths';
import { Workbench } from './workbench';

export interface UiSession {
  workbench: Workbench;
  /** The workspace folder the browser has open (a copy of sample/). */
  workspace: string;
  server: RunningCodeServer;
}

/** What the ncs.conf tests open: an ncs.conf whose XML is not well-formed. */
export const brokenNcsConf = path.join('broken', 'ncs.conf');

let starting: Promise<UiSession> | undefined;
let teardown: (() => Promise<void>) | undefined;
/** The running session's temporary folder (profile, logs, workspace). */
let sessionDir: string | undefined;

async function start(): Promise<UiSession> {
  const vsix = process.env.NSO_VSIX ?? path.join(repoRoot, 'dist', 'nso-workbench.vsix');
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'nso-ui-'));
  sessionDir = runDir;
  const host = locateVsCodeHost();
  const profile = createProfile(path.join(runDir, 'profile'));
  await installExtension(host, profile, vsix);

  const workspace = path.join(runDir, 'nso-sample');
  cpSync(sampleWorkspace, workspace, { recursive: true });
  mkdirSync(path.join(workspace, 'broken'));
  writeFileSync(
    path.join(workspace, brokenNcsConf),
    '<ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">\n' +
      '  <load-path>\n' +
      '    <dir>./packages</dir>\n' +
      '</ncs-config>\n',
  );

  const server = await startCodeServer(host, profile, {
    logFile: path.join(runDir, 'code-server.log'),
  });
  let browser: LaunchedBrowser;
  try {
    browser = await launchChromium();
  } catch (e) {
    await server.stop();
    throw e;
  }
  teardown = async () => {
    await browser.close();
    await server.stop();
    if (process.env.NSO_UI_KEEP) console.log(`[ui] kept ${runDir}`);
    else rmSync(runDir, { recursive: true, force: true });
  };
  const page = await browser.browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => console.error(`[ui] page error: ${e.message}`));
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`, { timeout: 60_000 });
  const workbench = new Workbench(page, path.join(testResultsDir, 'ui'));
  await workbench.waitUntilReady();
  return { workbench, workspace, server };
}

/** The shared session, started on first use. */
export function uiSession(): Promise<UiSession> {
  starting ??= start();
  return starting;
}

export async function closeUiSession(): Promise<void> {
  await teardown?.();
  teardown = undefined;
  starting = undefined;
  sessionDir = undefined;
}

/**
 * After a failed test: a screenshot, and the extension's own log copied beside
 * it and its tail printed, so a failure seen only in CI (whose clone and
 * profile are gone afterwards) can still be read.
 */
export async function recordFailure(title: string): Promise<void> {
  if (!starting || !sessionDir) return;
  const slug = `failed-${title.replace(/[^a-zA-Z0-9]+/g, '-').slice(0, 60)}`;
  const session = await starting.catch(() => undefined);
  if (session) {
    const shot = await session.workbench.screenshot(slug).catch(() => undefined);
    if (shot) console.log(`[ui] screenshot of the failure: ${shot}`);
  }
  for (const log of extensionLogs(path.join(sessionDir, 'profile'))) {
    const kept = path.join(testResultsDir, 'ui', `${slug}-${path.basename(log)}`);
    copyFileSync(log, kept);
    const tail = readFileSync(log, 'utf8').split('\n').slice(-40).join('\n');
    console.log(`[ui] last lines of ${path.basename(log)} (all in ${kept}):\n${tail}`);
  }
}

/** The NSO Workbench output channel's files of every extension host of the profile. */
function extensionLogs(profile: string): string[] {
  const logsDir = path.join(profile, 'user-data', 'logs');
  if (!existsSync(logsDir)) return [];
  const found: string[] = [];
  for (const session of readdirSync(logsDir)) {
    for (const host of readdirSync(path.join(logsDir, session)).filter((d) =>
      d.startsWith('exthost'),
    )) {
      const dir = path.join(logsDir, session, host, 'nso-workbench.nso-workbench');
      if (!existsSync(dir)) continue;
      found.push(...readdirSync(dir).map((f) => path.join(dir, f)));
    }
  }
  return found;
}
