import { strict as assert } from 'node:assert';
import { completeAt } from '../../src/ncsconf/completion';
import { hoverAt } from '../../src/ncsconf/hover';
import { documentSymbols, foldingRanges } from '../../src/ncsconf/outline';
import { scanXml } from '../../src/ncsconf/xmlScanner';
import { fixtureSchema, readConf } from './ncsconfHelpers';

const head = '<ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">\n';

/** Completion at the `|` in `marked`. */
async function complete(marked: string, fragment = false) {
  const schema = await fixtureSchema();
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return {
    items: completeAt(text, offset, { schema, fragment, environment: ['SITE'] }),
    offset,
    text,
  };
}

describe('ncs.conf completion', () => {
  it('offers the child elements valid at the cursor, mandatory first, with snippets', async () => {
    const { items, offset } = await complete(
      `${head}  <ncs-ipc-access-check>\n    <|\n  </ncs-ipc-access-check>\n</ncs-config>`,
    );
    assert.deepEqual(
      items.map((i) => i.label),
      ['enabled', 'filename'],
    );
    const filename = items.find((i) => i.label === 'filename')!;
    assert.equal(filename.sortText, '0filename');
    assert.equal(filename.insertText, 'filename>$1</filename>');
    assert.equal(filename.replaceOffset, offset);
    assert.equal(
      items.find((i) => i.label === 'enabled')!.insertText,
      'enabled>${1|true,false|}</enabled>',
    );
  });

  it('works in an incomplete document and leaves out what may not repeat or is another case', async () => {
    const { items } = await complete(
      `${head}  <cli>\n    <prompt1>x</prompt1>\n    <fuzzy-completion/>\n    <|`,
    );
    assert.deepEqual(
      items.map((i) => i.label),
      ['enabled', 'ssh', 'history-size'],
    );
    const partial = await complete(`${head}  <aaa>\n    <pa|m>`);
    const pam = partial.items.find((i) => i.label === 'pam')!;
    assert.equal(
      partial.text.slice(pam.replaceOffset, pam.replaceOffset + pam.replaceLength),
      'pam',
    );
  });

  it('fills in list keys and mandatory leaves of a new list entry', async () => {
    const { items } = await complete(`${head}  <notifications>\n    <event-streams>\n      |\n`);
    assert.deepEqual(
      items.map((i) => [i.label, i.insertText]),
      [
        [
          'stream',
          '<stream>\n\t<name>$1</name>\n\t<description>$2</description>\n\t<replay-support>${3|true,false|}</replay-support>\n\t$0\n</stream>',
        ],
      ],
    );
  });

  it('offers a choice snippet only where the values are all enumerated', async () => {
    // A number or `unbounded`: a choice of `unbounded` alone would hide the numbers.
    const { items } = await complete(`${head}  <|`);
    const snippet = (label: string): string | undefined =>
      items.find((i) => i.label === label)?.insertText;
    assert.equal(snippet('max-sessions'), 'max-sessions>${1:unbounded}</max-sessions>');
    assert.equal(
      snippet('commit-retry-timeout'),
      'commit-retry-timeout>${1:infinity}</commit-retry-timeout>',
    );
    // Only enumerated values: a choice.
    const logs = await complete(`${head}  <logs>\n    <|`);
    assert.equal(
      logs.items.find((i) => i.label === 'developer-log-level')?.insertText,
      'developer-log-level>${1|error,info,trace|}</developer-log-level>',
    );
  });

  it('offers enumeration and boolean values, through unions, default first', async () => {
    const timeout = await complete(`${head}  <commit-retry-timeout>|</commit-retry-timeout>`);
    assert.deepEqual(
      timeout.items.map((i) => i.label),
      ['infinity'],
    );
    const facility = await complete(`${head}  <logs><syslog-config><facility>loc|al</facility>`);
    assert.deepEqual(
      facility.items.map((i) => [i.label, i.sortText]),
      [
        ['daemon', '0daemon'],
        ['local0', '1local0'],
        ['local7', '1local7'],
      ],
    );
    const f = facility.items[0]!;
    assert.equal(facility.text.slice(f.replaceOffset, f.replaceOffset + f.replaceLength), 'local');
    const compaction = await complete(`${head}  <cdb><compaction>|`);
    assert.equal(compaction.items[1]!.documentation, 'Compact only when asked.');
  });

  it('puts a value in the default of ${VAR:-default}, keeping the reference', async () => {
    const { items, text } = await complete(
      `${head}  <cli><enabled>\${NCS_CLI_SSH:-f|}</enabled></cli>`,
    );
    assert.deepEqual(
      items.map((i) => [i.label, text.slice(i.replaceOffset, i.replaceOffset + i.replaceLength)]),
      [
        ['true', 'f'],
        ['false', 'f'],
      ],
    );
    const dir = await complete(`${head}  <state-dir>\${STATE:-|}</state-dir>`);
    assert.deepEqual(dir.items, []);
  });

  it('offers ${...} names: NSO variables and the environment', async () => {
    const { items, text } = await complete(`${head}  <state-dir>\${NCS_R|}/state</state-dir>`);
    assert.deepEqual(
      items.map((i) => i.label),
      ['NCS_DIR', 'NCS_CONFIG_DIR', 'NCS_RUN_DIR', 'NCS_LOG_DIR', 'SITE'],
    );
    const run = items[2]!;
    assert.equal(run.insertText, 'NCS_RUN_DIR');
    assert.equal(text.slice(run.replaceOffset, run.replaceOffset + run.replaceLength), 'NCS_R');
    const open = await complete(`${head}  <state-dir>\${|`);
    assert.equal(open.items[0]!.insertText, 'NCS_DIR}');
  });

  it('closes the open element and starts a new file', async () => {
    const end = await complete(`${head}  <cli>\n    <ssh>\n    </|`);
    assert.deepEqual(
      end.items.map((i) => i.insertText),
      ['ssh>'],
    );
    const empty = await complete('|');
    assert.equal(empty.items[0]!.label, 'ncs-config');
    assert.match(
      empty.items[0]!.insertText,
      /^<ncs-config xmlns="http:\/\/tail-f\.com\/yang\/tailf-ncs-config">/,
    );
    const fragment = await complete('<|', true);
    assert.ok(fragment.items.some((i) => i.label === 'logs'));
  });

  it('offers nothing inside a tag and nothing unknown', async () => {
    assert.deepEqual((await complete(`${head}  <cli |>`)).items, []);
    assert.deepEqual((await complete(`${head}  <bogus>\n    <|`)).items, []);
  });
});

