import * as assert from 'node:assert/strict';
import type { ContainerHealthFacts, NsoHealth, PackageOperState } from '../../src/core/nso/health';
import { PackageRuntimeStates } from '../../src/core/packages/runtimeStates';

const ws = '/work/ws';
const t0 = Date.parse('2026-01-01T10:00:00Z');

function container(state: ContainerHealthFacts['state'], startedAt = t0): ContainerHealthFacts {
  return {
    id: 'c'.repeat(64),
    name: 'nso-prod-ws',
    image: 'cisco-nso-prod:6.4.1',
    state,
    health: state === 'running' ? 'healthy' : 'none',
    startedAt,
    ...(state === 'exited' ? { exitCode: 137 } : {}),
    restartCount: 0,
    probes: [],
  };
}

function health(
  baseState: NsoHealth['baseState'],
  c?: ContainerHealthFacts,
  packages?: PackageOperState[],
  probedAt = t0 + 1000,
): NsoHealth {
  return {
    state: baseState,
    baseState,
    severity: 'ok',
    summary: baseState,
    endpoint: 'unix:///var/run/docker.sock',
    ...(c ? { container: c } : {}),
    ...(packages ? { packages, nso: { probedAt } } : {}),
    problems: [],
    engine: { phase: 'live' },
  };
}

const up = (name: string): PackageOperState => ({ name, operStatus: 'up', errorInfo: [] });

describe('Packages view: package states in the running NSO', () => {
  it('shows a reload result while the same run of the container runs', () => {
    const r = new PackageRuntimeStates();
    assert.equal(r.setHealth(health('healthy', container('running'))), true);
    r.setReloaded(ws, new Map([['l3vpn', { status: 'up' }]]), t0 + 500);
    assert.deepEqual(r.stateOf(ws, 'l3vpn'), { status: 'up' });
  });

  it('forgets every state once NSO is stopped, killed or removed', () => {
    for (const after of [
      health('stopped', container('exited')),
      health('noContainer'),
      health('engineDown'),
    ]) {
      const r = new PackageRuntimeStates();
      r.setHealth(health('healthy', container('running'), [up('l3vpn')]));
      r.setReloaded(ws, new Map([['l3vpn', { status: 'up' }]]), t0 + 500);
      assert.equal(r.setHealth(after), true, after.baseState);
      assert.equal(r.stateOf(ws, 'l3vpn'), undefined, after.baseState);
      assert.equal(r.running, false);
    }
  });

  it("does not carry a reload's result into a new run of the container", () => {
    const r = new PackageRuntimeStates();
    r.setHealth(health('healthy', container('running')));
    r.setReloaded(ws, new Map([['l3vpn', { status: 'python-vm-error' }]]), t0 + 500);
    r.setHealth(health('starting', container('running', t0 + 60_000)));
    assert.equal(r.stateOf(ws, 'l3vpn'), undefined);
  });

  it("prefers NSO's live oper-status unless a reload is newer", () => {
    const r = new PackageRuntimeStates();
    const failed: PackageOperState = {
      name: 'l3vpn',
      operStatus: 'python-vm-error',
      errorInfo: ['SyntaxError: invalid syntax'],
    };
    r.setHealth(health('packagesDown', container('running'), [failed, up('common')], t0 + 1000));
    r.setReloaded(ws, new Map([['l3vpn', { status: 'up' }]]), t0 + 500);
    assert.deepEqual(r.stateOf(ws, 'l3vpn'), {
      status: 'python-vm-error',
      errorInfo: 'SyntaxError: invalid syntax',
    });
    assert.equal(r.stateOf(ws, 'gone'), undefined, 'a package NSO does not have');

    r.setReloaded(ws, new Map([['l3vpn', { status: 'up' }]]), t0 + 2000);
    assert.deepEqual(r.stateOf(ws, 'l3vpn'), { status: 'up' });
  });

  it('keeps what it knows while Docker is being reconnected, and says when nothing changed', () => {
    const r = new PackageRuntimeStates();
    const h = health('healthy', container('running'), [up('l3vpn')]);
    assert.equal(r.setHealth(h), true);
    assert.equal(r.setHealth(h), false);
    assert.equal(r.setHealth(health('connecting')), false);
    assert.deepEqual(r.stateOf(ws, 'l3vpn'), { status: 'up' });
  });
});
