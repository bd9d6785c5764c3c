import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';

import type { ContainerDetails } from '../../src/core/docker/client';
import {
  assessHealth,
  healthCheckWords,
  type HealthInput,
  type NsoProbe,
  parseProbeOutput,
  parseShowPackages,
  probeArgv,
  statusBarText,
  statusWords,
} from '../../src/core/nso/health';
import { ContainerWatcher } from '../../src/core/watch/containerWatcher';
import { HealthMonitor } from '../../src/core/watch/healthMonitor';
import { containerDetails } from '../../src/core/docker/engineJson';
import {
  type ContainerChoice,
  containerChoices,
  containerRole,
  describePorts,
  groupNsoContainers,
  isWatchedContainer,
  looksLikeNso,
  nsoImageRole,
  nsoImageVersion,
  selectProdContainer,
} from '../../src/core/watch/nsoContainers';
import type { WatchedContainer } from '../../src/core/watch/containerWatcher';
import { corpusPath } from '../helpers/paths';
import { nsoProdDetails } from './restoreFixtures';
import { FakeEngine, ManualClock, settle } from './watchFakes';

const t0 = Date.parse('2025-01-01T10:00:00Z');

function details(overrides: {
  status?: ContainerDetails['state']['status'];
  health?: 'starting' | 'healthy' | 'unhealthy';
  exitCode?: number;
  startedAt?: number;
  startPeriodMs?: number;
  log?: { start: string; end: string; exitCode: number; output: string }[];
  oomKilled?: boolean;
}): ContainerDetails {
  const status = overrides.status ?? 'running';
  return nsoProdDetails({
    id: 'a'.repeat(64),
    name: 'nso-prod',
    image: 'cisco-nso-prod:6.4.1',
    imageId: 'sha256:1',
    createdAt: new Date(t0 - 60_000),
    state: {
      status,
      running: status === 'running',
      paused: status === 'paused',
      restarting: false,
      oomKilled: overrides.oomKilled ?? false,
      exitCode: overrides.exitCode ?? 0,
      error: '',
      startedAt: new Date(overrides.startedAt ?? t0),
      ...(overrides.health
        ? {
            health: {
              status: overrides.health,
              failingStreak: overrides.health === 'unhealthy' ? 3 : 0,
              log: overrides.log ?? [],
            },
          }
        : {}),
    },
    healthcheck: {
      test: ['CMD-SHELL', 'ncs_cmd -c "wait-start 2"'],
      startPeriodMs: overrides.startPeriodMs ?? 60_000,
    },
  });
}

const live: HealthInput['engine'] = {
  phase: 'live',
  endpoint: 'unix:///var/run/docker.sock',
  syncedAt: t0,
};

const showPackages = [
  'packages package common-types',
  ' package-version 1.0',
  ' directory       ./state/packages-in-use/1/common-types',
  ' oper-status up',
  'packages package l3vpn',
  ' package-version 1.2.0',
  ' python-package vm-name l3vpn',
  ' component main',
  '  application python-class-name l3vpn.main.Main',
  ' oper-status python-vm-error',
  ' oper-status error-info "SyntaxError: invalid syntax (main.py, line 12)"',
  'packages package banner',
  ' oper-status missing-dependency package-name common-types',
].join('\n');

function probeFor(d: ContainerDetails, extra: Partial<NsoProbe> = {}): NsoProbe {
  return {
    containerId: d.id,
    containerStartedAt: d.state.startedAt?.getTime(),
    at: t0 + 1000,
    durationMs: 120,
    status: { version: '6.4.1', status: 'started', runningModules: [], reachable: true },
    phase: { phase: 2, flags: [] },
    packages: parseShowPackages(showPackages).filter((p) => p.name === 'common-types'),
    ...extra,
  };
}