describe('ncs.conf hover', () => {
  const text = readConf('valid.conf');
  const at = async (needle: string, delta = 1) => {
    const schema = await fixtureSchema();
    return hoverAt(text, scanXml(text), text.indexOf(needle) + delta, {
      schema,
      environment: { SITE: 'lab' },
    });
  };

  it('describes an element: path, type in words, default, description', async () => {
    const h = (await at('<port>2024'))!;
    assert.equal(text.slice(h.offset, h.offset + h.length), 'port');
    assert.match(h.markdown, /^\*\*port\*\* · leaf · `\/ncs-config\/cli\/ssh\/port`/);
    assert.match(
      h.markdown,
      /Type: `inet:port-number \(uint16\)`: a port number, an integer in 0\.\.65535/,
    );
    assert.match(h.markdown, /Default: `2024`/);
    assert.match(h.markdown, /The port NSO listens on\./);
  });

  it('lists allowed values and explains the value under the cursor', async () => {
    const h = (await at('>trace<', 2))!;
    assert.equal(text.slice(h.offset, h.offset + h.length), 'trace');
    assert.match(h.markdown, /^`trace`: Everything, for debugging\./);
    assert.match(h.markdown, /Allowed values:\n- `error`: Only errors\.\n- `info`/);
  });

  it('shows list keys in the path, and hovers end tags', async () => {
    const h = (await at('<description>Alarms'))!;
    assert.match(
      h.markdown,
      /`\/ncs-config\/notifications\/event-streams\/stream\[name='ncs-alarms'\]\/description`/,
    );
    assert.match(h.markdown, /Mandatory/);
    const end = (await at('</ha>', 3))!;
    assert.equal(text.slice(end.offset, end.offset + end.length), 'ha');
    assert.match(end.markdown, /\*\*ha\*\* · container \(presence\)/);
  });

  it('tells what ${VAR} is in the production container', async () => {
    const h = (await at('${NCS_LOG_DIR}', 3))!;
    assert.equal(text.slice(h.offset, h.offset + h.length), '${NCS_LOG_DIR}');
    assert.match(h.markdown, /In the production container: `\/log`/);
  });

  it('tells what ${VAR:-default} reads where the variable is not set', () => {
    const conf = `${head}  <cli><enabled>\${NCS_CLI_SSH:-false}</enabled></cli>\n</ncs-config>`;
    const h = hoverAt(conf, scanXml(conf), conf.indexOf('CLI_SSH'), {})!;
    assert.equal(conf.slice(h.offset, h.offset + h.length), '${NCS_CLI_SSH:-false}');
    assert.match(h.markdown, /not known to be set where NSO runs: NSO then reads `false`/);
    const set = hoverAt(conf, scanXml(conf), conf.indexOf('CLI_SSH'), {
      environment: { NCS_CLI_SSH: 'true' },
    })!;
    assert.match(
      set.markdown,
      /Set to `true` where NSO runs\.\n\nWhere it is not set, NSO reads `false`\./,
    );
  });
});

describe('ncs.conf outline and folding', () => {
  it('builds the element tree with list keys and leaf values as detail', async () => {
    const schema = await fixtureSchema();
    const text = readConf('valid.conf');
    const [root] = documentSymbols(scanXml(text), { schema });
    assert.equal(root!.name, 'ncs-config');
    assert.equal(root!.kind, 'container');
    const streams = root!.children.find((s) => s.name === 'notifications')!.children[0]!.children;
    assert.deepEqual(
      streams.map((s) => [s.name, s.kind, s.detail]),
      [
        ['stream', 'list', 'ncs-events'],
        ['stream', 'list', 'ncs-alarms'],
      ],
    );
    const state = root!.children[0]!;
    assert.deepEqual(
      [state.name, state.kind, state.detail],
      ['state-dir', 'leaf', '${NCS_RUN_DIR}/state'],
    );
    assert.equal(text.slice(state.nameOffset, state.nameOffset + state.nameLength), 'state-dir');
  });

  it('folds multi-line elements and comments', () => {
    const text = '<!-- a\n b -->\n<r>\n  <x>1</x>\n  <y>\n    <z/>\n  </y>\n</r>\n';
    const folds = foldingRanges(text, scanXml(text));
    assert.deepEqual(
      folds.map((f) => [text.slice(f.start, f.start + 4), f.kind]),
      [
        ['<!--', 'comment'],
        ['<r>\n', 'region'],
        ['<y>\n', 'region'],
      ],
    );
  });
});
