import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import * as zlib from 'node:zlib';

import type { ContainerDetails } from '../../src/core/docker/client';
import { containerCreateBody, containerDetails } from '../../src/core/docker/engineJson';
import { readTar } from '../../src/core/docker/tar';
import {
  backupNameProblem,
  backupPath,
  describeBackupFile,
  formatBytes,
  isBackupError,
  nsoToolArgv,
  parseBackupListing,
} from '../../src/core/nso/backup';
import {
  describeRestoreState,
  restoreContainerEnd,
  RestoreQuestions,
  type RestoreJournal,
} from '../../src/core/nso/backupRestore';
import { checkGzipFile, extractOneFile, tarStreamOfFile } from '../../src/core/nso/backupTransfer';
import {
  compareRecords,
  parseRecord,
  recordContainer,
  recreateLimitations,
  specFromRecord,
} from '../../src/core/nso/containerConfig';
import { failedRestoreJournal, nsoProdDetails } from './restoreFixtures';

const record = (fields: string[]): string => `${fields.join('\t')}\0`;

describe('backup files', () => {
  it('lists files of the backups folder, newest first by the time in their name', () => {
    const listing =
      record(['f', '2048', '1700000300.5', 'ncs-6.4.1@2024-11-03T11:31:07.backup.gz']) +
      record(['f', '4096', '1700000100.0', 'ncs-6.4@2025-01-02T08:00:00.backup.gz']) +
      record(['d', '4096', '1700000000.0', 'old']) +
      record(['f', '10', '1740000400.0', 'notes with spaces $(x);.txt']) +
      record(['f', '99', '1740000500.0', 'ncs-6.4.1@2025-02-01T00:00:00.backup.gz.tmp']) +
      record(['f', '1', '1600000000.0', 'tab\there.gz']);
    const entries = parseBackupListing(listing);
    assert.deepEqual(
      entries.map((e) => e.name),
      [
        'ncs-6.4.1@2025-02-01T00:00:00.backup.gz.tmp',
        'notes with spaces $(x);.txt',
        'ncs-6.4@2025-01-02T08:00:00.backup.gz',
        'ncs-6.4.1@2024-11-03T11:31:07.backup.gz',
        'tab\there.gz',
      ],
    );
    const newest = entries.find((e) => e.name.startsWith('ncs-6.4@'))!;
    assert.equal(newest.kind, 'backup');
    assert.equal(newest.version, '6.4');
    assert.equal(newest.time, '2025-01-02T08:00:00');
    assert.equal(newest.sizeBytes, 4096);
    assert.equal(newest.path, '/nso/run/backups/ncs-6.4@2025-01-02T08:00:00.backup.gz');
    assert.equal(entries[0]!.kind, 'partial');
    assert.equal(entries[1]!.kind, 'other');
    assert.equal(entries[1]!.modifiedAt.getTime(), 1740000400000);
  });

  it('knows backups, local-install backups, partial files and other files apart', () => {
    assert.deepEqual(describeBackupFile('ncs-6.2.5@2024-01-21T10:34:42.backup'), {
      kind: 'backup',
      version: '6.2.5',
      time: '2024-01-21T10:34:42',
    });
    assert.equal(describeBackupFile('nso-run@2024-01-01T00:00:00_local.backup.gz').kind, 'other');
    assert.deepEqual(describeBackupFile('ncs-6.1@2024-01-01T00:00:00_local.backup.gz'), {
      kind: 'backup',
      version: '6.1',
      time: '2024-01-01T00:00:00',
      local: true,
    });
    assert.equal(describeBackupFile('.x.backup.gz.importing').kind, 'partial');
    assert.equal(describeBackupFile('mine.tar.gz').kind, 'other');
  });

  it('accepts spaces and shell characters in names, refuses paths and control characters', () => {
    assert.equal(backupNameProblem('my backup; $(rm -rf ~) `x` & y.gz'), undefined);
    assert.match(backupNameProblem('../etc/passwd') ?? '', /contains a "\/"/);
    assert.match(backupNameProblem('.hidden') ?? '', /starts with a dot/);
    assert.match(backupNameProblem('a\nb') ?? '', /control characters/);
    assert.match(backupNameProblem('') ?? '', /empty/);
    assert.equal(backupPath('a b.gz'), '/nso/run/backups/a b.gz');
    assert.throws(
      () => backupPath('x/y'),
      (e: unknown) => isBackupError(e, 'badName'),
    );
  });

  it('runs NSO tools through a login shell with the arguments as data', () => {
    const argv = nsoToolArgv('ncs-backup', ['--restore', '/nso/run/backups/a b;$(x).gz']);
    assert.deepEqual(argv, [
      'bash',
      '-lc',
      'exec "$0" "$@"',
      'ncs-backup',
      '--restore',
      '/nso/run/backups/a b;$(x).gz',
    ]);
  });

  it('formats sizes with binary units', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(250 * 1024 * 1024), '250 MiB');
  });
});