describe('NSO health: reading NSO', () => {
  it('reads show packages: states, details and error-info', () => {
    const packages = parseShowPackages(showPackages);
    assert.deepEqual(
      packages.map((p) => [p.name, p.operStatus, p.detail ?? '', p.errorInfo.join('|')]),
      [
        ['common-types', 'up', '', ''],
        ['l3vpn', 'python-vm-error', '', 'SyntaxError: invalid syntax (main.py, line 12)'],
        ['banner', 'missing-dependency', 'package-name common-types', ''],
      ],
    );
    assert.equal(packages[1]?.version, '1.2.0');
    assert.deepEqual(parseShowPackages('% No entries found.\n'), []);
  });

  it('reads the oper-status lines of a real transcript (corpus formats/02 REAL H)', () => {
    const text = fs.readFileSync(corpusPath('formats', '02_packages-reload-output.txt'), 'utf8');
    const start = text.indexOf('oper-status file-load-error');
    const lines = text.slice(start).split('\n').slice(0, 2).join('\n');
    const parsed = parseShowPackages(`packages package mserv\n${lines}\n`);
    assert.deepEqual(parsed, [
      {
        name: 'mserv',
        operStatus: 'file-load-error',
        errorInfo: ['template3.xml:2 Unknown servicepoint: templ42-servicepoint'],
      },
    ]);
  });

  it('splits the probe script output at its markers', () => {
    const raw = [
      'vsn: 6.4.1',
      'SMP support: yes, using 2 threads',
      'status: started',
      'nsowb-probe status-exit=0',
      'phase: 2 flags: 0x0',
      'nsowb-probe phase-exit=0',
      showPackages,
      'nsowb-probe cli-exit=0',
    ].join('\n');
    const p = parseProbeOutput(raw);
    assert.equal(p.status?.version, '6.4.1');
    assert.equal(p.phase?.phase, 2);
    assert.equal(p.packages?.length, 3);
    assert.equal(p.cliExitCode, 0);
    assert.equal(p.error, undefined);
  });

  it('keeps what ncs_cmd and ncs_cli said when they failed', () => {
    const p = parseProbeOutput(
      [
        'connection refused (status)',
        'nsowb-probe status-exit=1',
        'FAILED: maapi_connect(sock, (struct sockaddr*)&addr, addrlen), Error: system call failed (24): Failed to connect to ConfD: Connection refused, in function do_get_phase, line 1203',
        'nsowb-probe phase-exit=1',
      ].join('\n'),
    );
    assert.equal(p.status?.reachable, false);
    assert.equal(p.phase, undefined);
    assert.match(p.phaseOutput ?? '', /Connection refused/);
    assert.equal(p.packages, undefined);
    assert.match(parseProbeOutput('bash: not found').error ?? '', /bash: not found/);
  });

  it('passes the admin user as an argument, never inside the script', () => {
    const argv = probeArgv('adm"; rm -rf /');
    assert.equal(argv[0], 'bash');
    assert.equal(argv[1], '-lc');
    assert.ok(!argv[2]!.includes('adm"'));
    assert.equal(argv[4], 'adm"; rm -rf /');
  });
});

