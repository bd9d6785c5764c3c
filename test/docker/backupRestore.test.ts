// Restoring NSO backups into a production container of the NSO simulator:
// data written into CDB comes back, /nso/run.old is kept, the container is
// removed and recreated with the same configuration (name, ports on
// 127.0.0.1, labels, env, restart policy, networks with aliases, mounts), and
// a restore container killed half-way leaves a state that is reported
// exactly, from which the container can be recreated and the restore resumed.
// The journal never holds the value of ADMIN_PASSWORD: the restore keeps it in
// memory, and a later process (the values gone) asks a provider for it.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { DockerClient } from '../../src/core/docker';
import { backupHelperLabel, listBackups, takeBackup } from '../../src/core/nso/backup';
import {
  executeRestore,
  forgetSecretsInMemory,
  isMissingSecretsError,
  isRestoreFailure,
  loadJournal,
  planRestore,
  resumeRestore,
  startFromJournal,
  waitHealthy,
  type RestoreFailure,
  type SecretProvider,
} from '../../src/core/nso/backupRestore';
import { recordContainer } from '../../src/core/nso/containerConfig';
import { workbenchLabels } from '../../src/core/nso/labels';
import {
  cleanup,
  client,
  configuration,
  createVolume,
  devices,
  docker,
  dockerOk,
  eventually,
  healthOf,
  inVolume,
  killRestoreWhileUnpacking,
  prodImage,
  runNso,
  runPrefix,
  setDevice,
  startNso,
} from './backupSupport';