describe("answering ncs-backup --restore's questions", () => {
  it('answers both questions of the simulator-style prompts (no newline after them)', () => {
    const q = new RestoreQuestions(true);
    assert.deepEqual(q.feed('Restore /etc/ncs from the backup (y/n)? '), ['y']);
    assert.equal(q.waitingForInput(), true);
    assert.deepEqual(q.feed('Restore /nso/run from the'), []);
    assert.deepEqual(q.feed(' backup (y/n)? '), ['y']);
    assert.deepEqual(q.feed('INFO  Restore completed successfully\n'), []);
    assert.equal(q.waitingForInput(), false);
    assert.deepEqual(q.unexpected, []);
  });

  it("answers the real script's echo-style prompts, one line each, and keeps a mounted /etc/ncs", () => {
    const q = new RestoreQuestions(false);
    const answers = q.feed(
      'Restore /etc/ncs from the backup (y/n)? \nRestore /nso/run from the backup (y/n)? \n',
    );
    assert.deepEqual(answers, ['n', 'y']);
  });

  it('says no to a question it does not know, and reports it', () => {
    const q = new RestoreQuestions(true);
    assert.deepEqual(q.feed('Overwrite the packages directory (y/n)? '), ['n']);
    assert.deepEqual(q.unexpected, ['Overwrite the packages directory (y/n)?']);
    assert.equal(new RestoreQuestions(true).feed('Select a backup to restore: ').length, 0);
  });
});

function details(overrides: Partial<ContainerDetails> = {}): ContainerDetails {
  return nsoProdDetails({
    labels: { 'org.nso-workbench.role': 'prod', 'com.docker.compose.project': 'lab' },
    env: { NCS_RUN_DIR: '/nso/run', ADMIN_PASSWORD: 'secret' },
    healthcheck: { test: ['CMD', 'ncs_cmd', '-c', 'wait-start 2'], startPeriodMs: 60_000 },
    mounts: [
      {
        type: 'volume',
        source: '/var/lib/docker/volumes/NSO-vol/_data',
        destination: '/nso',
        name: 'NSO-vol',
        readOnly: false,
      },
      {
        type: 'bind',
        source: '/home/me/ws/packages',
        destination: '/nso/run/packages',
        readOnly: true,
      },
      { type: 'tmpfs', source: '', destination: '/tmp', readOnly: false },
    ],
    ports: [
      { containerPort: 2024, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 2024 },
      { containerPort: 2024, protocol: 'tcp', hostIp: '::', hostPort: 2024 },
      { containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 18080 },
      { containerPort: 4569, protocol: 'tcp' },
    ],
    networkMode: 'lab_default',
    ...overrides,
  });
}

