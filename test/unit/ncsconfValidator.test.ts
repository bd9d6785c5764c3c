import { strict as assert } from 'node:assert';
import { closest, editDistance } from '../../src/ncsconf/suggest';
import { validateConf } from '../../src/ncsconf/validator';
import type { ConfProblem, TextEdit } from '../../src/ncsconf/problems';
import { fixtureSchema, lineAt, readConf, summarize } from './ncsconfHelpers';

function applyEdits(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) {
    out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
  }
  return out;
}

function find(problems: ConfProblem[], text: string, line: number): ConfProblem {
  const p = problems.find((x) => lineAt(text, x.offset) === line);
  assert.ok(p, `no problem on line ${line}`);
  return p;
}

describe('ncs.conf validator with the schema', () => {
  it('accepts a complete valid file without a single problem', async () => {
    const schema = await fixtureSchema();
    const text = readConf('valid.conf');
    assert.deepEqual(validateConf(text, { schema }).problems, []);
  });

  it('puts every wrong value on its text, saying what the type allows', async () => {
    const schema = await fixtureSchema();
    const text = readConf('broken-values.conf');
    const { problems } = validateConf(text, { schema });
    assert.deepEqual(summarize(text, problems), [
      [5, 'invalid-value', '127.0.0.300'],
      [6, 'invalid-value', '0'],
      [8, 'invalid-value', '30 seconds'],
      [9, 'invalid-value', '2000'],
      [10, 'invalid-value', '0.125'],
      [11, 'invalid-value', 'cdb verbose'],
      [13, 'invalid-value', '64MB'],
      [14, 'invalid-value', 'automatik'],
      [18, 'invalid-value', 'yes'],
      [20, 'invalid-value', 'Trace'],
      [22, 'invalid-value', 'local3'],
      [27, 'invalid-value', '70000'],
      [29, 'invalid-value', '11'],
      [30, 'invalid-value', 'yes'],
      [33, 'invalid-value', 'Node_1'],
      [34, 'invalid-value', 'primary.example.com'],
      [38, 'invalid-value', 'xyz'],
      [42, 'invalid-value', 'enabled'],
    ]);
    const msg = (line: number): string => find(problems, text, line).message;
    assert.match(msg(5), /expected an IPv4 address, or an IPv6 address \(inet:ip-address, union\)/);
    assert.match(msg(6), /expected an integer in 1\.\.65535 \(listen-port, uint16\)/);
    assert.match(msg(8), /XML Schema duration such as PT30S.*or one of infinity/);
    assert.match(msg(9), /an integer in 1\.\.1000, or one of unbounded/);
    assert.match(msg(10), /at most 2 fraction digits in 0\.\.1/);
    assert.match(msg(13), /a size such as S10M/);
    assert.match(msg(18), /expected true or false \(boolean\)/);
    assert.match(msg(27), /a port number, an integer in 0\.\.65535 \(inet:port-number, uint16\)/);
    assert.match(msg(33), /length 1\.\.32 matching '\[a-z\]\[a-z0-9\\-\]\*'/);
    assert.match(msg(42), /<enabled> is empty: expected true or false/);
    for (const p of problems) assert.equal(p.severity, 'error');
  });

  it('offers the closest enumeration value as a quick fix', async () => {
    const schema = await fixtureSchema();
    const text = readConf('broken-values.conf');
    const { problems } = validateConf(text, { schema });
    const p = find(problems, text, 14);
    assert.match(
      p.message,
      /one of automatic, manual \(compaction-mode, enumeration\)\. Did you mean automatic\?/,
    );
    const fixed = applyEdits(text, p.fix!.edits);
    assert.match(fixed.split('\n')[13]!, /<compaction>automatic<\/compaction>/);
    assert.equal(find(problems, text, 20).fix!.edits[0]!.newText, 'trace');
  });

  it('finds structural mistakes at the element they concern', async () => {
    const schema = await fixtureSchema();
    const text = readConf('broken-structure.conf');
    const { problems } = validateConf(text, { schema });
    assert.deepEqual(
      problems.map((p) => [lineAt(text, p.offset), p.severity, p.code]),
      [
        [2, 'error', 'missing-mandatory'],
        [5, 'warning', 'duplicate'],
        [7, 'error', 'missing-mandatory'],
        [11, 'error', 'unknown-element'],
        [14, 'error', 'misplaced-element'],
        [18, 'error', 'duplicate'],
        [22, 'error', 'choice-conflict'],
        [25, 'error', 'duplicate-key'],
        [26, 'error', 'missing-mandatory'],
        [31, 'error', 'missing-mandatory'],
        [40, 'error', 'too-many'],
        [41, 'error', 'missing-mandatory'],
        [45, 'error', 'removed-element'],
        [47, 'error', 'removed-element'],
        [48, 'warning', 'status'],
        [49, 'information', 'status'],
        [51, 'warning', 'unknown-variable'],
        [52, 'error', 'unexpected-text'],
      ],
    );
    const msg = (line: number): string => find(problems, text, line).message;
    assert.equal(msg(2), '<ncs-config> is missing <state-dir>, which is mandatory.');
    assert.equal(
      msg(11),
      'Unknown element <developer-logg> in /ncs-config/logs: did you mean <developer-log>?',
    );
    assert.match(
      msg(14),
      /^<port> does not belong in \/ncs-config\/logs; it belongs in \/ncs-config\/cli\/ssh, /,
    );
    assert.match(msg(18), /<pam> is given twice in \/ncs-config\/aaa \(first on line 17\)/);
    assert.match(
      msg(22),
      /<fuzzy-completion> and <classic-completion> \(line 21\) are alternatives of choice completion-style/,
    );
    assert.match(msg(25), /key \(ip port\) '10\.0\.0\.1 2024' is already used on line 24/);
    assert.match(
      msg(41),
      /<ha> needs one of <primary-address>, <secondary-of>, <retry-interval> \(choice role\)/,
    );
    assert.match(msg(45), /renamed it to \/ncs-config\/webui\/document-root in NCS-9\.1/);
    assert.match(msg(47), /removed it in NCS-9\.1/);
    assert.match(msg(51), /Did you mean \$\{NCS_RUN_DIR\}\?/);
    // A `when` makes a mandatory leaf conditional: <ha> with enabled=true does not demand node-name here.
    assert.ok(!problems.some((p) => p.message.includes('node-name')));
  });

  it('has quick fixes that produce the intended text', async () => {
    const schema = await fixtureSchema();
    const text = readConf('broken-structure.conf');
    const { problems } = validateConf(text, { schema });
    const lines = (p: ConfProblem): string[] => applyEdits(text, p.fix!.edits).split('\n');

    const typo = lines(find(problems, text, 11));
    assert.equal(typo[10], '    <developer-log>');
    assert.equal(typo[12], '    </developer-log>');
    const rename = lines(find(problems, text, 45));
    assert.equal(rename[44], '    <document-root>/var/www</document-root>');
    const variable = lines(find(problems, text, 51));
    assert.equal(variable[50], '    <db-dir>${NCS_RUN_DIR}/cdb</db-dir>');
    const missing = lines(find(problems, text, 7));
    assert.deepEqual(missing.slice(7, 10), [
      '    <enabled>true</enabled>',
      '    <filename></filename>',
      '  </ncs-ipc-access-check>',
    ]);
    // A repeated singleton or leaf-list value: its line goes, the first stays, nothing else moves.
    const singleton = find(problems, text, 18);
    assert.equal(singleton.fix?.title, 'Remove this second <pam>');
    const withoutPam = lines(singleton);
    assert.deepEqual(withoutPam.slice(15, 18), [
      '  <aaa>',
      '    <pam><enabled>true</enabled></pam>',
      '  </aaa>',
    ]);
    assert.equal(withoutPam.length, text.split('\n').length - 1);
    const repeated = lines(find(problems, text, 5));
    assert.deepEqual(repeated.slice(2, 5), [
      '  <load-path>',
      '    <dir>${NCS_RUN_DIR}/packages</dir>',
      '  </load-path>',
    ]);
    for (const fixed of [withoutPam, repeated]) {
      const again = validateConf(fixed.join('\n'), { schema }).problems;
      assert.equal(again.filter((p) => p.code === 'duplicate').length, 1, 'one duplicate left');
    }
  });

  it('validates ncs.conf.d/ fragments against their own subtree', async () => {
    const schema = await fixtureSchema();
    for (const name of ['ncs.conf.d/logging.conf', 'ncs.conf.d/whole.conf']) {
      const { problems } = validateConf(readConf(name), { schema, fragment: true });
      assert.deepEqual(problems, [], name);
    }
    const bad = '<logs>\n  <developer-log-level>loud</developer-log-level>\n  <nope/>\n</logs>';
    assert.deepEqual(summarize(bad, validateConf(bad, { schema, fragment: true }).problems), [
      [2, 'invalid-value', 'loud'],
      [3, 'unknown-element', 'nope'],
    ]);
    // The same section as a whole ncs.conf is the wrong root.
    const asMain = validateConf(readConf('ncs.conf.d/logging.conf'), { schema });
    assert.match(
      asMain.problems[0]!.message,
      /A whole ncs\.conf starts with <ncs-config>; <logs> alone is what an ncs\.conf\.d\/ fragment holds/,
    );
  });

  it('checks the namespace and offers the right one', async () => {
    const schema = await fixtureSchema();
    const text =
      '<ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config/1.0">\n  <state-dir>x</state-dir>\n</ncs-config>';
    const { problems } = validateConf(text, { schema });
    assert.deepEqual(summarize(text, problems), [[1, 'namespace', 'ncs-config']]);
    const fixed = applyEdits(text, problems[0]!.fix!.edits);
    assert.deepEqual(validateConf(fixed, { schema }).problems, []);
    const none = validateConf('<ncs-config><state-dir>x</state-dir></ncs-config>', {
      schema,
    }).problems;
    assert.equal(
      none[0]!.fix!.edits[0]!.newText,
      ' xmlns="http://tail-f.com/yang/tailf-ncs-config"',
    );
  });

  it('keeps validating a broken document and reports XML errors where they are', async () => {
    const schema = await fixtureSchema();
    const text = [
      '<ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">',
      '  <state-dir>x</state-dir>',
      '  <cli>',
      '    <history-size>99</history-size>',
      '    <ssh><port>8008>/ip>',
      '  </cli>',
      '</ncs-config>',
    ].join('\n');
    const { problems } = validateConf(text, { schema });
    assert.deepEqual(summarize(text, problems), [
      [4, 'invalid-value', '99'],
      [5, 'xml', 'ssh'],
      [5, 'xml', 'port'],
      [5, 'invalid-value', '8008>/ip>'],
    ]);
  });

  it('knows environment variables the caller says are set', async () => {
    const schema = await fixtureSchema();
    const text =
      '<ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config"><state-dir>${STATE_ROOT}/s</state-dir><aaa><ssh-server-key-dir>${KEYS</ssh-server-key-dir></aaa></ncs-config>';
    assert.deepEqual(summarize(text, validateConf(text, { schema }).problems), [
      [1, 'unknown-variable', '${STATE_ROOT}'],
      [1, 'unknown-variable', '${KEYS'],
    ]);
    const withEnv = validateConf(text, { schema, environment: ['STATE_ROOT'] }).problems;
    assert.deepEqual(
      withEnv.map((p) => p.message),
      ['${KEYS is not closed: add }.'],
    );
  });

  it('names the namespace of an element from another vocabulary', async () => {
    const schema = await fixtureSchema();
    const text =
      '<ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">\n  <x:stats xmlns:x="urn:example:other"/>\n</ncs-config>';
    const { problems } = validateConf(text, { schema });
    assert.deepEqual(summarize(text, problems), [
      [1, 'missing-mandatory', 'ncs-config'],
      [2, 'unknown-element', 'x:stats'],
    ]);
    assert.equal(
      problems[1]!.message,
      '<x:stats> is in namespace urn:example:other, which the ncs.conf schema does not use: NSO refuses it in /ncs-config.',
    );
  });

  it('reads ${VAR:-default} as NSO does: never unknown, and valid with its default', async () => {
    const schema = await fixtureSchema();
    // As in the production image's default ncs.conf, which switches interfaces on from the environment.
    const text = [
      '<ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">',
      '  <state-dir>${STATE_ROOT:-/nso/run}/state</state-dir>',
      '  <cli><enabled>${NCS_CLI_SSH:-false}</enabled><history-size>${HISTORY:-1x}</history-size></cli>',
      '  <ncs-ipc-address><port>${IPC_PORT:-4569}</port></ncs-ipc-address>',
      '  <aaa><ssh-server-key-dir>${KEYS:-/nso/etc</ssh-server-key-dir></aaa>',
      '</ncs-config>',
    ].join('\n');
    const { problems } = validateConf(text, { schema });
    assert.deepEqual(summarize(text, problems), [
      [3, 'invalid-value', '${HISTORY:-1x}'],
      [5, 'unknown-variable', '${KEYS'],
    ]);
    assert.match(
      problems[0]!.message,
      /^Where \$\{HISTORY\} is not set, <history-size> is '1x', which is not valid: expected an integer/,
    );
  });
});