describe('NSO health: assessment', () => {
  it('says Docker not reachable, with the reason and fixes', () => {
    const h = assessHealth({
      now: t0,
      engine: {
        phase: 'unreachable',
        endpoint: 'ssh://me@lab',
        failure: {
          kind: 'unreachable',
          message: 'Docker is not reachable at ssh://me@lab: the SSH connection closed',
        },
      },
    });
    assert.equal(h.state, 'engineDown');
    assert.equal(h.problems[0]?.message, 'Docker not reachable at ssh://me@lab');
    // Where is in the message; the detail beside it says why, without saying where again.
    assert.equal(h.problems[0]?.detail, 'the SSH connection closed');
    assert.deepEqual(
      h.problems[0]?.fixes.map((f) => f.kind),
      ['retryDocker', 'configureDocker', 'showLog'],
    );
    assert.equal(statusBarText(h, t0), '$(debug-disconnect) NSO: Docker unreachable');
  });

  it('no container, and a container removed behind our back', () => {
    const none = assessHealth({ now: t0, engine: live });
    assert.equal(none.state, 'noContainer');
    assert.equal(none.problems[0]?.fixes[0]?.kind, 'startNso');
    const removed = assessHealth({ now: t0, engine: live, removed: { name: 'nso-prod', at: t0 } });
    assert.equal(statusWords(removed, t0), 'NSO: container removed');
    assert.match(removed.problems[0]?.message ?? '', /nso-prod was removed/);
  });

  it('starting: elapsed against the start period', () => {
    const d = details({ health: 'starting', startedAt: t0 - 12_000, startPeriodMs: 60_000 });
    const h = assessHealth({ now: t0, engine: live, container: d });
    assert.equal(h.state, 'starting');
    assert.deepEqual(h.startPeriod, { elapsedMs: 12_000, totalMs: 60_000 });
    assert.equal(statusBarText(h, t0), '$(loading~spin) NSO starting 12 s / 60 s');
    // Rendered again a few seconds later from the same health, as the status bar does.
    assert.equal(statusBarText(h, t0 + 5_000), '$(loading~spin) NSO starting 17 s / 60 s');
    assert.equal(h.problems.length, 0);

    const late = assessHealth({
      now: t0,
      engine: live,
      container: details({ health: 'starting', startedAt: t0 - 75_000 }),
    });
    assert.equal(late.problems[0]?.id, 'startPeriod');
  });

  it("up once NSO answers in phase 2, while Docker's health check still says starting", () => {
    const d = details({ health: 'starting', startedAt: t0 - 7_000, startPeriodMs: 300_000 });
    const h = assessHealth({ now: t0, engine: live, container: d, probe: probeFor(d) });
    assert.equal(h.state, 'running');
    assert.equal(h.summary, 'NSO 6.4.1 up, 1 package up');
    assert.equal(statusBarText(h, t0 + 20_000), '$(pass) NSO 6.4.1 up');
    assert.equal(h.severity, 'ok');
    assert.deepEqual(h.problems, []);
    assert.equal(
      healthCheckWords(h),
      "starting: Docker's check has not run yet, it runs every 30 s; NSO already answers (phase 2)",
    );

    // Not yet in phase 2: still starting, counted against the start period.
    const early = assessHealth({
      now: t0,
      engine: live,
      container: d,
      probe: probeFor(d, { phase: { phase: 1, flags: [] } }),
    });
    assert.equal(early.state, 'starting');
    assert.equal(healthCheckWords(early), 'starting');

    // Docker's verdict of unhealthy stands, whatever our probe found.
    const bad = details({ health: 'unhealthy' });
    const unhealthy = assessHealth({ now: t0, engine: live, container: bad, probe: probeFor(bad) });
    assert.equal(unhealthy.state, 'unhealthy');
  });

  it('healthy with every package up; packages down with error-info and the fix', () => {
    const d = details({ health: 'healthy' });
    const ok = assessHealth({ now: t0, engine: live, container: d, probe: probeFor(d) });
    assert.equal(ok.state, 'healthy');
    assert.equal(ok.summary, 'NSO 6.4.1 healthy, 1 package up');
    assert.equal(statusBarText(ok, t0), '$(pass-filled) NSO 6.4.1 healthy');

    const down = assessHealth({
      now: t0,
      engine: live,
      container: d,
      probe: probeFor(d, { packages: parseShowPackages(showPackages) }),
    });
    assert.equal(down.state, 'packagesDown');
    assert.equal(statusWords(down, t0), 'NSO 6.4.1: 2 packages down');
    const l3vpn = down.problems.find((p) => p.id === 'package:l3vpn');
    assert.equal(l3vpn?.detail, 'SyntaxError: invalid syntax (main.py, line 12)');
    assert.deepEqual(l3vpn?.fixes[0], { kind: 'buildAndReload' });
    assert.deepEqual(l3vpn?.fixes[1], {
      kind: 'openNsoLog',
      container: 'nso-prod',
      file: 'ncs-python-vm-l3vpn.log',
    });
  });

  it('unhealthy: the last probe result is the detail', () => {
    const d = details({
      health: 'unhealthy',
      log: [
        {
          start: '2025-01-01T09:59:59Z',
          end: '2025-01-01T10:00:00Z',
          exitCode: 1,
          output: 'FAILED: connection refused',
        },
      ],
    });
    const h = assessHealth({ now: t0, engine: live, container: d });
    assert.equal(h.state, 'unhealthy');
    assert.equal(h.severity, 'error');
    assert.match(h.problems[0]?.message ?? '', /3 in a row/);
    assert.equal(h.problems[0]?.detail, 'last probe: exit 1: FAILED: connection refused');
  });

  it('stopped: a crash says the exit code and points at the logs', () => {
    const h = assessHealth({
      now: t0,
      engine: live,
      container: details({ status: 'exited', exitCode: 13 }),
    });
    assert.equal(h.state, 'stopped');
    assert.equal(statusWords(h, t0), 'NSO stopped (exit 13)');
    assert.deepEqual(
      h.problems[0]?.fixes.map((f) => f.kind),
      ['showContainerLogs', 'openNsoLog', 'startContainer'],
    );
  });

  it('stopped by a kill (exit 137): stopped with Start as the fix; its health is history', () => {
    const d = details({
      status: 'exited',
      exitCode: 137,
      health: 'unhealthy',
      log: [
        {
          start: '2025-01-01T09:59:59Z',
          end: '2025-01-01T10:00:00Z',
          exitCode: 1,
          output: 'connection refused',
        },
      ],
    });
    const h = assessHealth({ now: t0, engine: live, container: d });
    assert.equal(h.state, 'stopped');
    assert.equal(h.severity, 'warning');
    assert.equal(h.summary, 'NSO is stopped (exit 137: killed)');
    assert.deepEqual(
      h.problems.map((p) => [p.id, p.severity, p.message]),
      [['stopped', 'info', 'NSO container nso-prod is stopped']],
    );
    assert.match(h.problems[0]?.detail ?? '', /exit 137 means it was killed .*docker stop.*memory/);
    assert.deepEqual(
      h.problems[0]?.fixes.map((f) => f.kind),
      ['startContainer', 'showContainerLogs'],
    );
    assert.equal(healthCheckWords(h), 'not run while the container is stopped');

    // Killed for memory, as Docker recorded it, stays a failure to look into.
    const oom = assessHealth({
      now: t0,
      engine: live,
      container: details({ status: 'exited', exitCode: 137, oomKilled: true }),
    });
    assert.equal(oom.severity, 'error');
    assert.equal(oom.problems[0]?.fixes[0]?.kind, 'showContainerLogs');
  });

  it('paused: says paused, not stopped, and offers to unpause it first', () => {
    const h = assessHealth({ now: t0, engine: live, container: details({ status: 'paused' }) });
    assert.equal(statusWords(h, t0), 'NSO paused');
    assert.equal(h.summary, 'NSO is paused');
    assert.deepEqual(
      h.problems.map((p) => [p.id, p.fixes.map((f) => f.kind)]),
      [['paused', ['unpauseContainer', 'restartContainer']]],
    );
  });

  it('an activity shows over the state, and a failed build or reload is a problem', () => {
    const d = details({ health: 'healthy' });
    const h = assessHealth({
      now: t0 + 4000,
      engine: live,
      container: d,
      activity: { kind: 'reloading', startedAt: t0 },
      lastBuild: { kind: 'build', ok: false, summary: 'l3vpn: 2 errors', at: t0 },
    });
    assert.equal(h.state, 'reloading');
    assert.equal(h.baseState, 'healthy');
    assert.equal(statusBarText(h, t0 + 4000), '$(loading~spin) NSO reloading 4 s');
    assert.ok(h.problems.some((p) => p.id === 'build' && /l3vpn: 2 errors/.test(p.message)));
  });

  it('drops a failed reload from before the current run of the container', () => {
    const failed = {
      kind: 'reload' as const,
      ok: false,
      summary: 'Container nso-prod is not running',
      at: t0 - 5000,
    };
    const stopped = assessHealth({
      now: t0 - 4000,
      engine: live,
      container: details({ status: 'exited', exitCode: 137, startedAt: t0 - 60_000 }),
      lastReload: failed,
    });
    assert.ok(stopped.problems.some((p) => p.id === 'reload'));
    assert.equal(stopped.lastReload, failed);

    // Started again after the failure: NSO loaded the packages at start.
    const restarted = assessHealth({
      now: t0 + 4000,
      engine: live,
      container: details({ health: 'healthy', startedAt: t0 }),
      lastReload: failed,
    });
    assert.ok(!restarted.problems.some((p) => p.id === 'reload'), restarted.summary);
    assert.equal(restarted.lastReload, undefined);

    // A reload that failed during this run still counts.
    const again = assessHealth({
      now: t0 + 9000,
      engine: live,
      container: details({ health: 'healthy', startedAt: t0 }),
      lastReload: { ...failed, summary: 'l3vpn: result false', at: t0 + 8000 },
    });
    assert.ok(again.problems.some((p) => p.id === 'reload' && /l3vpn/.test(p.message)));
  });

  it('ignores a probe from an earlier run of the container', () => {
    const d = details({ health: 'healthy', startedAt: t0 });
    const old = probeFor(d, {
      containerStartedAt: t0 - 3_600_000,
      packages: parseShowPackages(showPackages),
    });
    const h = assessHealth({ now: t0, engine: live, container: d, probe: old });
    assert.equal(h.state, 'healthy');
    assert.equal(h.packages, undefined);
  });
});

