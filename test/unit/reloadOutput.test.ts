import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import {
  parseOperStatus,
  parseRedeployOutput,
  parseReloadOutput,
} from '../../src/core/nso/reloadOutput';
import { corpusPath } from '../helpers/paths';

/** The blocks of corpus/formats/02_packages-reload-output.txt, split at "=== REAL" headers. */
function corpusBlocks(): Map<string, string> {
  const text = fs.readFileSync(corpusPath('formats', '02_packages-reload-output.txt'), 'utf8');
  const out = new Map<string, string>();
  for (const part of text.split(/^=== REAL /m).slice(1)) {
    const [head, ...body] = part.split('\n');
    out.set(head!.split(' ')[0]!, body.join('\n'));
  }
  return out;
}

describe('packages reload output', () => {
  it('tells an output with nothing but the banner from one with results, never calling it success', () => {
    const banner = parseReloadOutput(
      '\n>>> System upgrade is starting.\n>>> System upgrade has completed successfully.\n',
    );
    assert.equal(banner.empty, true);
    assert.equal(banner.outcome.kind, 'unknown');
    const withResult = parseReloadOutput('reload-result {\n    package a\n    result true\n}\n');
    assert.equal(withResult.empty, false);
  });

  it('success with the upgrade banner (corpus REAL A)', () => {
    const r = parseReloadOutput(corpusBlocks().get('A')!);
    assert.equal(r.outcome.kind, 'ok');
    if (r.outcome.kind !== 'ok') return;
    assert.equal(r.outcome.upgraded, true);
    assert.deepEqual(
      r.outcome.results.map((x) => x.package),
      ['cisco-ios', 'cisco-nx'],
    );
  });

  it('success with interleaved system messages (corpus REAL B)', () => {
    const r = parseReloadOutput(corpusBlocks().get('B')!);
    assert.equal(r.outcome.kind, 'ok');
    assert.equal(r.systemMessages.length, 2);
    assert.match(r.systemMessages[0]!, /Subsystem stopped: ncs-dp-4-cisco-asa-cli-6.18:ASADp/);
  });

  it('version refusal and result false with info (corpus REAL C)', () => {
    const blocks = corpusBlocks()
      .get('C')!
      .split(/\n(?=admin@ncs# packages reload)/);
    const version = parseReloadOutput(blocks[0]!);
    assert.deepEqual(version.outcome, {
      kind: 'versionRefused',
      package: 'demo',
      requiredVersion: '6.3',
      message: 'Failed to load NCS package: demo; requires NCS version 6.3',
    });
    const py = parseReloadOutput(blocks[1]!);
    assert.equal(py.outcome.kind, 'failed');
    if (py.outcome.kind === 'failed') {
      assert.deepEqual(py.outcome.results, [
        { package: 'demo', result: false, info: 'SyntaxError: invalid syntax' },
      ]);
    }
    const templates = parseReloadOutput(blocks[2]!);
    assert.equal(templates.outcome.kind, 'failed');
    if (templates.outcome.kind === 'failed') {
      assert.deepEqual(
        templates.outcome.results.map((x) => x.info),
        [
          'demo-template.xml:87 missing tag: name',
          "demo-template.xml:11 Unknown namespace: 'ios-xr'",
          'demo-template.xml:12: The XML stream is broken. Run-away < character found.',
        ],
      );
    }
  });

  it('deletion refusal lists package and module (corpus REAL E1 and E3)', () => {
    const e = corpusBlocks().get('E')!;
    const [e1, e3] = e.split(/--- E3/);
    const r1 = parseReloadOutput(e1!.split('# packages reload force')[0]!);
    assert.deepEqual(r1.outcome, {
      kind: 'deletionRefused',
      deletions: [
        { package: 'hardware-nc-1.0', module: 'iana-hardware' },
        { package: 'hardware-nc-1.0', module: 'ietf-hardware' },
        { package: 'hardware-nc-1.0', module: 'hardware-nc' },
        { package: 'hardware-nc-1.0', module: 'hardware-nc-1.0' },
      ],
      said: [
        'Error: The following modules will be deleted by upgrade:',
        'hardware-nc-1.0: iana-hardware',
        'hardware-nc-1.0: ietf-hardware',
        'hardware-nc-1.0: hardware-nc',
        'hardware-nc-1.0: hardware-nc-1.0',
        "If this is intended, proceed with 'force' parameter.",
      ],
      unread: [],
    });
    const r3 = parseReloadOutput(e3!);
    assert.equal(r3.outcome.kind, 'deletionRefused');
    if (r3.outcome.kind === 'deletionRefused') assert.equal(r3.outcome.deletions.length, 2);
  });

  it('never calls empty or unrecognised output a success', () => {
    assert.equal(parseReloadOutput('').outcome.kind, 'unknown');
    assert.equal(parseReloadOutput('connection refused').outcome.kind, 'unknown');
    assert.deepEqual(parseReloadOutput('Error: access denied').outcome, {
      kind: 'error',
      message: 'Error: access denied',
    });
  });

  it('tolerates ">>>> " banners, prompts and wrapped info lines', () => {
    const r = parseReloadOutput(
      [
        'admin@ncs# packages reload',
        '>>>> System upgrade is starting.',
        '>>>> System upgrade has completed successfully.',
        'reload-result {',
        '    package p',
        '    result false',
        '    info a very long',
        '       explanation',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(r.outcome, {
      kind: 'failed',
      upgraded: true,
      results: [{ package: 'p', result: false, info: 'a very long explanation' }],
    });
  });
});

describe('redeploy and oper-status output', () => {
  it('reads redeploy results, including the stray bracket of one doc sample', () => {
    assert.deepEqual(parseRedeployOutput('result true\n'), { result: true });
    assert.deepEqual(parseRedeployOutput('result true]\n'), { result: true });
    assert.deepEqual(parseRedeployOutput('result false\ninfo "boom"\n'), {
      result: false,
      info: 'boom',
    });
  });

  it('reads oper-status with error-info (corpus REAL H), and the J-style block', () => {
    assert.deepEqual(
      parseOperStatus(
        'oper-status file-load-error\noper-status error-info "template3.xml:2 Unknown servicepoint: templ42-servicepoint"\n',
      ),
      {
        status: 'file-load-error',
        errorInfo: 'template3.xml:2 Unknown servicepoint: templ42-servicepoint',
      },
    );
    assert.deepEqual(parseOperStatus('oper-status up\n'), { status: 'up' });
    assert.deepEqual(parseOperStatus('oper-status {\n    up;\n}\n'), { status: 'up' });
    assert.equal(parseOperStatus('nothing here'), undefined);
  });
});
