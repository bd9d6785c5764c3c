import { strict as assert } from 'node:assert';
import { YangCompiler } from '../../src/ncsconf/yang/compile';
import { parseYang, YangSyntaxError } from '../../src/ncsconf/yang/parser';
import { compileSchemaFromDirectories, readYangClosure } from '../../src/ncsconf/yang/loadSchema';
import { xsdToJsRegex } from '../../src/ncsconf/yang/xsdRegex';
import type { SchemaNode } from '../../src/ncsconf/yang/schema';
import { SchemaIndex } from '../../src/ncsconf/schemaIndex';
import { fixtureSchema, fixtureYang } from './ncsconfHelpers';

function child(n: SchemaNode | undefined, name: string): SchemaNode | undefined {
  return n?.children?.find((c) => c.name === name);
}

describe('YANG parser', () => {
  it('reads quoted, concatenated and unquoted arguments with RFC 7950 whitespace rules', () => {
    const text = [
      'module m {',
      '  prefix m; // comment',
      '  /* block',
      '     comment */',
      '  description "first line',
      '               second line  ',
      '     short indent \\"q\\"";',
      '  leaf x { type string { pattern \'[a-z]+\' + "\\\\d"; } default +5; }',
      '  leaf y { default "a"',
      '                  +"b"; }',
      '}',
    ].join('\n');
    const top = parseYang(text, 'm.yang');
    assert.equal(top.keyword, 'module');
    assert.equal(top.arg, 'm');
    const desc = top.children.find((c) => c.keyword === 'description')!;
    assert.equal(desc.arg, 'first line\nsecond line\nshort indent "q"');
    assert.equal(desc.line, 5);
    const x = top.children.find((c) => c.arg === 'x')!;
    assert.equal(x.line, 8);
    const pattern = x.children[0]!.children[0]!;
    assert.equal(pattern.arg, '[a-z]+\\d');
    assert.equal(x.children[1]!.arg, '+5');
    assert.equal(top.children.find((c) => c.arg === 'y')!.children[0]!.arg, 'ab');
  });

  it('says where the syntax breaks', () => {
    assert.throws(
      () => parseYang('module m {\n  leaf x {\n    type string;\n', 'm.yang'),
      (e: unknown) =>
        e instanceof YangSyntaxError && e.line === 4 && /never closed/.test(e.message),
    );
    assert.throws(() => parseYang('module m { leaf "x" + b; }', 'm.yang'), /'\+' must be followed/);
  });
});

describe('XML Schema patterns as JavaScript regular expressions', () => {
  const matches = (xsd: string, value: string): boolean =>
    new RegExp(xsdToJsRegex(xsd)!, 'u').test(value);

  it('anchors, and treats ^ and $ as ordinary characters', () => {
    assert.equal(matches('[a-z]+', 'abc'), true);
    assert.equal(matches('[a-z]+', 'abc1'), false);
    assert.equal(matches('a$b^', 'a$b^'), true);
  });
  it('gives \\d, \\w, \\p{..} and escaped dashes their XML Schema meaning', () => {
    assert.equal(matches('\\d+', '١٢'), true);
    assert.equal(matches('[\\p{N}\\p{L}]+', 'eth0'), true);
    assert.equal(matches('[a-z\\-_]+', 'a-b_c'), true);
    assert.equal(matches('\\w+', 'a.b'), false);
  });
  it('gives up on what JavaScript cannot express', () => {
    assert.equal(xsdToJsRegex('[a-z-[aeiou]]+'), undefined);
    assert.equal(xsdToJsRegex('\\p{IsBasicLatin}+'), undefined);
    assert.equal(xsdToJsRegex('[abc'), undefined);
  });
});