describe('ncs.conf validator without a schema', () => {
  it('still checks well-formedness, root, namespace and variables', () => {
    const text = '<ncs-config>\n  <cli><enabled>true</enabled>\n  <x>${NCS_RUN}</x>\n</ncs-config>';
    assert.deepEqual(summarize(text, validateConf(text, {}).problems), [
      [1, 'namespace', 'ncs-config'],
      [2, 'xml', 'cli'],
      [3, 'unknown-variable', '${NCS_RUN}'],
    ]);
  });
  it('accepts any section as a fragment root', () => {
    assert.deepEqual(
      validateConf('<cdb><db-dir>x</db-dir></cdb>', { fragment: true }).problems,
      [],
    );
  });
});

describe('did you mean', () => {
  it('suggests the one close name, and nothing when several are as close', () => {
    assert.equal(closest('enabeld', ['enabled', 'port', 'ip']), 'enabled');
    assert.equal(closest('ture', ['true', 'false']), 'true');
    assert.equal(closest('state_dir', ['state-dir', 'load-path']), 'state-dir');
    assert.equal(closest('local9', ['daemon', 'local0', 'local7']), undefined);
    assert.equal(closest('webgui', ['cli', 'ssh']), undefined);
    assert.equal(editDistance('ab', 'ba'), 1);
  });
});