describe('NSO containers: which and how grouped', () => {
  const c = (
    name: string,
    image: string,
    labels: Record<string, string> = {},
  ): WatchedContainer => ({
    id: `${name}-id`,
    name,
    image,
    labels,
    state: 'running',
    health: 'none',
    createdAt: t0,
  });

  it('knows NSO images under any registry prefix, tag or digest', () => {
    assert.equal(nsoImageRole('cisco-nso-prod:6.4'), 'prod');
    assert.equal(nsoImageRole('registry.lab:5000/team/cisco-nso-prod:6.4.1@sha256:abc'), 'prod');
    assert.equal(nsoImageRole('cisco-nso-dev:5.7'), 'build');
    assert.equal(nsoImageRole('cisco-nso-build'), 'build');
    assert.equal(nsoImageRole('my-cisco-nso-prod:1'), undefined);
    assert.equal(nsoImageVersion('nso-sim/cisco-nso-prod:6.4.1'), '6.4.1');
    assert.equal(looksLikeNso(c('x', 'nginx')), false);
    assert.equal(looksLikeNso(c('x', 'sha256:1', { 'org.nso-workbench.role': 'build' })), true);
    assert.equal(isWatchedContainer(c('x', 'redis', { 'com.docker.compose.project': 'p' })), true);
  });

  it('groups: workspace first, Compose projects with NSO, then the rest', () => {
    const groups = groupNsoContainers(
      [
        c('build', 'cisco-nso-build:6.4', {
          'org.nso-workbench.role': 'build',
          'org.nso-workbench.workspace': '/ws',
        }),
        c('prod', 'cisco-nso-prod:6.4', {
          'org.nso-workbench.role': 'prod',
          'org.nso-workbench.workspace': '/ws/',
        }),
        c('nso1', 'cisco-nso-prod:6.4', {
          'com.docker.compose.project': 'ha',
          'com.docker.compose.service': 'nso1',
        }),
        c('netsim', 'netsim:1', {
          'com.docker.compose.project': 'ha',
          'com.docker.compose.service': 'netsim',
        }),
        c('db', 'postgres', { 'com.docker.compose.project': 'shop' }),
        c('loose', 'cisco-nso-prod:6.3'),
        c('web', 'nginx'),
      ],
      ['/ws'],
    );
    assert.deepEqual(
      groups.map((g) => [g.kind, g.containers.map((x) => x.name)]),
      [
        ['workspace', ['prod', 'build']],
        ['compose', ['netsim', 'nso1']],
        ['other', ['loose']],
      ],
    );
  });

  it("pickers: only the containers a command applies to, the workspace's own first, the others marked", () => {
    const ws = (role: string): Record<string, string> => ({
      'org.nso-workbench.role': role,
      'org.nso-workbench.workspace': '/ws',
    });
    const stopped = (x: WatchedContainer): WatchedContainer => ({ ...x, state: 'exited' });
    const containers = [
      // Other projects' containers, running: they came first in the old pickers.
      c('nso1', 'cisco-nso-prod:6.4', {
        'com.docker.compose.project': 'ha',
        'com.docker.compose.service': 'nso1',
      }),
      c('netsim', 'netsim:1', {
        'com.docker.compose.project': 'ha',
        'com.docker.compose.service': 'netsim',
      }),
      c('theirs', 'cisco-nso-prod:6.4', {
        'org.nso-workbench.role': 'prod',
        'org.nso-workbench.workspace': '/elsewhere',
      }),
      stopped(c('loose', 'cisco-nso-prod:6.3')),
      c('build', 'cisco-nso-build:6.4', ws('build')),
      stopped(c('prod', 'cisco-nso-prod:6.4', ws('prod'))),
    ];
    const groups = groupNsoContainers(containers, ['/ws']);
    const listed = (choices: ContainerChoice[]): string[][] =>
      choices.map((x) => [x.container.name, x.section, x.owner ?? '']);

    // Start: what is not running, the workspace's stopped production container first.
    assert.deepEqual(listed(containerChoices(groups, (x) => x.state !== 'running')), [
      ['prod', 'This workspace', ''],
      ['loose', 'Other NSO containers', 'not from this workspace'],
    ]);
    // Stop: what runs; the workspace's own first, the rest saying whose they are.
    assert.deepEqual(listed(containerChoices(groups, (x) => x.state === 'running')), [
      ['build', 'This workspace', ''],
      ['netsim', 'Compose project ha', 'Compose project ha'],
      ['nso1', 'Compose project ha', 'Compose project ha'],
      ['theirs', 'Other NSO containers', 'workspace /elsewhere'],
    ]);
    // NSO logs: production containers only (no build container, no netsim).
    assert.deepEqual(
      containerChoices(groups, (x) => containerRole(x) === 'prod').map((x) => x.container.name),
      ['prod', 'nso1', 'loose', 'theirs'],
    );
    // A container the workspace attached to (Use Existing Container…) counts as its own.
    const attached = containerChoices(groups, () => true, 'nso1-id');
    assert.deepEqual(listed(attached).slice(0, 3), [
      ['nso1', 'This workspace', 'Compose project ha'],
      ['prod', 'This workspace', ''],
      ['build', 'This workspace', ''],
    ]);
    assert.ok(attached[0]?.own && !attached.slice(3).some((x) => x.own));
    // One made outside any project and picked says so, not "not from this workspace".
    assert.deepEqual(listed(containerChoices(groups, () => true, 'loose-id')).slice(0, 1), [
      ['loose', 'This workspace', 'picked with Use Existing Container…'],
    ]);
  });

  it('finds the production container: chosen, labelled, then mounted from the workspace', () => {
    const labelled = c('ours', 'cisco-nso-prod:6.4', {
      'org.nso-workbench.role': 'prod',
      'org.nso-workbench.workspace': '/ws',
    });
    const mounted: WatchedContainer = {
      ...c('compose-nso', 'cisco-nso-prod:6.4'),
      details: {
        ...details({}),
        mounts: [
          {
            type: 'bind',
            source: '/ws/packages',
            destination: '/nso/run/packages',
            readOnly: false,
          },
        ],
      },
    };
    const elsewhere = c('other', 'cisco-nso-prod:6.4', {
      'org.nso-workbench.role': 'prod',
      'org.nso-workbench.workspace': '/elsewhere',
    });
    assert.equal(selectProdContainer([labelled, mounted, elsewhere], ['/ws'])?.name, 'ours');
    assert.equal(selectProdContainer([mounted, elsewhere], ['/ws'])?.name, 'compose-nso');
    assert.equal(selectProdContainer([elsewhere], ['/ws']), undefined);
    assert.equal(selectProdContainer([labelled, elsewhere], ['/ws'], 'other')?.name, 'other');
  });

  it('shows the ports a stopped container was created with, and the published ones while it runs', () => {
    // As the engine answers an inspect: a stopped container publishes nothing.
    const inspected = (status: string, published: Record<string, unknown>): ContainerDetails =>
      containerDetails({
        Id: 'f'.repeat(64),
        Name: '/nso',
        Config: { Image: 'cisco-nso-prod:6.4.1', Env: [] },
        State: { Status: status, Running: status === 'running' },
        HostConfig: {
          PortBindings: {
            '2024/tcp': [{ HostIp: '127.0.0.1', HostPort: '20240' }],
            '8080/tcp': [{ HostIp: '', HostPort: '' }],
          },
        },
        NetworkSettings: { Ports: published },
      });
    assert.deepEqual(describePorts({ state: 'exited', details: inspected('exited', {}) }), [
      '127.0.0.1:20240 → 2024/tcp (when running)',
      '0.0.0.0:(a free port) → 8080/tcp (when running)',
    ]);
    const running = inspected('running', {
      '2024/tcp': [{ HostIp: '127.0.0.1', HostPort: '20240' }],
      '8080/tcp': [{ HostIp: '0.0.0.0', HostPort: '32768' }],
    });
    assert.deepEqual(describePorts({ state: 'running', details: running }), [
      '127.0.0.1:20240 → 2024/tcp',
      '0.0.0.0:32768 → 8080/tcp',
    ]);
  });

  it('knows a Compose service built FROM an NSO image by what it inherited, and follows it', () => {
    // `build: .` in Compose: the image is named after the project, not after Cisco's.
    const built = (service: string, d: Partial<ContainerDetails>): WatchedContainer => {
      const name = `shop-${service}-1`;
      const image = `shop-${service}`;
      const labels = {
        'com.docker.compose.project': 'shop',
        'com.docker.compose.service': service,
      };
      return {
        ...c(name, image, labels),
        details: nsoProdDetails({ name, image, labels, env: {}, entrypoint: [], cmd: [], ...d }),
      };
    };
    const nso = built('nso', {
      env: { NCS_DIR: '/opt/ncs/current', NCS_RUN_DIR: '/nso/run' },
      entrypoint: ['/run-nso.sh'],
      healthcheck: { test: ['CMD-SHELL', 'ncs_cmd -c "wait-start 2"'] },
      mounts: [
        { type: 'bind', source: '/ws/packages', destination: '/nso/run/packages', readOnly: false },
      ],
    });
    const builder = built('builder', {
      env: { NCS_DIR: '/opt/ncs/current' },
      cmd: ['sleep', 'infinity'],
    });
    const db = built('db', { env: { PGDATA: '/var/lib/postgresql/data' }, cmd: ['postgres'] });

    assert.equal(containerRole(nso), 'prod');
    assert.equal(containerRole(builder), 'build');
    assert.equal(containerRole(db), undefined);
    const { details: _inspected, ...uninspected } = nso;
    assert.equal(containerRole(uninspected), undefined, 'the name alone says nothing');

    assert.deepEqual(
      groupNsoContainers([db, nso, builder], ['/ws']).map((g) => [
        g.kind,
        g.containers.map((x) => x.name),
      ]),
      [['compose', ['shop-builder-1', 'shop-db-1', 'shop-nso-1']]],
    );
    assert.deepEqual(groupNsoContainers([db], ['/ws']), [], 'a project without NSO stays out');
    assert.equal(selectProdContainer([db, builder, nso], ['/ws'])?.name, 'shop-nso-1');
  });
});