describe('container configuration records', () => {
  it('records mounts by volume name, published ports once per binding, and the rest as is', () => {
    const r = recordContainer(details(), new Date('2025-01-01T00:00:00Z'));
    assert.deepEqual(r.mounts[0], {
      type: 'volume',
      source: 'NSO-vol',
      target: '/nso',
      readOnly: false,
    });
    assert.deepEqual(r.ports, [
      { containerPort: 2024, protocol: 'tcp', hostIp: '', hostPort: 2024 },
      { containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 18080 },
    ]);
    assert.equal(r.portsKnown, true);
    assert.equal(r.recordedAt, '2025-01-01T00:00:00.000Z');
    // Hand-made details without settings stand for a record of the older format.
    assert.equal(r.format, 1);
    const limits = recreateLimitations(r);
    assert.equal(limits.length, 1, limits.join('\n'));
    assert.match(limits[0] ?? '', /older format: .*restart policy, host name, resource limits/);
    assert.deepEqual(parseRecord(JSON.stringify(r)), r);
    assert.throws(() => parseRecord('{"format":2}'), /not a recorded container configuration/);
  });

  it('turns a record into a spec that creates the same container', () => {
    const spec = specFromRecord(recordContainer(details()));
    assert.equal(spec.image, 'sha256:1111');
    assert.equal(spec.name, 'nso-prod');
    assert.deepEqual(spec.volumes, [{ name: 'NSO-vol', target: '/nso', readOnly: false }]);
    assert.deepEqual(spec.binds, [
      { source: '/home/me/ws/packages', target: '/nso/run/packages', readOnly: true },
    ]);
    assert.deepEqual(spec.ports, [
      { containerPort: 2024, protocol: 'tcp', hostPort: 2024, hostIp: '' },
      { containerPort: 8080, protocol: 'tcp', hostPort: 18080, hostIp: '127.0.0.1' },
    ]);
    assert.deepEqual(spec.entrypoint, ['/run-nso.sh']);
    assert.equal(spec.networkMode, 'lab_default');
    assert.equal(spec.env?.ADMIN_PASSWORD, 'secret');
    assert.equal(spec.healthcheck?.startPeriodMs, 60_000);
    assert.equal(spec.autoRemove, undefined);
  });

  it('names every difference that matters and ignores ids, times and state', () => {
    const a = recordContainer(details());
    const same = recordContainer(
      details({ id: 'other', state: { ...details().state, startedAt: new Date() } }),
    );
    assert.deepEqual(compareRecords(a, same), []);
    const b = recordContainer(
      details({
        env: { NCS_RUN_DIR: '/nso/run' },
        labels: { 'org.nso-workbench.role': 'prod' },
        mounts: details().mounts.slice(1),
        ports: [
          { containerPort: 2024, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 2024 },
          { containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 18099 },
        ],
        networkMode: 'bridge',
      }),
    );
    const diffs = compareRecords(a, b);
    assert.ok(
      diffs.includes('environment ADMIN_PASSWORD: (secret, not shown) became (unset)'),
      diffs.join('\n'),
    );
    assert.ok(diffs.includes('label com.docker.compose.project: lab became (unset)'));
    assert.ok(diffs.includes('mount volume:NSO-vol->/nso is missing'));
    assert.ok(diffs.includes('published port *:->2024/tcp is missing'), diffs.join('\n'));
    assert.ok(diffs.includes('published port 127.0.0.1:->2024/tcp was added'));
    assert.ok(
      !diffs.some((d) => d.includes('8080')),
      'the same container may get new random ports',
    );
    const recreated = recordContainer(
      details({
        id: 'new',
        ports: [{ containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 18081 }],
      }),
    );
    assert.ok(
      compareRecords(a, recreated).includes('published port 127.0.0.1:18081->8080/tcp was added'),
      'a recreated container is held to its host ports',
    );
    assert.ok(diffs.includes('network mode lab_default became bridge'));
  });

  it('does not compare ports a stopped container could not report', () => {
    const stopped = recordContainer(
      details({ state: { ...details().state, running: false, status: 'exited' }, ports: [] }),
    );
    assert.equal(stopped.portsKnown, false);
    assert.deepEqual(compareRecords(stopped, recordContainer(details())), []);
    assert.ok(
      recreateLimitations(stopped).some((l) => /published ports could not be read/.test(l)),
    );
  });
});

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function sinkInto(chunks: Buffer[]): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
}

