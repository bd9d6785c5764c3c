// Headless Debian Chromium driven through playwright-core. playwright-core
// lives in test/vscode/node_modules (installed by scripts/setup-vscode.sh, next
// to code-server), not among the extension's dependencies, so it is loaded
// from there at run time and typed here by the few calls the harness makes.
// FIXME: with playwright-core a root devDependency these declarations could
// give way to the package's own types.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { killProcessGroup, recordProcessGroup } from './processGroups';
import { repoRoot } from './paths';

type Modifier = 'Alt' | 'Control' | 'ControlOrMeta' | 'Meta' | 'Shift';

export interface Locator {
  click(options?: {
    button?: 'left' | 'right' | 'middle';
    modifiers?: Modifier[];
    clickCount?: number;
    timeout?: number;
  }): Promise<void>;
  dblclick(options?: { timeout?: number }): Promise<void>;
  hover(options?: { timeout?: number }): Promise<void>;
  fill(value: string, options?: { timeout?: number }): Promise<void>;
  press(key: string, options?: { timeout?: number }): Promise<void>;
  waitFor(options?: {
    state?: 'attached' | 'detached' | 'visible' | 'hidden';
    timeout?: number;
  }): Promise<void>;
  innerText(options?: { timeout?: number }): Promise<string>;
  allInnerTexts(): Promise<string[]>;
  textContent(options?: { timeout?: number }): Promise<string | null>;
  inputValue(options?: { timeout?: number }): Promise<string>;
  getAttribute(name: string, options?: { timeout?: number }): Promise<string | null>;
  isVisible(): Promise<boolean>;
  count(): Promise<number>;
  first(): Locator;
  last(): Locator;
  nth(index: number): Locator;
  locator(selector: string): Locator;
  filter(options: {
    hasText?: string | RegExp;
    hasNotText?: string | RegExp;
    has?: Locator;
    hasNot?: Locator;
  }): Locator;
  screenshot(options: { path: string }): Promise<Buffer>;
}

export interface ConsoleMessage {
  type(): string;
  text(): string;
}

export interface Page {
  goto(
    url: string,
    options?: { timeout?: number; waitUntil?: 'load' | 'commit' },
  ): Promise<unknown>;
  exposeFunction(name: string, callback: (...args: never[]) => unknown): Promise<void>;
  on(event: 'pageerror', listener: (error: Error) => void): Page;
  on(event: 'crash' | 'close', listener: () => void): Page;
  on(event: 'console', listener: (message: ConsoleMessage) => void): Page;
  locator(selector: string): Locator;
  keyboard: {
    press(key: string): Promise<void>;
    type(text: string, options?: { delay?: number }): Promise<void>;
  };
  mouse: {
    move(x: number, y: number): Promise<void>;
    wheel(deltaX: number, deltaY: number): Promise<void>;
  };
  screenshot(options: { path: string; fullPage?: boolean }): Promise<Buffer>;
  close(): Promise<void>;
}

export interface Browser {
  newPage(options?: { viewport?: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
}

interface PlaywrightCore {
  chromium: {
    launch(options: {
      executablePath: string;
      headless: boolean;
      args: string[];
      timeout?: number;
    }): Promise<Browser>;
  };
}

const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const browserCloseTimeoutMs = 5000;

// What keeps Chromium off the closed network and out of the sandbox it cannot
// have as root (TEST-INFRA.md).
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-breakpad',
];

function loadPlaywright(): PlaywrightCore {
  const fromHost = createRequire(path.join(repoRoot, 'test', 'vscode', 'package.json'));
  try {
    return fromHost('playwright-core') as PlaywrightCore;
  } catch (e) {
    throw new Error(
      `playwright-core is not installed in test/vscode (run bash scripts/setup-vscode.sh): ${String(e)}`,
    );
  }
}

/** Process groups led by children of this process whose command is Chromium. */
function chromiumProcessGroups(): number[] {
  const groups: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after "(comm)": state ppid pgrp ...
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const [, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === process.pid && comm.startsWith('chrom')) groups.push(Number(pgrp));
    } catch {
      // The process ended while /proc was being read.
    }
  }
  return groups;
}

export interface LaunchedBrowser {
  browser: Browser;
  /** Closes the browser, and kills its process group if it does not go. */
  close(): Promise<void>;
  processGroups: number[];
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  const playwright = loadPlaywright();
  const browser = await playwright.chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    timeout: 60_000,
  });
  // playwright starts Chromium as the leader of its own process group.
  const processGroups = chromiumProcessGroups();
  processGroups.forEach(recordProcessGroup);
  return {
    browser,
    processGroups,
    close: async () => {
      await Promise.race([
        browser.close().catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, browserCloseTimeoutMs)),
      ]);
      await Promise.all(processGroups.map(killProcessGroup));
    },
  };
}
