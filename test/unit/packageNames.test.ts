import { strict as assert } from 'node:assert';
import { refusalLines } from '../../src/cli/reloadCommand';
import { deletionListComplete } from '../../src/core/nso/reload';
import { parseShowPackages } from '../../src/core/nso/health';
import {
  cliValue,
  parseModuleDeletion,
  parsePackagesShow,
  parseReloadOutput,
} from '../../src/core/nso/reloadOutput';

// A package whose package-meta-data.xml says <name>bad "pkg" x</name>: any
// string is a valid package name, and ncs_cli quotes it where it prints it.
const bad = 'bad "pkg" x';

describe('package names with blanks and quotes', () => {
  it('reads a CLI value bare or quoted with escapes', () => {
    assert.equal(cliValue('extra'), 'extra');
    assert.equal(cliValue('"bad \\"pkg\\" x"'), bad);
    assert.equal(cliValue('"back\\\\slash"'), 'back\\slash');
    assert.equal(cliValue('"a\\\\"'), 'a\\');
    // Not one quoted string: kept as printed.
    assert.equal(cliValue('"a" b "c"'), '"a" b "c"');
  });

  it('reads each escape of an error-info once', () => {
    // The text C:\new "x" is printed as "C:\\new \"x\"": the \\n is a backslash
    // then an n, not a line break.
    const raw = [
      'packages package extra',
      ' oper-status file-load-error',
      ' oper-status error-info "C:\\\\new \\"x\\""',
    ].join('\n');
    assert.deepEqual(parseShowPackages(raw)[0]!.errorInfo, ['C:\\new "x"']);
    assert.equal(parsePackagesShow(raw).get('extra')!.errorInfo, 'C:\\new "x"');
  });

  it('reads a deletion line whatever the package is called', () => {
    assert.deepEqual(parseModuleDeletion('extra: extra'), { package: 'extra', module: 'extra' });
    assert.deepEqual(parseModuleDeletion(`${bad}: extra`), { package: bad, module: 'extra' });
    assert.deepEqual(parseModuleDeletion('"bad \\"pkg\\" x": extra-types'), {
      package: bad,
      module: 'extra-types',
    });
    assert.deepEqual(parseModuleDeletion('odd: name: tailf-ned.v2'), {
      package: 'odd: name',
      module: 'tailf-ned.v2',
    });
    assert.equal(
      parseModuleDeletion("If this is intended, proceed with 'force' parameter."),
      undefined,
    );
    assert.equal(parseModuleDeletion(': extra'), undefined);
  });

  it('lists the modules of a deleted package named with blanks and quotes', () => {
    for (const printed of [bad, '"bad \\"pkg\\" x"']) {
      const r = parseReloadOutput(
        [
          'admin@ncs# packages reload',
          'Error: The following modules will be deleted by upgrade:',
          `${printed}: extra`,
          'l3vpn: l3vpn-old',
          "If this is intended, proceed with 'force' parameter.",
          'admin@ncs# ',
        ].join('\n'),
      );
      assert.equal(r.outcome.kind, 'deletionRefused');
      if (r.outcome.kind !== 'deletionRefused') return;
      assert.deepEqual(r.outcome.deletions, [
        { package: bad, module: 'extra' },
        { package: 'l3vpn', module: 'l3vpn-old' },
      ]);
      assert.deepEqual(r.outcome.unread, []);
      assert.deepEqual(r.outcome.said, [
        'Error: The following modules will be deleted by upgrade:',
        `${printed}: extra`,
        'l3vpn: l3vpn-old',
        "If this is intended, proceed with 'force' parameter.",
      ]);
      assert.ok(deletionListComplete({ deletions: r.outcome.deletions, refusal: r.outcome }));
    }
  });

  it('never calls an unreadable deletion list complete', () => {
    const r = parseReloadOutput(
      [
        'Error: The following modules will be deleted by upgrade:',
        'extra: extra',
        'something NSO printed that names no module',
        "If this is intended, proceed with 'force' parameter.",
      ].join('\n'),
    );
    assert.equal(r.outcome.kind, 'deletionRefused');
    if (r.outcome.kind !== 'deletionRefused') return;
    assert.deepEqual(r.outcome.unread, ['something NSO printed that names no module']);
    assert.equal(r.outcome.said.length, 4);
    assert.ok(!deletionListComplete({ deletions: r.outcome.deletions, refusal: r.outcome }));

    const empty = parseReloadOutput(
      "Error: The following modules will be deleted by upgrade:\nIf this is intended, proceed with 'force' parameter.\n",
    );
    assert.equal(empty.outcome.kind, 'deletionRefused');
    if (empty.outcome.kind !== 'deletionRefused') return;
    assert.deepEqual(empty.outcome.deletions, []);
    assert.ok(!deletionListComplete({ deletions: [], refusal: empty.outcome }));
  });

  it('ends the refusal where the next answer starts', () => {
    const r = parseReloadOutput(
      [
        'Error: The following modules will be deleted by upgrade:',
        `${bad}: extra`,
        'packages package extra',
        ' oper-status up',
      ].join('\n'),
    );
    assert.equal(r.outcome.kind, 'deletionRefused');
    if (r.outcome.kind !== 'deletionRefused') return;
    assert.deepEqual(r.outcome.said, [
      'Error: The following modules will be deleted by upgrade:',
      `${bad}: extra`,
    ]);
    assert.deepEqual(r.outcome.deletions, [{ package: bad, module: 'extra' }]);
  });

  it('offers --force in the CLI only with a complete list', () => {
    const complete = parseReloadOutput(
      `Error: The following modules will be deleted by upgrade:\n${bad}: extra\nIf this is intended, proceed with 'force' parameter.\n`,
    ).outcome;
    assert.equal(complete.kind, 'deletionRefused');
    if (complete.kind !== 'deletionRefused') return;
    assert.deepEqual(refusalLines({ deletions: complete.deletions, refusal: complete }), [
      'NSO would delete these modules and the data under them:',
      `  ${bad}: extra`,
      'Run again with --force to delete them.',
    ]);

    const unreadable = parseReloadOutput(
      "Error: The following modules will be deleted by upgrade:\n???\nIf this is intended, proceed with 'force' parameter.\n",
    ).outcome;
    assert.equal(unreadable.kind, 'deletionRefused');
    if (unreadable.kind !== 'deletionRefused') return;
    const lines = refusalLines({ deletions: unreadable.deletions, refusal: unreadable });
    assert.deepEqual(lines, [
      'NSO said:',
      '  Error: The following modules will be deleted by upgrade:',
      '  ???',
      "  If this is intended, proceed with 'force' parameter.",
      'The modules it would delete could not be read: --force is not suggested.',
    ]);
    assert.ok(!lines.some((l) => /Run again with --force/.test(l)));
  });

  it('reads a quoted package in a reload result', () => {
    const r = parseReloadOutput(
      [
        'reload-result {',
        '    package "bad \\"pkg\\" x"',
        '    result true',
        '}',
        'reload-result {',
        '    package extra',
        '    result true',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(r.outcome, {
      kind: 'ok',
      upgraded: false,
      results: [
        { package: bad, result: true },
        { package: 'extra', result: true },
      ],
    });
  });

  // `show packages package` as the simulator and NSO print it: the odd name
  // quoted (NSO) or, from older simulators, bare.
  const showPackages = (head: string): string =>
    [
      'packages package extra',
      ' package-version 1.0',
      ' directory       ./state/packages-in-use/1/extra',
      ' oper-status up',
      head,
      ' package-version 1.0',
      ' directory       "./state/packages-in-use/1/bad \\"pkg\\" x"',
      ' oper-status file-load-error',
      ' oper-status error-info "bad.fxs: cannot read"',
      'packages package l3vpn',
      ' package-version 2.1',
      ' oper-status up',
    ].join('\n');

  it('keeps such a package in the Health and status package list', () => {
    for (const head of ['packages package "bad \\"pkg\\" x"', `packages package ${bad}`]) {
      const list = parseShowPackages(showPackages(head));
      assert.deepEqual(
        list.map((p) => [p.name, p.operStatus]),
        [
          ['extra', 'up'],
          [bad, 'file-load-error'],
          ['l3vpn', 'up'],
        ],
      );
      assert.deepEqual(list[1]!.errorInfo, ['bad.fxs: cannot read']);

      const map = parsePackagesShow(showPackages(head));
      assert.deepEqual([...map.keys()], ['extra', bad, 'l3vpn']);
      assert.deepEqual(map.get(bad), {
        status: 'file-load-error',
        errorInfo: 'bad.fxs: cannot read',
      });
    }
  });
});