describe('streaming one file through tar', () => {
  const names = [
    'ncs-6.4.1@2024-11-03T11:31:07.backup.gz',
    `backup ünïcode $(x) ${'long'.repeat(40)}.gz`,
  ];
  for (const name of names) {
    it(`writes an archive the engine and our reader agree on (${name.slice(0, 24)}…)`, async () => {
      const content = Buffer.alloc(70_000 + name.length, 7);
      content.write('start');
      const archive = await collect(
        tarStreamOfFile(
          name,
          content.length,
          Readable.from([content.subarray(0, 1000), content.subarray(1000)]),
        ),
      );
      assert.equal(archive.length % 512, 0);
      const entries = readTar(archive);
      assert.equal(entries.length, 1);
      assert.equal(entries[0]!.name, name);
      assert.ok(entries[0]!.content.equals(content));

      // Read back in awkward pieces, as a socket delivers it.
      const pieces: Buffer[] = [];
      for (let i = 0; i < archive.length; i += 333) pieces.push(archive.subarray(i, i + 333));
      const out: Buffer[] = [];
      const seen: number[] = [];
      const extracted = await extractOneFile(Readable.from(pieces), sinkInto(out), (n) =>
        seen.push(n),
      );
      assert.equal(extracted.name, name);
      assert.equal(extracted.size, content.length);
      assert.equal(extracted.written, content.length);
      assert.ok(Buffer.concat(out).equals(content));
      assert.equal(seen.at(-1), content.length);
    });
  }

  it('fails when the source is shorter than announced', async () => {
    const stream = tarStreamOfFile('x.gz', 100, Readable.from([Buffer.alloc(50)]));
    await assert.rejects(collect(stream), /changed while it was read \(50 of 100 bytes\)/);
  });

  it('refuses a folder where a file was expected', async () => {
    const header = Buffer.alloc(512);
    header.write('backups', 0);
    header.write('0000000\0', 124);
    header.write('5', 156);
    const archive = Buffer.concat([header, Buffer.alloc(1024)]);
    await assert.rejects(
      extractOneFile(Readable.from([archive]), new PassThrough()),
      (e: unknown) => isBackupError(e, 'notFound'),
    );
  });
});

describe('checking that a file is gzip', () => {
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-backup-unit-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('accepts a whole gzip file', async () => {
    const file = path.join(dir, 'good.backup.gz');
    fs.writeFileSync(file, zlib.gzipSync(Buffer.alloc(100_000, 1)));
    await checkGzipFile(file);
  });

  it('refuses a file that is not gzip, naming its first bytes', async () => {
    const file = path.join(dir, 'plain.backup.gz');
    fs.writeFileSync(file, 'PK\u0003\u0004 zip, not gzip');
    await assert.rejects(checkGzipFile(file), (e: unknown) => {
      assert.ok(isBackupError(e, 'notGzip'));
      assert.match(e.message, /is not a gzip file .* bytes 504b/);
      return true;
    });
  });

  it('refuses an empty file and a cut-short one', async () => {
    const empty = path.join(dir, 'empty.gz');
    fs.writeFileSync(empty, '');
    await assert.rejects(checkGzipFile(empty), /it is empty/);
    const cut = path.join(dir, 'cut.gz');
    const whole = zlib.gzipSync(Buffer.from('x'.repeat(50_000) + Math.random()));
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 20));
    await assert.rejects(
      checkGzipFile(cut),
      (e: unknown) => isBackupError(e, 'notGzip') && /damaged/.test(e.message),
    );
  });
});

