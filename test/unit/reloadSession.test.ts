import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { classifyNcsCliFailure, cliToken } from '../../src/core/nso/ncsCli';
import { FileLoadedStateStore } from '../../src/core/nso/reload';
import { lastTraceback } from '../../src/core/nso/reloadDiagnostics';
import {
  parseReloadOutput,
  splitOperStatusAnswers,
  splitRedeployAnswers,
} from '../../src/core/nso/reloadOutput';
import { hashLoadedPackage, planReload, reloadImpact } from '../../src/core/nso/reloadPlan';

describe('one ncs_cli session: reload, then oper-status per package', () => {
  it('tells the reload output from each package answer', () => {
    const raw = [
      'reload-result {',
      '    package a',
      '    result true',
      '}',
      'reload-result {',
      '    package b',
      '    result false',
      '    info b-template.xml:3 Unknown servicepoint: x',
      '}',
      '',
      'System message at 2026-12-04 10:00:00...',
      '    Subsystem started: ncs-dp-1-a:Main',
      'oper-status up',
      'oper-status file-load-error',
      'oper-status error-info "b-template.xml:3 Unknown servicepoint: x"',
      '% No entries found.',
      '',
    ].join('\n');
    const split = splitOperStatusAnswers(raw, ['a', 'b', 'c']);
    assert.ok(split);
    assert.deepEqual(split.statuses.get('a'), { status: 'up' });
    assert.deepEqual(split.statuses.get('b'), {
      status: 'file-load-error',
      errorInfo: 'b-template.xml:3 Unknown servicepoint: x',
    });
    assert.equal(split.statuses.get('c'), undefined);
    const reload = parseReloadOutput(split.before);
    assert.equal(reload.outcome.kind, 'failed');
    assert.equal(reload.systemMessages.length, 1);
  });

  it('skips a system message that arrives between answers', () => {
    const raw = [
      'oper-status up',
      'System message at 2026-12-04 10:00:00...',
      '    Subsystem stopped: ncs-dp-1-a:Main',
      'oper-status program-code-error',
      'oper-status error-info "SyntaxError: invalid syntax"',
    ].join('\n');
    const split = splitOperStatusAnswers(raw, ['a', 'b']);
    assert.deepEqual(split?.statuses.get('b'), {
      status: 'program-code-error',
      errorInfo: 'SyntaxError: invalid syntax',
    });
  });

  it('gives up when the answers do not match the questions', () => {
    assert.equal(splitOperStatusAnswers('oper-status up\n', ['a', 'b']), undefined);
    assert.equal(splitOperStatusAnswers('reload-result {\n}\n', ['a']), undefined);
  });

  it('reads one redeploy answer per package, in order', () => {
    const answers = splitRedeployAnswers(
      'result true\nresult false\nError: element does not exist\n',
      ['a', 'b', 'c'],
    );
    assert.deepEqual(answers?.get('a'), { result: true });
    assert.deepEqual(answers?.get('b'), { result: false });
    assert.equal(answers?.get('c')?.error, 'Error: element does not exist');
    assert.equal(splitRedeployAnswers('result true\n', ['a', 'b']), undefined);
  });
});

describe('ncs_cli failures', () => {
  const r = (exitCode: number, stderr: string, stdout = '') => ({ exitCode, stdout, stderr });

  it('names a missing ncs_cli, a NSO that does not answer and a refused user', () => {
    assert.equal(
      classifyNcsCliFailure(r(127, 'sh: 1: ncs_cli: not found'), 'admin', 'c')?.kind,
      'missing',
    );
    assert.equal(
      classifyNcsCliFailure(r(1, 'Failed to connect to server\n'), 'admin', 'c')?.kind,
      'notRunning',
    );
    const denied = classifyNcsCliFailure(r(1, 'Error: access denied\n'), 'bob', 'c');
    assert.equal(denied?.kind, 'accessDenied');
    assert.match(denied.message, /bob/);
    assert.match(denied.message, /nso\.adminUser/);
  });

  it('leaves command errors inside a working session to the parsers', () => {
    assert.equal(
      classifyNcsCliFailure(r(0, '', 'syntax error: unknown command\n'), 'admin', 'c'),
      undefined,
    );
    assert.equal(
      classifyNcsCliFailure(r(1, '', 'Error: The following modules\n'), 'admin', 'c'),
      undefined,
    );
  });

  it('quotes package names that are not plain CLI words', () => {
    assert.equal(cliToken('l3vpn'), 'l3vpn');
    assert.equal(cliToken('my pkg'), '"my pkg"');
    assert.equal(cliToken('a"b\\c'), '"a\\"b\\\\c"');
  });
});

describe('what a changed file needs', () => {
  it('redeploys Python and templates; reloads fully for schema, Java, meta-data and sources', () => {
    assert.equal(reloadImpact('python/a/main.py'), 'redeploy');
    assert.equal(reloadImpact('templates/t.xml'), 'redeploy');
    assert.equal(reloadImpact('load-dir/a.fxs'), 'full');
    assert.equal(reloadImpact('private-jar/a.jar'), 'full');
    assert.equal(reloadImpact('package-meta-data.xml'), 'full');
    assert.equal(reloadImpact('src/yang/a.yang'), 'full');
    assert.equal(reloadImpact('README.md'), 'none');
    assert.equal(reloadImpact('test/internal/lux/run.lux'), 'none');
  });

  it('hashes what NSO loads, build outputs included, caches left out', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-unit-hash-'));
    try {
      fs.mkdirSync(path.join(dir, 'load-dir'));
      fs.mkdirSync(path.join(dir, 'python', 'p', '__pycache__'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'load-dir', 'p.fxs'), 'schema');
      fs.writeFileSync(path.join(dir, 'python', 'p', 'main.py'), 'x = 1\n');
      fs.writeFileSync(path.join(dir, 'python', 'p', '__pycache__', 'main.cpython-311.pyc'), 'b');
      const before = await hashLoadedPackage(dir);
      assert.deepEqual([...before.keys()].sort(), ['load-dir/p.fxs', 'python/p/main.py']);

      // A rebuilt schema is a change even when no source file changed.
      fs.writeFileSync(path.join(dir, 'load-dir', 'p.fxs'), 'schema v2');
      const after = await hashLoadedPackage(dir);
      const plan = planReload('auto', new Map([['p', after]]), {
        packages: new Map([['p', before]]),
      });
      assert.deepEqual(plan, { kind: 'full', reason: 'p: load-dir/p.fxs changed' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('remembered loaded state', () => {
  it('keeps one record per container in a folder, and forgets on request', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-unit-state-'));
    try {
      const store = new FileLoadedStateStore(path.join(dir, 'state'));
      assert.equal(await store.get('abc'), undefined);
      const record = {
        container: 'abc',
        startedAt: 't',
        packages: { p: { 'a.py': 'h' } },
        at: 'now',
      };
      await store.set('abc', record);
      assert.deepEqual(await store.get('abc'), record);
      assert.equal(await store.get('other'), undefined);
      await store.set('abc', undefined);
      assert.equal(await store.get('abc'), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Python VM log tails', () => {
  it('keeps only the newest traceback', () => {
    const tail = [
      'Traceback (most recent call last):',
      '  File "/nso/run/packages/p/python/p/old.py", line 1',
      'SyntaxError: old',
      '<INFO> Started',
      'Traceback (most recent call last):',
      '  File "/nso/run/packages/p/python/p/main.py", line 7',
      'NameError: x',
    ].join('\n');
    const last = lastTraceback(tail);
    assert.ok(!last.includes('old.py'));
    assert.match(last, /main\.py", line 7/);
  });
});
