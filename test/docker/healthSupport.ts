// Test equipment for the health and event tests: the docker CLI with argv
// arrays, waiting for a condition with a deadline, and a private Docker engine
// on its own socket, data and exec roots (no bridge, no iptables), so a test
// can stop and restart an engine without touching the shared one.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Everything these tests create carries this prefix. */
export const healthPrefix = 'nsowb-healthtest-';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function docker(args: string[], options: { host?: string; timeoutMs?: number } = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (options.host) env.DOCKER_HOST = options.host;
  delete env.DOCKER_CONTEXT;
  return new Promise<CliResult>((resolve, reject) => {
    execFile(
      'docker',
      args,
      { env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(`docker ${args.join(' ')}: ${err.message}\n${stderr}`));
          return;
        }
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      },
    );
  });
}

export async function dockerOk(
  args: string[],
  options: { host?: string; timeoutMs?: number } = {},
): Promise<string> {
  const r = await docker(args, options);
  if (r.code !== 0) {
    throw new Error(`docker ${args.join(' ')} failed (${r.code}):\n${r.stdout}${r.stderr}`);
  }
  return r.stdout.trim();
}

/** Resolves once `condition` holds; rejects after `timeoutMs` saying what it waited for. */
export async function waitUntil(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  pollMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * Resolves with the first value `subscribe` delivers that passes `test`.
 * For events the code under test fires: no polling involved.
 */
export function nextMatching<T>(
  what: string,
  subscribe: (listener: (value: T) => void) => { dispose(): void },
  test: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const sub = subscribe((value) => {
      if (!test(value)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(value);
    });
  });
}

/** A Docker engine of our own under /tmp, started and stopped by the test. */
export class PrivateEngine {
  readonly socket: string;
  readonly host: string;
  private child: ChildProcess | undefined;

  constructor(readonly dir: string) {
    this.socket = path.join(dir, 'docker.sock');
    this.host = `unix://${this.socket}`;
  }

  async start(): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    const log = fs.openSync(path.join(this.dir, 'dockerd.log'), 'a');
    // Its own network namespace: a second dockerd in the host's namespace
    // takes down the shared engine's docker0 bridge when it starts or stops,
    // and every other container on the default network fails after that.
    this.child = spawn(
      'unshare',
      [
        '--net',
        'dockerd',
        '--host',
        this.host,
        '--data-root',
        path.join(this.dir, 'data'),
        '--exec-root',
        path.join(this.dir, 'exec'),
        '--pidfile',
        path.join(this.dir, 'docker.pid'),
        '--bridge=none',
        '--iptables=false',
        '--ip-masq=false',
        '--log-level=warn',
      ],
      { stdio: ['ignore', log, log], detached: true },
    );
    fs.closeSync(log);
    await this.answering(30_000);
  }

  /** Waits until `docker info` answers on the private socket. */
  async answering(timeoutMs: number): Promise<void> {
    await waitUntil(
      `the private engine at ${this.host} to answer`,
      async () => (await docker(['info', '--format', '{{.ID}}'], { host: this.host })).code === 0,
      timeoutMs,
      100,
    );
  }

  /** Stops the engine as a service manager would (SIGTERM) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    this.child = undefined;
  }

  /** Stops the engine and removes its folders (unmounting what it left behind). */
  async destroy(): Promise<void> {
    await this.stop();
    const mounts = fs
      .readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[1] ?? '')
      .filter((m) => m.startsWith(this.dir))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) {
      await new Promise<void>((resolve) => execFile('umount', ['-l', m], () => resolve()));
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Copies an image from the shared engine into another one (docker save | docker load). */
export async function copyImage(image: string, toHost: string): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: toHost };
  delete env.DOCKER_CONTEXT;
  await new Promise<void>((resolve, reject) => {
    const save = spawn('docker', ['save', image], { stdio: ['ignore', 'pipe', 'inherit'] });
    const load = spawn('docker', ['load'], { env, stdio: ['pipe', 'ignore', 'inherit'] });
    save.stdout.pipe(load.stdin);
    load.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`docker load into ${toHost} exited ${code}`)),
    );
    save.once('error', reject);
    load.once('error', reject);
  });
}
