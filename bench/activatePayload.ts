// Runs inside the extension host of a window whose workspace does not trigger
// NSO Workbench's activation events, so the extension is still inactive when
// this runs. It then times the real ext.activate(): loading dist/extension.js,
// calling activate() and waiting for what it returns, as VS Code does when an
// activation event fires. Then what activation leaves for later, so that no
// cost hides behind the figure: the status bar's first NSO state, and the
// first command that needs the features loaded on demand (dist/features.js).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { resultFileEnv, type PayloadResult } from '../test/exthost/harness/result';
import { userDataDirEnv, type ActivationSample } from './activateShared';

const logWaitMs = 10_000;
const logPollMs = 100;

function readLogged(userDataDir: string, line: RegExp): RegExpExecArray | undefined {
  const logs = readdirSync(userDataDir, { recursive: true, encoding: 'utf8' }).filter(
    (f) => path.basename(f) === 'NSO Workbench.log',
  );
  for (const log of logs) {
    const match = line.exec(readFileSync(path.join(userDataDir, log), 'utf8'));
    if (match) return match;
  }
  return undefined;
}

/** Waits for the log channel's file to get a line (it is written lazily). */
async function logged(line: RegExp): Promise<RegExpExecArray | undefined> {
  const userDataDir = process.env[userDataDirEnv];
  if (!userDataDir) return undefined;
  const deadline = Date.now() + logWaitMs;
  for (;;) {
    const match = readLogged(userDataDir, line);
    if (match !== undefined || Date.now() > deadline) return match;
    await new Promise((resolve) => setTimeout(resolve, logPollMs));
  }
}

const healthWaitMs = 30_000;
const healthPollMs = 25;

interface HealthSnapshot {
  statusBar: { changedAt: number };
  health: { state: string };
}

/**
 * Waits for the status bar to show a first NSO state, and returns when its
 * text changed to it (the snapshot keeps that time, so polling costs no
 * precision), counted from `since` (ms since the epoch).
 */
async function firstHealthMs(since: number): Promise<number | undefined> {
  const deadline = Date.now() + healthWaitMs;
  for (;;) {
    const snap = await vscode.commands.executeCommand<HealthSnapshot>('nso.health.snapshot');
    if (snap.health.state !== 'connecting') return snap.statusBar.changedAt - since;
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, healthPollMs));
  }
}

const quietTickMs = 3;
const quietTicksNeeded = 20;
const settleTimeoutMs = 20_000;

/**
 * Waits until the extension host's event loop is idle (a run of timer ticks
 * that each come back within quietTickMs), so the built-in extensions that
 * activate after start-up do not run inside the measurement. Gives up quietly
 * after settleTimeoutMs: the figure is then recorded as it is.
 */
async function settle(): Promise<number> {
  const started = performance.now();
  let quiet = 0;
  while (quiet < quietTicksNeeded && performance.now() - started < settleTimeoutMs) {
    const before = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 0));
    quiet = performance.now() - before <= quietTickMs ? quiet + 1 : 0;
  }
  return performance.now() - started;
}

function record(result: Omit<PayloadResult, 'pid' | 'at'>): void {
  const file = process.env[resultFileEnv];
  if (!file) return;
  writeFileSync(
    file,
    JSON.stringify({ ...result, pid: process.pid, at: new Date().toISOString() }),
  );
}

export async function run(): Promise<void> {
  record({ state: 'started' });
  try {
    const extension = vscode.extensions.getExtension('nso-workbench.nso-workbench');
    if (!extension) throw new Error('nso-workbench.nso-workbench is not loaded');
    if (extension.isActive) {
      throw new Error('the extension is already active: the bench workspace must not activate it');
    }
    const settleMs = await settle();
    const cpuBefore = process.cpuUsage();
    const startedAt = Date.now();
    const started = performance.now();
    await extension.activate();
    const activateMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const health = await firstHealthMs(startedAt);

    // The first deferred load, in an idle window again.
    await settle();
    const commandStarted = performance.now();
    await vscode.commands.executeCommand('nso.packages.refresh');
    const firstFeatureCommandMs = performance.now() - commandStarted;
    const features = await logged(/NSO Workbench features loaded in ([\d.]+) ms \(([^)]*)\)/);

    const body = await logged(/NSO Workbench activated in ([\d.]+) ms/);
    const sample: ActivationSample = {
      activateMs,
      activateCpuMs: (cpu.user + cpu.system) / 1000,
      settleMs,
      activateBodyMs: body ? Number(body[1]) : undefined,
      firstHealthMs: health,
      firstFeatureCommandMs,
      featuresLoadMs: features ? Number(features[1]) : undefined,
      featuresLoadedBy: features?.[2],
    };
    record({ state: 'passed', data: sample });
  } catch (e) {
    record({ state: 'failed', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    throw e;
  }
}