describe('NSO health monitor', () => {
  const prodLabels = { 'org.nso-workbench.role': 'prod', 'org.nso-workbench.workspace': '/ws' };
  /** The probe's output while NSO does not answer yet. */
  const notAnswering = [
    'ncs: connection refused',
    'nsowb-probe status-exit=1',
    'Failed to connect to server',
    'nsowb-probe phase-exit=1',
  ].join('\n');
  const upOutput = [
    'vsn: 6.4.1',
    'status: started',
    'nsowb-probe status-exit=0',
    'phase: 2 flags: 0x0',
    'nsowb-probe phase-exit=0',
    '% No entries found.',
    'nsowb-probe cli-exit=0',
  ].join('\n');

  function setup() {
    const clock = new ManualClock();
    const engine = new FakeEngine(clock);
    const client = engine.client();
    const watcher = new ContainerWatcher(client, { relevant: isWatchedContainer, clock });
    const logged: string[] = [];
    const monitor = new HealthMonitor({
      workspacePaths: () => ['/ws'],
      adminUser: () => 'admin',
      clock,
      log: (level, message) => logged.push(`${level}: ${message}`),
    });
    monitor.connect(watcher, client);
    return { clock, engine, watcher, monitor, logged };
  }

  it('follows the container through start, healthy (asking NSO once) and removal', async () => {
    const t = setup();
    t.engine.execOutput = [
      'vsn: 6.4.1',
      'status: started',
      'nsowb-probe status-exit=0',
      'phase: 2 flags: 0x0',
      'nsowb-probe phase-exit=0',
      showPackages,
      'nsowb-probe cli-exit=0',
    ].join('\n');
    const states: string[] = [];
    t.monitor.onHealthChanged((h) => states.push(h.state));
    t.watcher.start();
    await settle();
    assert.equal(t.monitor.health.state, 'noContainer');

    const up = t.engine.execOutput;
    t.engine.execOutput = notAnswering;
    const prod = t.engine.add('nso', 'cisco-nso-prod:6.4.1', prodLabels, 'running', 'starting');
    t.engine.emit(prod, 'create');
    t.engine.emit(prod, 'start');
    t.engine.emit(prod, 'health_status: starting');
    await t.clock.advance(100);
    await settle();
    assert.equal(t.monitor.health.state, 'starting');
    const asked = (): number => t.engine.calls.filter((c) => c.startsWith('exec')).length;
    assert.equal(asked(), 1, 'a started NSO is asked at once');

    t.engine.execOutput = up;
    prod.health = 'healthy';
    t.engine.emit(prod, 'health_status: healthy');
    await t.clock.advance(100);
    await settle();
    assert.equal(asked(), 2, 'NSO asked once more when healthy');
    assert.equal(t.monitor.health.state, 'packagesDown');
    assert.equal(t.monitor.health.nso?.version, '6.4.1');

    const build = t.monitor.beginActivity('building', '3 packages');
    assert.equal(t.monitor.health.state, 'building');
    build.end();
    build.end();
    assert.equal(t.monitor.health.state, 'packagesDown');

    t.engine.containers.delete(prod.id);
    t.engine.emit(prod, 'destroy');
    await t.clock.advance(100);
    assert.equal(t.monitor.health.state, 'noContainer');
    assert.equal(t.monitor.health.removed?.name, 'nso');
    assert.deepEqual(
      states.filter((s, i) => s !== states[i - 1]),
      [
        'connecting',
        'noContainer',
        'starting',
        'healthy',
        'packagesDown',
        'building',
        'packagesDown',
        'noContainer',
      ],
    );
    t.monitor.dispose();
    await t.watcher.dispose();
  });

  it("says up as soon as NSO answers, before Docker's health check first passes", async () => {
    const t = setup();
    t.engine.execOutput = notAnswering;
    const prod = t.engine.add('nso', 'cisco-nso-prod:6.4.1', prodLabels, 'running', 'starting');
    t.watcher.start();
    await t.clock.advance(100);
    await settle();
    const asked = (): number => t.engine.calls.filter((c) => c.startsWith('exec')).length;
    assert.equal(asked(), 1);
    assert.equal(t.monitor.health.state, 'starting');

    // NSO is up 1 s later; Docker runs its check only every 30 s.
    t.engine.execOutput = upOutput;
    await t.clock.advance(1000);
    // Start NSO found it up and says so: the health asks NSO at once and agrees.
    t.monitor.reassess();
    await settle();
    assert.equal(asked(), 2);
    assert.equal(t.monitor.health.state, 'running');
    assert.equal(statusWords(t.monitor.health, t.clock.now()), 'NSO 6.4.1 up');

    // Without such a command, the next probe (2 s after the first) finds it too.
    const u = setup();
    u.engine.execOutput = notAnswering;
    u.engine.add('nso', 'cisco-nso-prod:6.4.1', prodLabels, 'running', 'starting');
    u.watcher.start();
    await u.clock.advance(100);
    await settle();
    u.engine.execOutput = upOutput;
    await u.clock.advance(2000);
    await settle();
    assert.equal(u.monitor.health.state, 'running');
    const quiet = u.engine.calls.filter((c) => c.startsWith('exec')).length;
    await u.clock.advance(10 * 60_000);
    await settle();
    assert.equal(
      u.engine.calls.filter((c) => c.startsWith('exec')).length,
      quiet,
      'quiet once NSO is up',
    );
    assert.equal(prod.health, 'starting');
    for (const x of [t, u]) {
      x.monitor.dispose();
      await x.watcher.dispose();
    }
  });

  it('logs a probe that keeps failing the same way once, though each health change asks again', async () => {
    const t = setup();
    t.engine.execOutput = ''; // an image without NSO's tools: the probe prints nothing
    const prod = t.engine.add('nso', 'cisco-nso-prod:6.4.1', prodLabels, 'running', 'healthy');
    t.watcher.start();
    await t.clock.advance(100);
    await settle();
    for (const health of ['unhealthy', 'healthy', 'unhealthy', 'healthy'] as const) {
      prod.health = health;
      t.engine.emit(prod, `health_status: ${health}`);
      await t.clock.advance(100);
      await settle();
    }
    assert.equal(t.engine.calls.filter((c) => c.startsWith('exec')).length, 5, 'asked each time');
    assert.ok(
      t.monitor.health.problems.some((p) => p.id === 'probe'),
      'shown in the view',
    );
    const failures = (): string[] =>
      t.logged.filter((l) => /Asking NSO for its state failed/.test(l));
    assert.equal(failures().length, 1, t.logged.join('\n'));

    // Once NSO answered, the next failure is news again.
    t.engine.execOutput =
      'status: started\nnsowb-probe status-exit=0\nphase: 2 flags: 0x0\nnsowb-probe phase-exit=0\n% No entries found.\nnsowb-probe cli-exit=0\n';
    await t.monitor.probeNow();
    t.engine.execOutput = '';
    await t.monitor.probeNow();
    assert.equal(failures().length, 2);
    t.monitor.dispose();
    await t.watcher.dispose();
  });

  it('asks a starting NSO without a health check again until it is up, then stops asking', async () => {
    const t = setup();
    // `docker run --no-healthcheck`: no health_status event will ever say NSO is up.
    t.engine.execOutput = [
      'ncs: connection refused',
      'nsowb-probe status-exit=1',
      'Failed to connect to server',
      'nsowb-probe phase-exit=1',
    ].join('\n');
    t.engine.add('nso', 'cisco-nso-prod:6.4.1', prodLabels, 'running', 'none');
    t.watcher.start();
    await t.clock.advance(100);
    await settle();
    const asked = (): number => t.engine.calls.filter((c) => c.startsWith('exec')).length;
    assert.equal(asked(), 1);
    assert.equal(t.monitor.health.state, 'starting');
    assert.equal(t.monitor.health.summary, 'NSO 6.4.1 starting (not answering yet)');

    await t.clock.advance(2000);
    await settle();
    assert.equal(asked(), 2, 'asked again 2 s later');
    await t.clock.advance(4000);
    await settle();
    assert.equal(asked(), 3, 'then after a longer gap');

    t.engine.execOutput = [
      'vsn: 6.4.1',
      'status: started',
      'nsowb-probe status-exit=0',
      'phase: 2 flags: 0x0',
      'nsowb-probe phase-exit=0',
      showPackages,
      'nsowb-probe cli-exit=0',
    ].join('\n');
    await t.clock.advance(8000);
    await settle();
    assert.equal(asked(), 4);
    assert.equal(
      t.monitor.health.state,
      'packagesDown',
      'up, and NSO said which packages are down',
    );

    await t.clock.advance(10 * 60_000);
    await settle();
    assert.equal(asked(), 4, 'quiet once NSO is up');
    t.monitor.dispose();
    await t.watcher.dispose();
  });

  it('asks NSO again after a reload result is published', async () => {
    const t = setup();
    t.engine.execOutput =
      'status: started\nnsowb-probe status-exit=0\nphase: 2 flags: 0x0\nnsowb-probe phase-exit=0\n% No entries found.\nnsowb-probe cli-exit=0\n';
    t.engine.add('nso', 'cisco-nso-prod:6.4.1', prodLabels, 'running', 'healthy');
    t.watcher.start();
    await t.clock.advance(100);
    await settle();
    const before = t.engine.calls.filter((c) => c.startsWith('exec')).length;
    assert.equal(before, 1, 'a healthy container found at start is asked once');
    t.monitor.publishResult({
      kind: 'reload',
      ok: false,
      summary: 'l3vpn: result false',
      at: t.clock.now(),
    });
    await settle();
    assert.equal(t.engine.calls.filter((c) => c.startsWith('exec')).length, before + 1);
    assert.ok(t.monitor.health.problems.some((p) => p.id === 'reload'));
    t.monitor.dispose();
    await t.watcher.dispose();
  });
});
