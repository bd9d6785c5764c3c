import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  acquireBuildLock,
  buildLockFile,
  describeHolder,
  type BuildLockHolder,
} from '../../src/core/build/buildLock';

/*
 * The lock that keeps builds of one packages folder one at a time across
 * processes (a CLI build while a VS Code window builds on save): real files in
 * a temporary cache folder, real process ids.
 */
describe('build lock (one build per packages folder, across processes)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-buildlock-'));
    file = path.join(dir, 'build-locks', 'ws.lock');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A process id that is certainly gone: a child that has already exited. */
  const deadPid = (): number => {
    const r = spawnSync(process.execPath, ['-e', '0']);
    assert.ok(r.pid);
    return r.pid;
  };

  it('a second build waits for the first, hears who holds the folder, and runs once it is released', async () => {
    const first = await acquireBuildLock(file, 'nso-workbench build');
    const heard: BuildLockHolder[] = [];
    let secondHasIt = false;
    const second = acquireBuildLock(file, 'Visual Studio Code window', {
      onWait: (h) => heard.push(h),
    }).then((lock) => {
      secondHasIt = true;
      return lock;
    });
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(secondHasIt, false, 'the second build waits while the first holds the lock');
    assert.equal(heard.length, 1, 'told once about the holder, not at every look');
    assert.equal(heard[0]!.pid, process.pid);
    assert.equal(heard[0]!.by, 'nso-workbench build');
    assert.match(describeHolder(heard[0]!), /^nso-workbench build, since .+, process \d+$/);

    await first.release();
    const lock = await second;
    const holder = JSON.parse(fs.readFileSync(file, 'utf8')) as BuildLockHolder;
    assert.equal(holder.by, 'Visual Studio Code window');
    await lock.release();
    assert.equal(fs.existsSync(file), false, 'released: the lock file is gone');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), [], 'no temporary files left');
  });

  it('takes over a lock whose build process is gone', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const stale = { pid: deadPid(), host: os.hostname(), since: Date.now() - 60_000, by: 'x' };
    fs.writeFileSync(file, JSON.stringify(stale));
    const heard: BuildLockHolder[] = [];
    const lock = await acquireBuildLock(file, 'nso-workbench build', {
      onWait: (h) => heard.push(h),
    });
    assert.deepEqual(heard, [], 'no wait for a dead holder');
    assert.equal((JSON.parse(fs.readFileSync(file, 'utf8')) as BuildLockHolder).pid, process.pid);
    await lock.release();
  });

  it('waits for a holder on another machine (its process cannot be checked)', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const remote = { pid: deadPid(), host: `not-${os.hostname()}`, since: Date.now(), by: 'x' };
    fs.writeFileSync(file, JSON.stringify(remote));
    const controller = new AbortController();
    const heard: BuildLockHolder[] = [];
    const waiting = acquireBuildLock(file, 'y', {
      signal: controller.signal,
      onWait: (h) => heard.push(h),
    });
    await new Promise((r) => setTimeout(r, 400));
    controller.abort();
    await assert.rejects(waiting);
    assert.equal(heard[0]?.host, remote.host);
    assert.match(describeHolder(heard[0]), new RegExp(`on ${remote.host}$`));
  });

  it('cancelling a waiting build leaves the running build its lock', async () => {
    const first = await acquireBuildLock(file, 'a');
    const held = fs.readFileSync(file, 'utf8');
    const controller = new AbortController();
    const waiting = acquireBuildLock(file, 'b', { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await assert.rejects(waiting);
    assert.equal(fs.readFileSync(file, 'utf8'), held);
    await first.release();
  });

  it('a release never removes a lock another build holds now', async () => {
    const lock = await acquireBuildLock(file, 'a');
    const other = { pid: process.pid, host: os.hostname(), since: Date.now() + 1, by: 'b' };
    fs.writeFileSync(file, JSON.stringify(other));
    await lock.release();
    assert.equal(fs.existsSync(file), true);
  });

  it('one lock file per packages folder, in the cache folder, the same through a symbolic link', async () => {
    const packages = path.join(dir, 'ws', 'packages');
    fs.mkdirSync(packages, { recursive: true });
    fs.symlinkSync(path.join(dir, 'ws'), path.join(dir, 'link'));
    const env = { XDG_CACHE_HOME: path.join(dir, 'cache') };
    const direct = await buildLockFile(packages, env);
    assert.equal(await buildLockFile(path.join(dir, 'link', 'packages'), env), direct);
    assert.ok(
      direct.startsWith(path.join(dir, 'cache', 'nso-workbench', 'build-locks') + path.sep),
    );
    assert.notEqual(await buildLockFile(path.join(dir, 'ws', 'other'), env), direct);
  });
});