describe('the state after a failed restore', () => {
  const journal: RestoreJournal = failedRestoreJournal({
    format: 1,
    file: '/state/restore-nso-prod-20250101T000000Z.json',
    record: recordContainer(details()),
    safetyBackup: { name: 'ncs-6.4@2025-01-01T00:00:00.backup.gz', path: '/nso/run/backups/y' },
  });

  it('forbids starting NSO when /nso/run is gone, and offers to resume', () => {
    const d = describeRestoreState(journal, {
      containerExists: true,
      containerRunning: false,
      runDirPresent: false,
      runOldDirs: ['/nso/run.old'],
      stagingDirs: ['/nso/.ncs-restore.AbC'],
      backups: [
        { name: journal.backup.name, foundAt: '/nso/run.old/backups/x' },
        { name: journal.safetyBackup!.name, foundAt: '/nso/run.old/backups/y' },
      ],
    });
    assert.equal(d.canStart, false);
    assert.equal(d.canResume, true);
    assert.ok(
      d.lines.some((l) => /\/nso\/run is missing .* empty CDB/.test(l)),
      d.lines.join('\n'),
    );
    assert.ok(d.lines.some((l) => l.includes('/nso/.ncs-restore.AbC')));
    assert.ok(d.lines.some((l) => l.includes(journal.file)));
    assert.ok(
      d.recovery.some((l) => /move \/nso\/run\.old back to \/nso\/run/.test(l)),
      d.recovery.join('\n'),
    );
  });

  it('offers to recreate a container that is gone when /nso/run is intact', () => {
    const d = describeRestoreState(journal, {
      containerExists: false,
      containerRunning: false,
      runDirPresent: true,
      runOldDirs: [],
      stagingDirs: [],
      backups: [{ name: journal.backup.name }],
    });
    assert.equal(d.canResume, false, 'the backup is missing: nothing to resume from');
    assert.equal(d.canStart, true);
    assert.ok(
      d.recovery.some((l) => /^Recreate container nso-prod/.test(l)),
      d.recovery.join('\n'),
    );
    assert.ok(d.lines.some((l) => /was not found/.test(l)));
  });
});

/**
 * `docker inspect` of a production container started by Compose with two
 * networks, the way Docker 20.10 reports it (the short id among the aliases).
 */
function inspected(
  id = '4f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0',
): unknown {
  return {
    Id: id,
    Name: '/lab-nso-1',
    Image: 'sha256:2222',
    Created: '2025-01-01T00:00:00Z',
    State: { Status: 'running', Running: true, ExitCode: 0 },
    Config: {
      Hostname: id.slice(0, 12),
      Domainname: '',
      Image: 'cisco-nso-prod:6.4',
      Env: ['NCS_RUN_DIR=/nso/run', 'ADMIN_USERNAME=admin'],
      Cmd: null,
      Entrypoint: ['/run-nso.sh'],
      WorkingDir: '',
      User: '',
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      ExposedPorts: { '2024/tcp': {}, '4569/tcp': {}, '8080/tcp': {} },
      Labels: {
        'com.docker.compose.project': 'lab',
        'com.docker.compose.service': 'nso',
        'com.docker.compose.container-number': '1',
      },
      StopSignal: 'SIGTERM',
      StopTimeout: 120,
      Healthcheck: { Test: ['CMD', 'ncs_cmd', '-c', 'wait-start 2'], StartPeriod: 60e9 },
    },
    HostConfig: {
      NetworkMode: 'lab_default',
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
      AutoRemove: false,
      PortBindings: {
        '2024/tcp': [{ HostIp: '127.0.0.1', HostPort: '2024' }],
        '8080/tcp': [{ HostIp: '', HostPort: '' }],
      },
      Tmpfs: { '/tmp': 'size=64m' },
      ExtraHosts: ['device-lab:192.0.2.10'],
      CapAdd: ['NET_ADMIN'],
      CapDrop: null,
      Privileged: false,
      ReadonlyRootfs: false,
      Init: true,
      Dns: [],
      DnsSearch: [],
      DnsOptions: [],
      Memory: 2147483648,
      NanoCpus: 1500000000,
      ShmSize: 67108864,
      SecurityOpt: null,
      Sysctls: { 'net.ipv4.ip_unprivileged_port_start': '0' },
      GroupAdd: null,
      Ulimits: [{ Name: 'nofile', Soft: 65535, Hard: 65535 }],
      Devices: [],
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m' } },
    },
    Mounts: [
      {
        Type: 'volume',
        Name: 'lab_nso',
        Source: '/var/lib/docker/volumes/lab_nso/_data',
        Destination: '/nso',
        RW: true,
      },
      { Type: 'bind', Source: '/home/me/ws/packages', Destination: '/nso/run/packages', RW: false },
    ],
    NetworkSettings: {
      Ports: {
        '2024/tcp': [{ HostIp: '127.0.0.1', HostPort: '2024' }],
        '8080/tcp': [
          { HostIp: '0.0.0.0', HostPort: '49153' },
          { HostIp: '::', HostPort: '49153' },
        ],
        '4569/tcp': null,
      },
      Networks: {
        lab_default: { Aliases: ['nso', 'lab-nso-1', id.slice(0, 12)], IPAMConfig: null },
        lab_south: {
          Aliases: ['nso-south', id.slice(0, 12)],
          IPAMConfig: { IPv4Address: '172.30.0.5' },
        },
      },
    },
  };
}

