// The settings package.json contributes: each is described, scoped and has a
// default, and a setting whose value has a syntax says so in the Settings
// editor (a pattern and a message) before the value reaches Docker. The
// patterns are held to the code that reads the values, so they cannot drift.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { parseDockerHost } from '../../src/core/docker/endpoint';
import { parsePortSpec, prodContainerName } from '../../src/core/nso/prodContainer';
import { repoRoot } from '../helpers/paths';

interface SettingSchema {
  type?: string | string[];
  default?: unknown;
  scope?: string;
  markdownDescription?: string;
  enum?: unknown[];
  minimum?: number;
  pattern?: string;
  patternErrorMessage?: string;
  items?: SettingSchema;
}

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, SettingSchema> } };
};
const settings = pkg.contributes.configuration.properties;

/** Free text or file paths: any value is a value. */
const freeText = new Set([
  'nso.packagesPath',
  'nso.prod.logsPath',
  'nso.prod.extraArgs',
  'nso.ncsConf.files',
  'nso.ncsConf.schemaPath',
]);

/** The schema a value of the setting (or of its items) is checked against. */
function valueSchema(name: string): SettingSchema {
  const s = settings[name];
  assert.ok(s, `${name} is contributed`);
  return s.type === 'array' ? s.items! : s;
}

/** As VS Code's Settings editor tests a value: the pattern in Unicode mode. */
function accepts(name: string, value: string): boolean {
  const { pattern } = valueSchema(name);
  assert.ok(pattern !== undefined, `${name} has a pattern`);
  return new RegExp(pattern, 'u').test(value);
}

function throws(f: () => unknown): boolean {
  try {
    f();
    return false;
  } catch {
    return true;
  }
}

describe('settings in package.json', () => {
  it('each has a markdown description, a scope and a default', () => {
    for (const [name, s] of Object.entries(settings)) {
      assert.ok(s.markdownDescription?.trim(), `${name}: markdownDescription`);
      assert.ok(s.scope, `${name}: scope`);
      assert.ok('default' in s, `${name}: default`);
    }
  });

  it('each string with a syntax is checked by a pattern or a list, and says what is wrong', () => {
    for (const name of Object.keys(settings)) {
      const s = valueSchema(name);
      if (s.type !== 'string' || freeText.has(name)) continue;
      assert.ok(s.enum !== undefined || s.pattern !== undefined, `${name}: pattern or enum`);
      if (s.pattern !== undefined) {
        assert.ok(s.patternErrorMessage?.trim(), `${name}: patternErrorMessage`);
        assert.doesNotThrow(() => new RegExp(s.pattern!, 'u'), `${name}: a valid pattern`);
      }
    }
  });

  it('accept their own defaults', () => {
    for (const [name, s] of Object.entries(settings)) {
      const values = Array.isArray(s.default) ? s.default : [s.default];
      for (const value of values) {
        const v = valueSchema(name);
        if (typeof value === 'string' && v.pattern !== undefined) {
          assert.ok(accepts(name, value), `${name}: default ${JSON.stringify(value)}`);
        }
        if (v.enum !== undefined && !Array.isArray(s.default)) {
          assert.ok(v.enum.includes(value), `${name}: default in the list`);
        }
        if (typeof value === 'number' && s.minimum !== undefined) {
          assert.ok(value >= s.minimum, `${name}: default ≥ minimum`);
        }
      }
    }
  });

  it('nso.docker.host: the pattern takes what the engine address parser takes', () => {
    const samples = [
      'unix:///var/run/docker.sock',
      'unix://',
      'npipe:////./pipe/docker_engine',
      'tcp://10.0.0.5:2376',
      'tcp://nso-lab.example.com',
      'TCP://host:2375',
      'ssh://me@nso-lab',
      'ssh://me@nso-lab:2222',
      'localhost:2375',
      'nso-lab',
      ' tcp://host:2375 ',
      'http://localhost:2375',
      'https://host:2376',
      '/var/run/docker.sock',
      'var/run/docker.sock',
      'tcp://my host:2375',
      'ssh://',
    ];
    for (const value of samples) {
      assert.equal(
        accepts('nso.docker.host', value),
        !throws(() => parseDockerHost(value)),
        `pattern and parser disagree on ${JSON.stringify(value)}`,
      );
    }
    assert.ok(accepts('nso.docker.host', ''), 'empty: the environment decides');
  });

  it('nso.prod.ports: the pattern takes what Start NSO takes', () => {
    const samples = [
      '2024',
      '2024:2024',
      '8080:8080/tcp',
      '4570/udp',
      '0.0.0.0:8080:8080',
      '127.0.0.1::2024',
      '[::1]:2022:2022',
      ' 2022:22 ',
      '2024-2030',
      'localhost:2024:2024',
      '2024:2024/sctp',
      '20 24',
      '',
      'ssh',
      '65535',
      '1:65535/udp',
      '00080',
      '99999',
      '65536',
      '2024:70000',
      '0',
      '0:2024',
      '000:2024',
    ];
    for (const value of samples) {
      assert.equal(
        accepts('nso.prod.ports', value),
        !throws(() => parsePortSpec(value)),
        `pattern and parsePortSpec disagree on ${JSON.stringify(value)}`,
      );
    }
  });

  it("nso.prod.containerName: Docker's container name rule, or empty for the default", () => {
    for (const ok of ['', 'nso', 'nso-prod_1.dev', prodContainerName('/home/me/My NSO work')]) {
      assert.ok(accepts('nso.prod.containerName', ok), JSON.stringify(ok));
    }
    // Docker: "only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", two characters at least.
    for (const bad of ['my nso', '-nso', '.nso', 'a/b', 'nso:1', 'x', 'nsö']) {
      assert.ok(!accepts('nso.prod.containerName', bad), JSON.stringify(bad));
    }
  });

  it('image, network and user names hold no blanks inside', () => {
    for (const name of ['nso.prodImage', 'nso.buildImage']) {
      for (const ok of [
        '',
        'cisco-nso-prod:6.4',
        'registry.example.com:5000/nso/cisco-nso-build:6.4.1',
        'cisco-nso-prod@sha256:0123abcd',
        ' cisco-nso-prod:6.4 ',
      ]) {
        assert.ok(accepts(name, ok), `${name}: ${JSON.stringify(ok)}`);
      }
      for (const bad of ['cisco-nso-prod 6.4', 'cisco nso prod', '-cisco', ':6.4']) {
        assert.ok(!accepts(name, bad), `${name}: ${JSON.stringify(bad)}`);
      }
    }
    for (const ok of ['', 'host', 'none', 'lab_default', 'container:netsim']) {
      assert.ok(accepts('nso.prod.network', ok), JSON.stringify(ok));
    }
    assert.ok(!accepts('nso.prod.network', 'lab default'));
    for (const ok of ['', 'admin', 'oper@lab']) assert.ok(accepts('nso.adminUser', ok), ok);
    assert.ok(!accepts('nso.adminUser', 'nso admin'));
  });
});