describe('Restoring an NSO backup into the production container', function () {
  this.timeout(300_000);
  let dockerClient: DockerClient;
  let stateDir: string;
  // Unique per run, so that finding it anywhere can only mean it was written there.
  const adminPassword = `nsowb-pw-${process.pid}-${Date.now().toString(36)}`;

  /** Every journal file of this run, searched for the password. */
  const journalsHolding = (value: string): string[] =>
    fs
      .readdirSync(stateDir)
      .map((n) => path.join(stateDir, n))
      .filter((f) => fs.readFileSync(f, 'utf8').includes(value));

  /** The password as `docker inspect` reports it in the container's env. */
  const envPassword = async (container: string): Promise<string | undefined> => {
    const env = JSON.parse(
      await dockerOk(['inspect', '-f', '{{json .Config.Env}}', container]),
    ) as string[];
    return env.find((e) => e.startsWith('ADMIN_PASSWORD='))?.slice('ADMIN_PASSWORD='.length);
  };

  before(() => {
    dockerClient = client();
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-backuptest-state-'));
  });

  after(async () => {
    await cleanup();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  describe('with named volumes at /nso and /log, ports, env and labels', () => {
    let nso = '';
    let nsoVol = '';
    let mounts: string[] = [];
    let backupName = '';
    const secondNetwork = `${runPrefix}-net2`;

    after(async () => {
      await docker(['rm', '-f', nso]);
      await docker(['network', 'rm', secondNetwork]);
    });

    before(async () => {
      nsoVol = await createVolume('nso');
      const logVol = await createVolume('log');
      mounts = ['-v', `${nsoVol}:/nso`, '-v', `${logVol}:/log`];
      const labels = workbenchLabels('prod', '/tmp/nsowb-backuptest-workspace');
      nso = await startNso('prod', [
        ...mounts,
        '-p',
        '127.0.0.1::2024',
        '-p',
        '127.0.0.1::8080/tcp',
        '-e',
        'ADMIN_USERNAME=admin',
        '-e',
        `ADMIN_PASSWORD=${adminPassword}`,
        '-e',
        'NSOWB_TEST_MARK=kept',
        '--restart',
        'unless-stopped',
        '--network-alias',
        'nso-primary',
        '--hostname',
        'nso-host',
        '--tmpfs',
        '/scratch:size=16m',
        '--add-host',
        'device-lab:192.0.2.10',
        // As Compose labels its containers: Compose must still recognise the recreated one.
        '--label',
        'com.docker.compose.project=nsowbtest',
        '--label',
        'com.docker.compose.service=nso',
        ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
      ]);
      await dockerOk(['network', 'create', secondNetwork]);
      await dockerOk([
        'network',
        'connect',
        '--alias',
        'nso-second',
        '--alias',
        'nso',
        secondNetwork,
        nso,
      ]);
      await setDevice(nso, 'r1', '10.0.0.1');
      const taken = await takeBackup(dockerClient, nso);
      backupName = taken.entry.name;
      assert.match(backupName, /^ncs-6\.4\.1@\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.backup\.gz$/);
    });

    it('brings the CDB data back, keeps /nso/run.old and the container as it was', async () => {
      // Change the data after the backup.
      await setDevice(nso, 'r1', '10.9.9.9');
      await setDevice(nso, 'r2', '10.0.0.2');
      assert.match(await devices(nso), /device r2/);
      const before = await configuration(nso);
      const idBefore = (await dockerOk(['inspect', '-f', '{{.Id}}', nso])).trim();
      const extrasBefore = await dockerOk([
        'inspect',
        '-f',
        '{{.Config.Hostname}} {{json .HostConfig.Tmpfs}} {{json .HostConfig.ExtraHosts}}',
        nso,
      ]);

      const plan = await planRestore(dockerClient, nso, backupName);
      assert.equal(plan.versionMismatch, undefined);
      assert.equal(plan.nsoVersion, '6.4.1');
      assert.equal(plan.runOldExists, false);
      assert.ok(
        plan.summary.some((s) => s.includes('/nso/run.old')),
        plan.summary.join('\n'),
      );

      const steps: string[] = [];
      let output = '';
      const report = await executeRestore(dockerClient, plan, {
        stateDir,
        onProgress: (p) => steps.push(p.step),
        onOutput: (t) => (output += t),
      });

      assert.deepEqual(steps, [
        'safetyBackup',
        'stop',
        'remove',
        'helper',
        'preserveRunOld',
        'restore',
        'verify',
        'recreate',
        'start',
        'healthy',
        'compare',
      ]);
      assert.match(output, /Restore \/etc\/ncs from the backup \(y\/n\)\?/);
      assert.match(output, /INFO {2}Restore completed successfully/);
      assert.deepEqual(report.differences, []);
      assert.equal(report.recreated, true);
      assert.deepEqual(report.previousRunDirs, ['/nso/run.old']);
      assert.ok(report.safetyBackup, 'a safety backup was taken');

      // The data is the backup's again.
      const now = await devices(nso);
      assert.match(now, /device r1\n address 10\.0\.0\.1\n/);
      assert.doesNotMatch(now, /r2/);

      // /nso/run.old holds the state before the restore, with r2 in its CDB.
      const oldCdb = await dockerOk(['exec', nso, 'cat', '/nso/run.old/cdb/A.cdb']);
      assert.match(oldCdb, /10\.0\.0\.2/);

      // Both backups are listed in the restored run directory.
      const names = (await listBackups(dockerClient, nso)).map((e) => e.name);
      assert.ok(names.includes(backupName), names.join(', '));
      assert.ok(names.includes(report.safetyBackup), names.join(', '));

      // A new container of the same name, configured as before: mounts, env, ports on
      // 127.0.0.1, labels (Compose's too), restart policy, networks with their aliases.
      assert.notEqual((await dockerOk(['inspect', '-f', '{{.Id}}', nso])).trim(), idBefore);
      const after = await configuration(nso);
      assert.deepEqual(after, before);
      assert.deepEqual((after as { restartPolicy: unknown }).restartPolicy, {
        Name: 'unless-stopped',
        MaximumRetryCount: 0,
      });
      assert.deepEqual((after as { networks: unknown }).networks, {
        // Docker 20.10 lists a host name given with --hostname among the aliases, too.
        [`${runPrefix}-net`]: ['nso-host', 'nso-primary'],
        [secondNetwork]: ['nso', 'nso-host', 'nso-second'],
      });
      assert.deepEqual(
        Object.values((after as { publishedPorts: Record<string, string[]> }).publishedPorts),
        [['127.0.0.1'], ['127.0.0.1']],
      );
      assert.equal(
        await dockerOk([
          'inspect',
          '-f',
          '{{.Config.Hostname}} {{json .HostConfig.Tmpfs}} {{json .HostConfig.ExtraHosts}}',
          nso,
        ]),
        extrasBefore,
      );
      // Compose finds it by its labels.
      const byCompose = await dockerOk([
        'ps',
        '-q',
        '--filter',
        'label=com.docker.compose.project=nsowbtest',
        '--filter',
        'label=com.docker.compose.service=nso',
      ]);
      assert.equal(byCompose.trim().split('\n').length, 1);

      // The journal says done and holds the recorded configuration.
      const journal = await loadJournal(report.journalFile);
      assert.equal(journal.status, 'done');
      assert.equal(journal.record.env.NSOWB_TEST_MARK, 'kept');
      assert.equal(journal.record.ports.length, 2);
      // The password went into the recreated container, and into no journal file.
      assert.equal(await envPassword(nso), adminPassword);
      assert.deepEqual(journalsHolding(adminPassword), []);
      assert.match(
        fs.readFileSync(report.journalFile, 'utf8'),
        /"ADMIN_PASSWORD": \{\s*"secret": "ADMIN_PASSWORD"\s*\}/,
      );

      // No helper container is left behind.
      const helpers = await dockerOk([
        'ps',
        '-a',
        '-q',
        '--filter',
        `label=${backupHelperLabel}=${nso}`,
      ]);
      assert.equal(helpers.trim(), '');
    });

    it('renames an existing /nso/run.old aside instead of letting ncs-backup delete it', async () => {
      await setDevice(nso, 'r3', '10.0.0.3');
      const plan = await planRestore(dockerClient, nso, backupName);
      assert.equal(plan.runOldExists, true);
      const report = await executeRestore(dockerClient, plan, { stateDir, safetyBackup: false });
      assert.equal(report.safetyBackup, undefined);
      assert.equal(report.preservedRunOld.length, 1);
      const aside = report.preservedRunOld[0]!;
      assert.match(aside, /^\/nso\/run\.old-\d{8}T\d{6}Z$/);
      // The first restore's run.old (with r2) is still there under its new name.
      assert.match(await dockerOk(['exec', nso, 'cat', `${aside}/cdb/A.cdb`]), /10\.0\.0\.2/);
      // The new run.old holds r3.
      assert.match(await dockerOk(['exec', nso, 'cat', '/nso/run.old/cdb/A.cdb']), /10\.0\.0\.3/);
      assert.doesNotMatch(await devices(nso), /r3/);
    });

    it('reports the exact state when the restore container is killed, and resumes', async () => {
      // Many small files make ncs-backup unpack for a few seconds: time to kill it half-way.
      await dockerOk([
        'exec',
        nso,
        'bash',
        '-c',
        'mkdir -p /nso/run/many && cd /nso/run/many && seq 1 8000 | xargs touch',
      ]);
      const { entry } = await takeBackup(dockerClient, nso);
      await setDevice(nso, 'r4', '10.0.0.4');
      const configBefore = await configuration(nso);
      const plan = await planRestore(dockerClient, nso, entry.name);
      const runOldsBefore = (
        await inVolume(['-v', `${nsoVol}:/nso`], ['bash', '-c', 'ls -d /nso/run.old*'])
      ).stdout
        .split('\n')
        .filter(Boolean);
      const helperFilter = ['ps', '-q', '--filter', `label=${backupHelperLabel}=${nso}`];
      let killed: Promise<boolean> = Promise.resolve(false);
      let failure: RestoreFailure | undefined;
      try {
        await executeRestore(dockerClient, plan, {
          stateDir,
          onProgress: (p) => {
            if (p.step === 'restore') killed = killRestoreWhileUnpacking(nso);
          },
        });
        assert.fail('the restore should have failed');
      } catch (error) {
        if (!isRestoreFailure(error)) throw error;
        failure = error;
      }
      assert.ok(await killed, 'the restore container was killed while unpacking');
      assert.equal(failure.step, 'restore');
      assert.match(
        failure.message,
        /stopped at "Running ncs-backup --restore": the restore container stopped while ncs-backup --restore was running \(exit code 137\)/,
      );
      assert.ok(failure.state, 'the state was read');
      assert.equal(failure.state.containerExists, false, 'removed before the restore ran');
      assert.equal(failure.state.containerRunning, false);
      assert.equal(failure.state.runDirPresent, true, 'killed before /nso/run was moved');
      assert.equal(failure.state.stagingDirs.length, 1, 'the half-unpacked copy is reported');
      assert.ok(failure.canStart, 'NSO could start as it was before');
      assert.ok(failure.canResume, failure.recovery.join('\n'));
      assert.ok(
        failure.recovery.some((r) => r.startsWith(`Recreate container ${nso}`)),
        failure.recovery.join('\n'),
      );
      // Both the backup and the safety backup are still there.
      for (const b of failure.state.backups) assert.ok(b.foundAt, `${b.name} is kept`);
      assert.equal(failure.state.backups.length, 2);
      assert.ok(failure.stateLines.some((l) => l.includes(failure.journalFile)));
      assert.ok(fs.existsSync(failure.journalFile));
      const journal = await loadJournal(failure.journalFile);
      assert.equal(journal.status, 'failed');
      assert.equal(journal.failure?.step, 'restore');
      assert.equal(journal.record.name, nso);

      // Nothing was deleted: the data with r4 is in /nso/run or /nso/run.old*, and run.old-* dirs stay.
      const view = await inVolume(
        ['-v', `${nsoVol}:/nso`],
        ['bash', '-c', 'grep -l 10.0.0.4 /nso/run/cdb/A.cdb; ls -d /nso/run.old*'],
      );
      assert.match(view.stdout, /A\.cdb/, view.stdout + view.stderr);
      const runOldsAfter = view.stdout.split('\n').filter((l) => /^\/nso\/run\.old/.test(l));
      // /nso/run.old itself was renamed aside first (ncs-backup would delete it): the journal says where.
      const renamed = journal.preservedRunOld?.at(-1);
      for (const dir of runOldsBefore) {
        const now = dir === '/nso/run.old' ? renamed : dir;
        assert.ok(now && runOldsAfter.includes(now), `${dir} is kept (as ${now}): ${view.stdout}`);
      }
      assert.equal((await docker(helperFilter)).stdout.trim(), '', 'no helper is left running');

      assert.deepEqual(journalsHolding(adminPassword), []);

      // As in a new process: fresh objects, the password no longer in memory.
      forgetSecretsInMemory();
      const freshClient = client();
      const asked: string[] = [];
      const provider: SecretProvider = ({ name, container }) => {
        asked.push(`${name} for ${container}`);
        return Promise.resolve(name === 'ADMIN_PASSWORD' ? adminPassword : undefined);
      };
      // Without a provider nothing happens: the container stays gone, the journal unchanged.
      const journalText = fs.readFileSync(failure.journalFile, 'utf8');
      await assert.rejects(
        startFromJournal(freshClient, failure.journalFile),
        (e: unknown) => isMissingSecretsError(e) && e.names.join() === 'ADMIN_PASSWORD',
      );
      assert.notEqual((await docker(['inspect', nso])).code, 0, 'not recreated');
      assert.equal(fs.readFileSync(failure.journalFile, 'utf8'), journalText);

      // "Recreate Container": NSO is back as it was before the restore, configured as
      // before, with the password the provider gave.
      const started = await startFromJournal(freshClient, failure.journalFile, {
        secrets: provider,
      });
      assert.deepEqual(asked, [`ADMIN_PASSWORD for ${nso}`]);
      assert.equal(started.recreated, true);
      assert.deepEqual(started.differences, []);
      assert.deepEqual(await configuration(nso), configBefore);
      assert.equal(await envPassword(nso), adminPassword);
      assert.match(await devices(nso), /device r4/);
      assert.deepEqual(journalsHolding(adminPassword), []);

      // Resume, again as a new process, then finishes the restore (it stops and
      // removes the recreated container again).
      forgetSecretsInMemory();
      asked.length = 0;
      const report = await resumeRestore(client(), failure.journalFile, { secrets: provider });
      assert.deepEqual(asked, [`ADMIN_PASSWORD for ${nso}`]);
      assert.equal(report.recreated, true);
      assert.deepEqual(await configuration(nso), configBefore);
      assert.equal(await envPassword(nso), adminPassword);
      assert.deepEqual(report.differences, []);
      assert.deepEqual(journalsHolding(adminPassword), []);
      const after = await devices(nso);
      assert.match(after, /address 10\.0\.0\.1/);
      assert.ok(report.previousRunDirs.includes('/nso/run.old'));
      assert.doesNotMatch(after, /r4/);
      assert.equal((await loadJournal(failure.journalFile)).status, 'done');
    });
  });

  describe('with a bind mount at /nso and a container started with --rm', () => {
    let nso = '';
    let hostDir = '';

    before(async () => {
      hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-backuptest-bind-'));
      nso = await startNso('rm', ['--rm', '-v', `${hostDir}:/nso`, '-e', 'NSOWB_TEST_MARK=bind']);
    });

    after(async () => {
      // The simulator wrote as root; a throw-away container removes what this test made.
      await docker(['rm', '-f', nso]);
      await docker([
        'run',
        '--rm',
        '--network',
        'none',
        '-v',
        `${hostDir}:/x`,
        '--entrypoint',
        'find',
        prodImage,
        '/x',
        '-mindepth',
        '1',
        '-delete',
      ]);
      fs.rmSync(hostDir, { recursive: true, force: true });
    });

    it('recreates the removed container from the record, identically', async () => {
      await setDevice(nso, 'b1', '192.0.2.1');
      const { entry } = await takeBackup(dockerClient, nso);
      // Blanks, quotes and shell syntax in the name: it travels as data. Were it
      // glued into a shell anywhere, a container with the /nso mount would
      // leave /nso/injected on the host (${PWD%%[a-z]*} is "/": a name holds no slash).
      const inject = 'cd ${PWD%%[a-z]*}nso && touch injected';
      const odd = `b1 $(${inject}); \`${inject}\` 'x'.backup.gz`;
      await dockerOk(['exec', nso, 'mv', '--', entry.path, `/nso/run/backups/${odd}`]);
      await setDevice(nso, 'b1', '192.0.2.99');
      const before = await configuration(nso);

      const plan = await planRestore(dockerClient, nso, odd);
      const report = await executeRestore(dockerClient, plan, { stateDir, safetyBackup: false });
      assert.equal(report.recreated, true);
      assert.deepEqual(report.differences, []);
      assert.match(await devices(nso), /address 192\.0\.2\.1\n/);
      assert.deepEqual(await configuration(nso), before);
      assert.ok(!fs.existsSync(path.join(hostDir, 'injected')), 'the name ran as shell code');
      assert.ok(fs.existsSync(path.join(hostDir, 'run', 'backups', odd)), 'the backup is kept');
      // The run directory before the restore is on the host now, at run.old.
      assert.ok(fs.existsSync(path.join(hostDir, 'run.old', 'cdb', 'A.cdb')));
      assert.match(
        fs.readFileSync(path.join(hostDir, 'run.old', 'cdb', 'A.cdb'), 'utf8'),
        /192\.0\.2\.99/,
      );
    });

    it('starts the container again from the journal when asked to (the "Recreate" action)', async () => {
      const { entry } = await takeBackup(dockerClient, nso);
      const plan = await planRestore(dockerClient, nso, entry.name);
      let failure: RestoreFailure | undefined;
      try {
        await executeRestore(dockerClient, plan, {
          stateDir,
          safetyBackup: false,
          onProgress: (p) => {
            // Remove the restore container as soon as it exists: the restore cannot run.
            if (p.step === 'preserveRunOld') {
              void docker(['ps', '-q', '--filter', `label=${backupHelperLabel}=${nso}`]).then((r) =>
                docker(['rm', '-f', ...r.stdout.split('\n').filter(Boolean)]),
              );
            }
          },
        });
      } catch (error) {
        if (!isRestoreFailure(error)) throw error;
        failure = error;
      }
      assert.ok(failure, 'the restore failed');
      assert.equal(failure.state?.containerExists, false, 'the --rm container is gone');
      assert.equal(failure.state?.runDirPresent, true);
      assert.ok(failure.canStart, failure.recovery.join('\n'));
      assert.ok(
        failure.recovery.some((r) => /Recreate container/.test(r)),
        failure.recovery.join('\n'),
      );

      const started = await startFromJournal(dockerClient, failure.journalFile);
      assert.equal(started.recreated, true);
      assert.deepEqual(started.differences, []);
      await eventually(
        () => devices(nso),
        (d) => /b1/.test(d),
        'NSO answering',
      );
    });
  });

  it('counts NSO as up once the image health test passes, without waiting for Docker to run it', async () => {
    // Docker runs the check every interval (the image's: 30 s); this one would
    // not run for 5 minutes. The restore runs the same test itself.
    const name = await runNso('slowcheck', [
      '--health-interval=300s',
      '--health-start-period=300s',
    ]);
    const record = recordContainer(await dockerClient.inspectContainer(name));
    const t0 = Date.now();
    await waitHealthy(dockerClient, name, record, { healthTimeoutMs: 120_000 });
    const seconds = (Date.now() - t0) / 1000;
    assert.equal(await healthOf(name), 'starting', 'Docker has not run its check yet');
    assert.ok(seconds < 60, `NSO counted as up after ${seconds.toFixed(1)} s`);
    await dockerOk(['exec', name, 'ncs', '--status']);
  });
});