describe('YANG reader on the test schema', () => {
  it('finds the ncs.conf module by its namespace and reads only what it needs', async () => {
    const closure = await readYangClosure([fixtureYang]);
    assert.equal(closure.rootModule, 'wb-ncs-config');
    assert.deepEqual([...closure.sources.keys()].sort(), [
      'wb-common',
      'wb-common-types',
      'wb-inet-types',
      'wb-ncs-config',
      'wb-ncs-config-extras',
      'wb-xsd-types',
    ]);
  });

  it('resolves typedef chains across modules, submodules and restrictions', async () => {
    const { schema, warnings } = await compileSchemaFromDirectories([fixtureYang]);
    assert.deepEqual(warnings, []);
    const idx = SchemaIndex.fromCompact(schema);
    const ipcPort = idx.lookup(['ncs-config', 'ncs-ipc-address', 'port'])!;
    assert.equal(ipcPort.type!.info.base, 'uint16');
    assert.deepEqual(ipcPort.type!.info.derivedFrom, [
      'wb-ncs-config:listen-port',
      'wb-inet-types:port-number',
    ]);
    assert.deepEqual(ipcPort.type!.info.range, [['1', '65535']]);
    // A leaf without a default takes its typedef's.
    assert.deepEqual(ipcPort.node.default, ['4565']);

    const size = idx.lookup(['ncs-config', 'cdb', 'max-journal-size'])!;
    assert.equal(size.type!.info.name, 'tailf:size');
    assert.equal(size.type!.info.patterns!.length, 1);

    const timeout = idx.lookup(['ncs-config', 'commit-retry-timeout'])!.type!;
    assert.equal(timeout.info.base, 'union');
    assert.equal(timeout.members![0]!.info.xsd, 'duration');
    assert.deepEqual(timeout.members![1]!.info.enums, [{ name: 'infinity' }]);

    const compaction = idx.lookup(['ncs-config', 'cdb', 'compaction'])!;
    assert.equal(compaction.type!.info.enums![1]!.description, 'Compact only when asked.');
  });

  it('expands groupings with refine and augment, and applies top-level augments', async () => {
    const idx = await fixtureSchema();
    const ssh = idx.lookup(['ncs-config', 'cli', 'ssh'])!;
    assert.deepEqual([...ssh.children.keys()], ['enabled', 'ip', 'port', 'extra-listen']);
    assert.deepEqual(ssh.children.get('port')!.node.default, ['2024']);
    assert.deepEqual(ssh.children.get('enabled')!.node.default, ['true']);
    // The same grouping elsewhere keeps its own defaults.
    assert.deepEqual(
      idx.lookup(['ncs-config', 'webui', 'transport', 'tcp', 'enabled'])!.node.default,
      ['false'],
    );

    const devFile = idx.lookup(['ncs-config', 'logs', 'developer-log', 'file'])!;
    assert.equal(devFile.node.description, 'Where the developer log goes.');
    assert.ok(devFile.children.has('rotate'), 'augment inside uses');
    assert.equal(idx.lookup(['ncs-config', 'logs', 'ncs-log', 'file', 'rotate']), undefined);

    const audit = idx.lookup(['ncs-config', 'logs', 'audit-log'])!;
    assert.deepEqual([...audit.children.keys()], ['enabled', 'file', 'remote-host']);
    assert.equal(audit.namespace, 'http://tail-f.com/yang/tailf-ncs-config');
  });

  it('keeps choices transparent, with shorthand cases, and records mandatory, presence, keys, limits', async () => {
    const idx = await fixtureSchema();
    const cli = idx.lookup(['ncs-config', 'cli'])!;
    const fuzzy = cli.children.get('fuzzy-completion')!;
    assert.equal(fuzzy.choicePath[0]!.choice.name, 'completion-style');
    assert.equal(fuzzy.choicePath[0]!.caseNode.name, 'fuzzy-completion');

    const ha = idx.lookup(['ncs-config', 'ha'])!;
    assert.equal(ha.node.presence, '');
    assert.equal(ha.choices[0]!.node.mandatory, true);
    assert.deepEqual(
      ha.choices[0]!.cases.map((c) => c.name),
      ['primary', 'secondary'],
    );
    assert.equal(ha.children.get('node-name')!.node.when, "../enabled = 'true'");

    const stream = idx.lookup(['ncs-config', 'notifications', 'event-streams', 'stream'])!;
    assert.deepEqual(stream.node.key, ['name']);
    assert.deepEqual(stream.node.unique, [['builtin-replay-store/dir']]);
    assert.equal(idx.lookup(['ncs-config', 'hide-group'])!.node.maxElements, 3);
    assert.equal(idx.lookup(['ncs-config', 'load-path', 'dir'])!.kind, 'leaf-list');
  });

  it('skips config false nodes, RPCs and extensions, and keeps status', async () => {
    const idx = await fixtureSchema();
    const top = idx.lookup(['ncs-config'])!;
    assert.equal(top.children.has('runtime-counter'), false);
    assert.equal(top.children.has('reload-config'), false);
    assert.equal(top.children.get('old-setting')!.node.status, 'obsolete');
    assert.equal(top.node.description, 'NCS configuration.');
  });

  it('reads removals and renames from the revision history', async () => {
    const idx = await fixtureSchema();
    assert.deepEqual(idx.schema.history, [
      {
        path: '/ncs-config/legacy-mode',
        change: 'removed',
        revision: '2024-02-01',
        release: 'NCS-9.1',
      },
      {
        path: '/ncs-config/webui/docroot',
        change: 'renamed',
        revision: '2024-02-01',
        release: 'NCS-9.1',
        to: '/ncs-config/webui/document-root',
      },
    ]);
  });

  it('round-trips through JSON and names the schema', async () => {
    const { schema } = await compileSchemaFromDirectories([fixtureYang], { nsoVersion: '9.1.2' });
    const idx = SchemaIndex.fromCompact(JSON.parse(JSON.stringify(schema)) as typeof schema);
    assert.equal(idx.label, 'NSO 9.1.2: wb-ncs-config 2024-02-01');
    assert.equal(idx.namespace, 'http://tail-f.com/yang/tailf-ncs-config');
    assert.ok(child(schema.top[0], 'cli'));
  });

  it('reports a missing import and a missing grouping without failing the compile', () => {
    const sources: Record<string, string> = {
      a: 'module a { namespace "urn:a"; prefix a; import gone { prefix g; } container c { uses nowhere; leaf l { type g:t; } } }',
    };
    const compiler = new YangCompiler((name) =>
      sources[name] ? { text: sources[name], file: `${name}.yang` } : undefined,
    );
    const schema = compiler.compile('a', { source: 'test' });
    assert.equal(schema.top[0]!.name, 'c');
    assert.equal(compiler.warnings.length, 3);
    assert.match(compiler.warnings[0]!, /imported module gone was not found/);
  });
});