describe('recording a container and creating it again', () => {
  it('reads the creation settings off docker inspect, without the aliases Docker made up', () => {
    const details = containerDetails(inspected());
    const s = details.settings!;
    assert.deepEqual(s.restartPolicy, { name: 'on-failure', maximumRetryCount: 3 });
    assert.deepEqual(s.portBindings, [
      { containerPort: 2024, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 2024 },
      { containerPort: 8080, protocol: 'tcp', hostIp: '', hostPort: 0 },
    ]);
    assert.deepEqual(s.networks, [
      { network: 'lab_default', aliases: ['nso', 'lab-nso-1'] },
      { network: 'lab_south', aliases: ['nso-south'], ipv4Address: '172.30.0.5' },
    ]);
    assert.deepEqual(s.tmpfs, { '/tmp': 'size=64m' });
    assert.deepEqual(s.extraHosts, ['device-lab:192.0.2.10']);
    assert.deepEqual(s.capAdd, ['NET_ADMIN']);
    assert.deepEqual(s.capDrop, []);
    assert.equal(s.stopTimeoutSeconds, 120);
    assert.equal(s.init, true);
    assert.deepEqual(s.logConfig, { type: 'json-file', config: { 'max-size': '10m' } });
  });

  it('records the configured port bindings, known also while the container is stopped', () => {
    const raw = inspected() as { State: object; NetworkSettings: { Ports: object } };
    raw.State = { Status: 'exited', Running: false, ExitCode: 0 };
    raw.NetworkSettings.Ports = {};
    const r = recordContainer(containerDetails(raw));
    assert.equal(r.format, 2);
    assert.equal(r.portsKnown, true);
    assert.deepEqual(r.ports, [
      { containerPort: 2024, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 2024 },
      { containerPort: 8080, protocol: 'tcp', hostIp: '', hostPort: 0 },
    ]);
    assert.deepEqual(recreateLimitations(r), []);
    assert.deepEqual(parseRecord(JSON.stringify(r)), JSON.parse(JSON.stringify(r)));
  });

  it('creates from the record what docker inspect reported (Compose labels and aliases included)', () => {
    const raw = inspected() as {
      Config: Record<string, unknown>;
      HostConfig: Record<string, unknown>;
    };
    const record = recordContainer(containerDetails(raw));
    const body = containerCreateBody(specFromRecord(record));
    const host = body.HostConfig!;
    assert.equal(body.name, 'lab-nso-1');
    assert.equal(body.Image, 'sha256:2222');
    assert.deepEqual(body.Labels, raw.Config.Labels);
    assert.deepEqual([...(body.Env ?? [])].sort(), [...(raw.Config.Env as string[])].sort());
    assert.deepEqual(body.Entrypoint, ['/run-nso.sh']);
    assert.deepEqual(body.ExposedPorts, raw.Config.ExposedPorts);
    assert.equal(body.StopSignal, 'SIGTERM');
    assert.equal(body.StopTimeout, 120);
    // Docker's host name was the old id: the new container gets its own.
    assert.equal(body.Hostname, undefined);
    for (const key of [
      'NetworkMode',
      'RestartPolicy',
      'PortBindings',
      'Tmpfs',
      'ExtraHosts',
      'CapAdd',
      'Init',
      'Memory',
      'NanoCpus',
      'ShmSize',
      'Sysctls',
      'Ulimits',
      'LogConfig',
    ]) {
      assert.deepEqual(
        (host as Record<string, unknown>)[key],
        raw.HostConfig[key],
        `HostConfig.${key}`,
      );
    }
    assert.equal(host.AutoRemove, false);
    assert.deepEqual(host.Mounts, [
      { Type: 'bind', Source: '/home/me/ws/packages', Target: '/nso/run/packages', ReadOnly: true },
      { Type: 'volume', Source: 'lab_nso', Target: '/nso', ReadOnly: false },
    ]);
    // The first network is joined at creation with its aliases; the second right after.
    assert.deepEqual(body.NetworkingConfig, {
      EndpointsConfig: { lab_default: { Aliases: ['nso', 'lab-nso-1'] } },
    });
    assert.deepEqual(specFromRecord(record).networks?.[1], {
      network: 'lab_south',
      aliases: ['nso-south'],
      ipv4Address: '172.30.0.5',
    });

    // Inspecting the recreated container gives the same record, host name and ids aside.
    const again = recordContainer(
      containerDetails(
        inspected('9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d'),
      ),
    );
    assert.deepEqual(compareRecords(record, again), []);
  });

  it('keeps a host name the user gave, and names changed settings', () => {
    const raw = inspected() as {
      Config: Record<string, unknown>;
      HostConfig: Record<string, unknown>;
    };
    raw.Config.Hostname = 'nso-lab';
    const record = recordContainer(containerDetails(raw));
    assert.equal(specFromRecord(record).hostname, 'nso-lab');

    const changed = inspected('aa'.repeat(32)) as {
      Config: Record<string, unknown>;
      HostConfig: Record<string, unknown>;
      NetworkSettings: { Networks: Record<string, unknown> };
    };
    changed.HostConfig.RestartPolicy = { Name: 'no', MaximumRetryCount: 0 };
    changed.NetworkSettings.Networks.lab_default = { Aliases: ['lab-nso-1'] };
    const diffs = compareRecords(record, recordContainer(containerDetails(changed)));
    assert.ok(
      diffs.some((d) => d.startsWith('host name "nso-lab" became')),
      diffs.join('\n'),
    );
    assert.ok(
      diffs.some((d) => d.startsWith('restart policy {"name":"on-failure"')),
      diffs.join('\n'),
    );
    assert.ok(
      diffs.some((d) => d.startsWith('networks ')),
      diffs.join('\n'),
    );
    assert.equal(diffs.length, 3, diffs.join('\n'));
  });

  it('shares no host name, ports or networks in the network of the host', () => {
    const raw = inspected() as {
      HostConfig: Record<string, unknown>;
      NetworkSettings: { Networks: unknown };
    };
    raw.HostConfig.NetworkMode = 'host';
    raw.NetworkSettings.Networks = { host: { Aliases: null } };
    const spec = specFromRecord(recordContainer(containerDetails(raw)));
    assert.equal(spec.networkMode, 'host');
    assert.equal(spec.ports, undefined);
    assert.equal(spec.networks, undefined);
    assert.equal(spec.hostname, undefined);
  });
});

describe('telling a killed restore container from a failing ncs-backup', () => {
  it('names a kill, a removal and lack of memory, and leaves exit codes of ncs-backup alone', () => {
    const base = { oomKilled: false, removedWhileRunning: false };
    assert.equal(restoreContainerEnd({ ...base, exitCode: 137, signal: 9 }), 'exit code 137');
    assert.equal(
      restoreContainerEnd({ ...base, exitCode: -1, removedWhileRunning: true }),
      'it was removed',
    );
    assert.equal(
      restoreContainerEnd({ ...base, exitCode: 137, oomKilled: true, signal: 9 }),
      'exit code 137, out of memory',
    );
    assert.equal(restoreContainerEnd({ ...base, exitCode: 1 }), undefined);
    assert.equal(restoreContainerEnd({ ...base, exitCode: 0 }), undefined);
  });
});
