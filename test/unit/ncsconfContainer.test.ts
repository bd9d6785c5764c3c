import { strict as assert } from 'node:assert';
import { checkForContainer, type ProductionContainer } from '../../src/ncsconf/containerChecks';
import type { TextEdit } from '../../src/ncsconf/problems';
import { scanXml } from '../../src/ncsconf/xmlScanner';
import { fixtureSchema, lineAt, readConf, summarize } from './ncsconfHelpers';

const prod: ProductionContainer = {
  name: 'nso-prod',
  env: { ADMIN_PASSWORD: 'admin' },
  publishedPorts: [2024, 8080, 8888, 2022, 9999].map((containerPort) => ({ containerPort })),
  mountedAt: '/nso/etc/ncs.conf',
  ncsConfInUse: '/nso/etc/ncs.conf',
};

function apply(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) {
    out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
  }
  return out;
}

describe('container-aware ncs.conf checks', () => {
  it('reports what the production container will trip over, each at its element', async () => {
    const schema = await fixtureSchema();
    const text = readConf('container.conf');
    const problems = checkForContainer(text, scanXml(text), prod, { schema });
    assert.deepEqual(summarize(text, problems), [
      [3, 'conf-in-use', 'ncs-config'],
      [3, 'published-port-unused', 'ncs-config'],
      [4, 'absolute-path', '/nso/run'],
      [5, 'load-path-packages', 'load-path'],
      [10, 'admin-without-local-auth', 'false'],
      [15, 'published-port-disabled', 'false'],
      [24, 'published-port-loopback', '127.0.0.1'],
      [29, 'published-port-mismatch', '8443'],
      [30, 'tls-location', '${NCS_CONFIG_DIR}/ssl/cert/host.key'],
      [36, 'published-port-disabled', 'false'],
      [47, 'absolute-path', '/log'],
    ]);
    assert.equal(problems[0]!.severity, 'information');
    assert.ok(problems.slice(1).every((p) => p.severity === 'warning'));
    const msg = (line: number, code: string): string =>
      problems.find((p) => lineAt(text, p.offset) === line && p.code === code)!.message;
    assert.match(
      msg(3, 'published-port-unused'),
      /publishes port 9999, but no northbound interface/,
    );
    assert.match(
      msg(10, 'admin-without-local-auth'),
      /sets ADMIN_PASSWORD, but local authentication is disabled/,
    );
    assert.match(
      msg(15, 'published-port-disabled'),
      /port 2024, where CLI over SSH listens, but \/ncs-config\/cli\/ssh is disabled/,
    );
    assert.match(
      msg(36, 'published-port-disabled'),
      /\/ncs-config\/netconf-north-bound is disabled/,
    );
    assert.match(
      msg(29, 'published-port-mismatch'),
      /port 8888, the usual port of .*HTTPS, but it listens on 8443/,
    );
    assert.match(msg(30, 'tls-location'), /resolves to \/etc\/ncs\/ssl\/cert\/host\.key/);
  });

  it('has fixes that turn each warning off', async () => {
    const schema = await fixtureSchema();
    let text = readConf('container.conf');
    // Apply one fix at a time (offsets move), until none is left.
    for (let round = 0; round < 20; round++) {
      const fixable = checkForContainer(text, scanXml(text), prod, { schema }).find((p) => p.fix);
      if (!fixable) break;
      text = apply(text, fixable.fix!.edits);
    }
    assert.deepEqual(summarize(text, checkForContainer(text, scanXml(text), prod, { schema })), [
      [3, 'conf-in-use', 'ncs-config'],
      [3, 'published-port-unused', 'ncs-config'],
    ]);
    assert.match(text, /<state-dir>\$\{NCS_RUN_DIR\}\/state<\/state-dir>/);
    assert.match(text, /<load-path>\n    <dir>\$\{NCS_RUN_DIR\}\/packages<\/dir>\n    <dir>/);
    assert.match(text, /<key-file>\/nso\/ssl\/cert\/host\.key<\/key-file>/);
  });

  it('says when the file is shadowed and then skips the checks that depend on it being read', async () => {
    const schema = await fixtureSchema();
    const text = readConf('container.conf');
    const shadowed = { ...prod, ncsConfInUse: '/etc/ncs/ncs.conf' };
    const problems = checkForContainer(text, scanXml(text), shadowed, { schema });
    assert.equal(problems[0]!.code, 'conf-shadowed');
    assert.match(
      problems[0]!.message,
      /nso-prod reads \/etc\/ncs\/ncs\.conf, which shadows this file \(mounted at \/nso\/etc\/ncs\.conf\)/,
    );
    assert.ok(
      !problems.some(
        (p) => (p.code ?? '').startsWith('published-port') || p.code === 'admin-without-local-auth',
      ),
    );
  });

  it('says when the container does not read the file at all', async () => {
    const schema = await fixtureSchema();
    const text = readConf('valid.conf');
    const { mountedAt: _mounted, ...elsewhere } = {
      ...prod,
      ncsConfInUse: '/defaults/ncs.conf',
      publishedPorts: [],
    };
    const problems = checkForContainer(text, scanXml(text), elsewhere, { schema });
    assert.deepEqual(summarize(text, problems), [[4, 'conf-not-read', 'ncs-config']]);
    assert.equal(problems[0]!.severity, 'information');
    assert.equal(
      problems[0]!.message,
      'nso-prod does not read this file: it reads /defaults/ncs.conf, and this file is not mounted into the container.',
    );
    // Unknown which file it reads (no inspect of it): nothing is said.
    const { ncsConfInUse: _inUse, ...unknown } = elsewhere;
    assert.deepEqual(checkForContainer(text, scanXml(text), unknown, { schema }), []);
  });

  it('is quiet about a file the container is happy with, and runs without a schema', async () => {
    const schema = await fixtureSchema();
    const text = readConf('valid.conf');
    const happy = {
      ...prod,
      publishedPorts: [2024, 8080, 8888, 2022].map((containerPort) => ({ containerPort })),
    };
    assert.deepEqual(summarize(text, checkForContainer(text, scanXml(text), happy, { schema })), [
      [4, 'conf-in-use', 'ncs-config'],
    ]);
    const bare = readConf('container.conf');
    const noSchema = checkForContainer(bare, scanXml(bare), prod).map((p) => p.code);
    assert.ok(noSchema.includes('admin-without-local-auth'));
    assert.ok(noSchema.includes('published-port-disabled'));
    assert.ok(noSchema.includes('absolute-path'));
  });

  it("reads interfaces switched by ${VAR:-default} with the container's environment", async () => {
    const schema = await fixtureSchema();
    // The production image's default ncs.conf turns the CLI on only when NCS_CLI_SSH=true.
    const text = [
      '<ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">',
      '  <load-path><dir>${NCS_RUN_DIR}/packages</dir></load-path>',
      '  <cli>',
      '    <enabled>true</enabled>',
      '    <ssh><enabled>${NCS_CLI_SSH:-false}</enabled><port>${CLI_PORT:-2024}</port></ssh>',
      '  </cli>',
      '</ncs-config>',
    ].join('\n');
    const cli = { ...prod, publishedPorts: [{ containerPort: 2024 }] };
    const unset = checkForContainer(text, scanXml(text), cli, { schema });
    assert.deepEqual(summarize(text, unset), [
      [1, 'conf-in-use', 'ncs-config'],
      [5, 'published-port-disabled', '${NCS_CLI_SSH:-false}'],
    ]);
    assert.match(
      unset[1]!.message,
      /\/ncs-config\/cli\/ssh is disabled \(\$\{NCS_CLI_SSH:-false\}, with the environment of nso-prod\)/,
    );
    assert.equal(unset[1]!.fix, undefined, 'the environment decides, not a value written over it');

    const set = { ...cli, env: { ...cli.env, NCS_CLI_SSH: 'true' } };
    assert.deepEqual(
      checkForContainer(text, scanXml(text), set, { schema }).map((p) => p.code),
      ['conf-in-use'],
    );
    const moved = { ...set, env: { ...set.env, CLI_PORT: '3024' } };
    const elsewhere = checkForContainer(text, scanXml(text), moved, { schema });
    assert.deepEqual(
      elsewhere.map((p) => p.code),
      ['conf-in-use', 'published-port-mismatch'],
    );
    assert.match(elsewhere[1]!.message, /listens on 3024 here \(\$\{CLI_PORT:-2024\}, with/);
    assert.equal(elsewhere[1]!.fix, undefined);
  });

  it('checks only paths in an ncs.conf.d/ fragment', async () => {
    const schema = await fixtureSchema();
    const text = '<logs><ncs-log><file><name>/log/x.log</name></file></ncs-log></logs>';
    const codes = checkForContainer(text, scanXml(text), prod, { schema, fragment: true }).map(
      (p) => p.code,
    );
    assert.deepEqual(codes, ['absolute-path']);
  });
});
