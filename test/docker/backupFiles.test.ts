// Backup files of a production container of the NSO simulator: take, list,
// import, download and delete, the CLI over them, and the failures the issue
// names (not gzip, full disk, a container dying during the backup, another NSO
// version, names with spaces and shell characters) with nothing lost.

import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import * as zlib from 'node:zlib';

import { backupCommand } from '../../src/cli/backupCommand';
import type { DockerClient } from '../../src/core/docker';
import {
  backupHelperLabel,
  deleteBackup,
  isBackupError,
  listBackups,
  openBackupAccess,
  removeHelper,
  startHelper,
  takeBackup,
  type BackupEntry,
} from '../../src/core/nso/backup';
import { executeRestore, planRestore } from '../../src/core/nso/backupRestore';
import { downloadBackup, importBackup } from '../../src/core/nso/backupTransfer';
import { workbenchLabels } from '../../src/core/nso/labels';
import {
  cleanup,
  client,
  createVolume,
  devices,
  docker,
  dockerOk,
  eventually,
  setDevice,
  startNso,
  uniqueName,
  waitHealthy,
} from './backupSupport';

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

async function rejectsWith(
  promise: Promise<unknown>,
  kind: string,
  message?: RegExp,
): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isBackupError(error), `a BackupError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected a ${kind} failure`);
}

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  return {
    stream: new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString();
        done();
      },
    }),
    text: () => text,
  };
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = capture();
  const err = capture();
  const code = await backupCommand.run(args, {
    stdout: out.stream,
    stderr: err.stream,
    env: process.env,
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('NSO backup files in the production container', function () {
  this.timeout(240_000);
  let dockerClient: DockerClient;
  let hostDir: string;
  let workspace: string;
  let nso = '';

  before(async () => {
    dockerClient = client();
    hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-backuptest-files-'));
    workspace = path.join(hostDir, 'workspace');
    fs.mkdirSync(workspace);
    const nsoVol = await createVolume('filesnso');
    const labels = workbenchLabels('prod', workspace);
    nso = await startNso('files', [
      '-v',
      `${nsoVol}:/nso`,
      ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    ]);
    await setDevice(nso, 'f1', '198.51.100.1');
  });

  after(async () => {
    await cleanup();
    fs.rmSync(hostDir, { recursive: true, force: true });
  });

  let taken: BackupEntry;

  it('takes a backup with ncs-backup and lists it with NSO version, time and size', async () => {
    let output = '';
    const result = await takeBackup(dockerClient, nso, { onOutput: (t) => (output += t) });
    taken = result.entry;
    assert.match(
      output,
      /^INFO {2}Backup \/nso\/run\/backups\/ncs-6\.4\.1@.* created successfully\n$/,
    );
    assert.equal(taken.kind, 'backup');
    assert.equal(taken.version, '6.4.1');
    assert.match(taken.time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    assert.ok(taken.sizeBytes > 100, `size ${taken.sizeBytes}`);
    const listed = await listBackups(dockerClient, nso);
    assert.deepEqual(
      listed.map((e) => e.name),
      [taken.name],
    );
    assert.equal(listed[0]!.sizeBytes, taken.sizeBytes);
  });

  it('downloads a backup with its size checked, and never overwrites a host file', async () => {
    const dir = path.join(hostDir, 'downloads');
    const result = await downloadBackup(dockerClient, nso, taken.name, dir);
    assert.equal(result.file, path.join(dir, taken.name));
    assert.equal(fs.statSync(result.file).size, taken.sizeBytes);
    // It is the container's file, byte for byte.
    const inContainer = await dockerOk(['exec', nso, 'sha256sum', taken.path]);
    assert.equal(inContainer.split(' ')[0], sha256(result.file));
    zlib.gunzipSync(fs.readFileSync(result.file));

    const before = sha256(result.file);
    await rejectsWith(
      downloadBackup(dockerClient, nso, taken.name, dir),
      'exists',
      /left as it is/,
    );
    assert.equal(sha256(result.file), before);
    assert.deepEqual(fs.readdirSync(dir), [taken.name], 'no temporary file is left');
  });

  it('imports a host file whose name has spaces and shell characters, as data', async () => {
    const name = `copy of ncs-6.4.1 $(touch pwned); rm -rf x & 'q' \`id\`.backup.gz`;
    const file = path.join(hostDir, name);
    fs.copyFileSync(path.join(hostDir, 'downloads', taken.name), file);
    const { entry } = await importBackup(dockerClient, nso, file);
    assert.equal(entry.name, name);
    assert.equal(entry.sizeBytes, fs.statSync(file).size);
    assert.equal(entry.kind, 'other');
    const names = (await listBackups(dockerClient, nso)).map((e) => e.name);
    assert.ok(names.includes(name), names.join(' | '));
    assert.ok(!names.some((n) => n.endsWith('.importing')), 'no temporary file is left');
    const pwned = await docker(['exec', nso, 'find', '/', '-xdev', '-name', 'pwned']);
    assert.equal(pwned.stdout.trim(), '', 'nothing in the name ran');

    // Back out again under that name, and refused a second time in.
    const back = await downloadBackup(dockerClient, nso, name, path.join(hostDir, 'again'));
    assert.equal(sha256(back.file), sha256(file));
    await rejectsWith(
      importBackup(dockerClient, nso, file),
      'exists',
      /already holds a file named/,
    );

    // A restore plan accepts it too: the name reaches ncs-backup only as an argument.
    const plan = await planRestore(dockerClient, nso, name);
    assert.equal(plan.backup.name, name);
  });

  it('refuses a file that is not gzip, or cut short, before anything changes', async () => {
    const before = (await listBackups(dockerClient, nso)).map((e) => e.name);
    const text = path.join(hostDir, 'ncs-6.4.1@2024-01-01T00:00:00.backup.gz');
    fs.writeFileSync(text, 'this is not a backup\n');
    await rejectsWith(importBackup(dockerClient, nso, text), 'notGzip', /is not a gzip file/);
    const whole = fs.readFileSync(path.join(hostDir, 'downloads', taken.name));
    const cut = path.join(hostDir, 'ncs-6.4.1@2024-01-02T00:00:00.backup.gz');
    fs.writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    await rejectsWith(importBackup(dockerClient, nso, cut), 'notGzip', /damaged gzip file/);
    assert.deepEqual(
      (await listBackups(dockerClient, nso)).map((e) => e.name),
      before,
    );

    // One that got into the folder some other way is refused by the restore plan, NSO still up.
    await dockerOk(['cp', text, `${nso}:/nso/run/backups/`]);
    await rejectsWith(
      planRestore(dockerClient, nso, path.basename(text)),
      'notGzip',
      /not a whole gzip file.*Nothing was changed/,
    );
    assert.equal((await dockerOk(['inspect', '-f', '{{.State.Running}}', nso])).trim(), 'true');
  });

  it('warns about a backup of another NSO version and does nothing without consent', async () => {
    const other = path.join(hostDir, 'ncs-6.3@2024-02-02T10:00:00.backup.gz');
    fs.copyFileSync(path.join(hostDir, 'downloads', taken.name), other);
    await importBackup(dockerClient, nso, other);
    const plan = await planRestore(dockerClient, nso, path.basename(other));
    assert.deepEqual(plan.versionMismatch, { backup: '6.3', nso: '6.4.1' });
    assert.ok(
      plan.summary.some((s) => /taken with NSO 6\.3; the container runs NSO 6\.4\.1/.test(s)),
    );
    await rejectsWith(
      executeRestore(dockerClient, plan, { stateDir: path.join(hostDir, 'state') }),
      'ncsBackup',
      /confirm restoring a backup of another version/,
    );
    const refused = await cli(['restore', path.basename(other), '--yes', '--container', nso]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /runs NSO 6\.4\.1\. Add --allow-other-version .* Nothing was changed\./,
    );
    assert.equal((await dockerOk(['inspect', '-f', '{{.State.Running}}', nso])).trim(), 'true');
    assert.ok(!fs.existsSync(path.join(hostDir, 'state')), 'no restore was started');
  });

  it('deletes a backup that is listed, and says so when it is not', async () => {
    const name = 'ncs-6.3@2024-02-02T10:00:00.backup.gz';
    const deleted = await deleteBackup(dockerClient, nso, name);
    assert.equal(deleted.name, name);
    assert.ok(!(await listBackups(dockerClient, nso)).some((e) => e.name === name));
    await rejectsWith(deleteBackup(dockerClient, nso, name), 'notFound', /There is no/);
    await rejectsWith(deleteBackup(dockerClient, nso, '../run/cdb/A.cdb'), 'badName');
  });

  it('lists the backups of a stopped container through a helper with the same mounts', async () => {
    const running = await listBackups(dockerClient, nso);
    await dockerOk(['stop', nso]);
    const access = await openBackupAccess(dockerClient, nso);
    try {
      assert.equal(access.viaHelper, true);
      assert.deepEqual(
        (await listBackups(dockerClient, access.container)).map((e) => e.name),
        running.map((e) => e.name),
      );
    } finally {
      await access.close();
    }
    const helpers = await dockerOk([
      'ps',
      '-a',
      '-q',
      '--filter',
      `label=${backupHelperLabel}=${nso}`,
    ]);
    assert.equal(helpers.trim(), '', 'the helper is removed');
    await dockerOk(['start', nso]);
    await waitHealthy(nso);
  });

  it('ends a helper left behind by a process that died, and Docker removes it', async () => {
    await dockerOk(['stop', nso]);
    try {
      // What a killed window leaves: a helper nobody will close.
      const details = await dockerClient.inspectContainer(nso);
      const helper = await startHelper(dockerClient, details, { lifetimeS: 2 });
      assert.equal(
        (await dockerOk(['inspect', '-f', '{{.HostConfig.AutoRemove}}', helper])).trim(),
        'true',
      );
      let gone = false;
      for (let i = 0; i < 60 && !gone; i++) {
        await new Promise((r) => setTimeout(r, 500));
        gone = (await docker(['container', 'inspect', helper])).code !== 0;
      }
      assert.ok(gone, 'the helper ended by itself and was removed');
      // Closing it afterwards, as the process would if it had lived, is harmless.
      await removeHelper(dockerClient, helper);
    } finally {
      await dockerOk(['start', nso]);
      await waitHealthy(nso);
    }
  });

  it('works from the command line, finding the container by its workspace label', async () => {
    const listed = await cli(['list', '--dir', workspace, '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const json = JSON.parse(listed.stdout) as {
      ok: boolean;
      backups: { name: string; version: string | null }[];
    };
    assert.equal(json.ok, true);
    assert.ok(json.backups.some((b) => b.name === taken.name && b.version === '6.4.1'));

    const noConsent = await cli(['delete', taken.name, '--dir', workspace]);
    assert.equal(noConsent.code, 2);
    assert.match(noConsent.stderr, /add --yes/);

    // A folder that exists, but no container is labelled with it.
    fs.mkdirSync(path.join(hostDir, 'elsewhere'), { recursive: true });
    const nowhere = await cli(['list', '--dir', path.join(hostDir, 'elsewhere')]);
    assert.equal(nowhere.code, 1);
    assert.match(
      nowhere.stderr,
      /No NSO production container for .*elsewhere: start one with nso-workbench start, or name one .* with --container/,
    );

    await setDevice(nso, 'f1', '198.51.100.99');
    const restored = await cli([
      'restore',
      taken.name,
      '--yes',
      '--dir',
      workspace,
      '--state-dir',
      path.join(hostDir, 'cli-state'),
      '--json',
    ]);
    assert.equal(restored.code, 0, restored.stdout + restored.stderr);
    const report = JSON.parse(restored.stdout) as {
      ok: boolean;
      differences: string[];
      safetyBackup: string;
      journalFile: string;
    };
    assert.equal(report.ok, true);
    assert.deepEqual(report.differences, []);
    assert.ok(report.journalFile.startsWith(path.join(hostDir, 'cli-state')));
    assert.match(await devices(nso), /address 198\.51\.100\.1\n/);

    const created = await cli(['create', '--container', nso]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Backup ncs-6\.4\.1@.*\.backup\.gz created \(/);
  });

  it('says the disk is full when ncs-backup cannot write, and keeps what was there', async () => {
    // A 256 KiB tmpfs as the backups folder, a run directory that does not fit into it.
    const small = await startNso('full', [
      '--mount',
      'type=tmpfs,destination=/nso/run/backups,tmpfs-size=262144',
    ]);
    await dockerOk([
      'exec',
      small,
      'bash',
      '-c',
      'head -c 400000 /dev/urandom > /nso/run/blob && echo keep > /nso/run/backups/earlier.txt',
    ]);
    const error = await rejectsWith(takeBackup(dockerClient, small), 'diskFull', /is full .* free/);
    assert.match(error.message, /No backup was written/);
    const left = await listBackups(dockerClient, small);
    assert.ok(
      left.some((e) => e.name === 'earlier.txt'),
      'the file already there is kept',
    );
    assert.ok(!left.some((e) => e.kind === 'backup'), 'no half backup is listed as a backup');

    const large = path.join(hostDir, 'ncs-6.4.1@2024-03-03T00:00:00.backup.gz');
    fs.writeFileSync(large, zlib.gzipSync(randomBytes(400_000)));
    await rejectsWith(
      importBackup(dockerClient, small, large),
      'diskFull',
      /Not enough space .* Nothing was copied/,
    );
  });

  it('says the container stopped when it dies during the backup, and keeps earlier backups', async () => {
    const vol = await createVolume('dying');
    const dying = await startNso('dying', ['-v', `${vol}:/nso`]);
    const first = await takeBackup(dockerClient, dying);
    // Enough incompressible data that gzip runs for a few seconds.
    await dockerOk(['exec', dying, 'bash', '-c', 'head -c 150000000 /dev/urandom > /nso/run/blob']);
    const backup = takeBackup(dockerClient, dying);
    backup.catch(() => undefined); // awaited below, after the kill
    await eventually(
      async () => (await listBackups(dockerClient, dying)).some((e) => e.kind === 'partial'),
      (writing) => writing,
      'ncs-backup to start writing',
      60_000,
    );
    await dockerOk(['kill', dying]);
    const error = await rejectsWith(
      backup,
      'containerDied',
      /stopped while ncs-backup was running \(exit code \d+\)/,
    );
    assert.match(error.message, /files already in \/nso\/run\/backups are untouched/);

    await dockerOk(['start', dying]);
    await waitHealthy(dying);
    const after = await listBackups(dockerClient, dying);
    const kept = after.find((e) => e.name === first.entry.name);
    assert.equal(kept?.sizeBytes, first.entry.sizeBytes, 'the earlier backup is intact');
    assert.ok(
      after.filter((e) => e.kind === 'backup').length === 1,
      'the cut-off file is not taken for a backup',
    );
  });

  it('refuses to restore when /nso is not a volume or bind mount', async () => {
    const inLayer = await startNso('tmpfs', ['--mount', 'type=tmpfs,destination=/nso']);
    const { entry } = await takeBackup(dockerClient, inLayer);
    await rejectsWith(
      planRestore(dockerClient, inLayer, entry.name),
      'noNsoMount',
      /no volume or bind mount at \/nso/,
    );
    assert.equal((await dockerOk(['inspect', '-f', '{{.State.Running}}', inLayer])).trim(), 'true');
  });

  it('refuses to restore a backup that does not fit on the disk of /nso, before NSO stops', async () => {
    // /nso on an 8 MiB tmpfs volume; a backup that unpacks to 32 MiB (of zeros, so it is small).
    const volume = uniqueName('smallnso');
    await dockerOk([
      'volume',
      'create',
      '--driver',
      'local',
      '--opt',
      'type=tmpfs',
      '--opt',
      'device=tmpfs',
      '--opt',
      'o=size=8m',
      volume,
    ]);
    const small = await startNso('smallnso', ['-v', `${volume}:/nso`]);
    const name = 'ncs-6.4.1@2024-04-04T00:00:00.backup.gz';
    await dockerOk([
      'exec',
      small,
      'bash',
      '-c',
      'mkdir -p "${0%/*}" && head -c 33554432 /dev/zero | gzip -c > "$0"',
      `/nso/run/backups/${name}`,
    ]);
    const idBefore = (await dockerOk(['inspect', '-f', '{{.Id}}', small])).trim();

    await rejectsWith(
      planRestore(dockerClient, small, name),
      'diskFull',
      /Not enough space to restore .*unpacks to about 32 MiB.*Nothing was changed/,
    );
    assert.equal((await dockerOk(['inspect', '-f', '{{.Id}}', small])).trim(), idBefore);
    assert.equal((await dockerOk(['inspect', '-f', '{{.State.Running}}', small])).trim(), 'true');
    assert.equal((await docker(['exec', small, 'test', '-e', '/nso/run.old'])).code, 1);
    assert.ok((await listBackups(dockerClient, small)).some((e) => e.name === name));
  });
});
