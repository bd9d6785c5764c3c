// The ncs.conf schema read out of an NSO image without starting NSO, or out
// of a production container that runs. The test builds its own tiny image
// FROM the simulator production image with the project's own YANG fixtures
// where NSO keeps its schema, copies the schema out, compiles it, and checks
// that the short-lived container is gone and a running one is left as it was.
// Every image and container it creates is named nsowb-schematest-* and removed.

import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { createDockerClient } from '../../src/core/docker';
import {
  copySchemaFromContainer,
  copySchemaFromImage,
  SchemaNotInImageError,
} from '../../src/core/nso/schemaSource';
import { compileSchemaFromDirectories } from '../../src/ncsconf/yang/loadSchema';
import { repoRoot } from '../helpers/paths';

const baseImage = 'nso-sim/cisco-nso-prod:6.4.1';
const run = `nsowb-schematest-${process.pid}-${Date.now().toString(36)}`;
const image = `${run}:6.4.1`;
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'ncsconf', 'yang');
const docker = createDockerClient();

function dockerCli(args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('docker', args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`docker ${args.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

async function containersNamed(prefix: string): Promise<string[]> {
  const out = await dockerCli(['ps', '-a', '--filter', `name=${prefix}`, '--format', '{{.Names}}']);
  return out.split('\n').filter((l) => l.trim() !== '');
}

describe('ncs.conf schema from an NSO image', function () {
  this.timeout(180_000);
  let context: string;
  let storage: string;

  before(async () => {
    await dockerCli(['image', 'inspect', baseImage]).catch(() => {
      throw new Error(`${baseImage} is missing: run bash images/build.sh first`);
    });
    context = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-schematest-ctx-'));
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-schematest-store-'));
    const read = (f: string): string => fs.readFileSync(path.join(fixtures, f), 'utf8');
    const put = (rel: string, text: string): void => {
      const target = path.join(context, 'ncs', ...rel.split('/'));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, text);
    };
    // The fixture root module under the name NSO gives its own, in the sub-folder NSO uses.
    put(
      'ncs_config/tailf-ncs-config.yang',
      read('wb-ncs-config.yang').replace('module wb-ncs-config {', 'module tailf-ncs-config {'),
    );
    put(
      'ncs_config/wb-ncs-config-extras.yang',
      read('wb-ncs-config-extras.yang').replace(
        'belongs-to wb-ncs-config {',
        'belongs-to tailf-ncs-config {',
      ),
    );
    put('ncs_config/wb-common.yang', read('wb-common.yang'));
    put('ncs_config/wb-common-types.yang', read('wb-common-types.yang'));
    // Imported types in the shared yang folder, beside NSO's.
    put('yang/wb-inet-types.yang', read('wb-inet-types.yang'));
    put('yang/wb-xsd-types.yang', read('wb-xsd-types.yang'));
    // A folder that holds nothing the schema needs: must not be copied.
    put('unrelated/wb-unrelated.yang', 'module wb-unrelated { namespace "urn:x"; prefix x; }\n');
    fs.writeFileSync(
      path.join(context, 'Dockerfile'),
      `FROM ${baseImage}\nCOPY ncs/ /opt/ncs/current/src/ncs/\n`,
    );
    await dockerCli(['build', '--network', 'none', '-q', '-t', image, context], 300_000);
  });

  after(async () => {
    for (const name of await containersNamed(run).catch(() => [])) {
      await dockerCli(['rm', '-f', name]).catch(() => undefined);
    }
    await dockerCli(['image', 'rm', '-f', image]).catch(() => undefined);
    fs.rmSync(context, { recursive: true, force: true });
    fs.rmSync(storage, { recursive: true, force: true });
  });

  it('copies tailf-ncs-config.yang and its imports under the NSO version, then removes the container', async () => {
    const result = await copySchemaFromImage(docker, {
      image,
      storageDir: storage,
      containerName: `${run}-copy`,
    });
    assert.equal(result.nsoVersion, '6.4.1');
    assert.equal(result.dir, path.join(storage, '6.4.1'));
    assert.equal(result.sourcePath, '/opt/ncs/current/src/ncs/ncs_config/tailf-ncs-config.yang');
    // The root module's folder whole, and the shared yang folder (which holds NSO's own modules too).
    assert.deepEqual(
      result.files.filter((f) => f.startsWith('ncs_config/')),
      [
        'ncs_config/tailf-ncs-config.yang',
        'ncs_config/wb-common-types.yang',
        'ncs_config/wb-common.yang',
        'ncs_config/wb-ncs-config-extras.yang',
      ],
    );
    assert.ok(result.files.includes('yang/wb-inet-types.yang'));
    assert.ok(result.files.includes('yang/wb-xsd-types.yang'));
    assert.ok(result.files.every((f) => f.startsWith('ncs_config/') || f.startsWith('yang/')));
    assert.ok(!fs.existsSync(path.join(result.dir, 'unrelated')));
    assert.deepEqual(await containersNamed(`${run}-copy`), []);

    // What was copied is a whole schema the server can compile.
    const compiled = await compileSchemaFromDirectories([result.dir], { nsoVersion: '6.4.1' });
    assert.ok(JSON.stringify(compiled.schema).includes('load-path'));
  });

  it('says the schema is not in an image without it, and still removes the container', async () => {
    await assert.rejects(
      copySchemaFromImage(docker, {
        image: baseImage,
        storageDir: storage,
        containerName: `${run}-none`,
      }),
      (err: unknown) =>
        err instanceof SchemaNotInImageError &&
        /no tailf-ncs-config\.yang in image nso-sim\/cisco-nso-prod:6\.4\.1.*nso\.ncsConf\.schemaPath/.test(
          err.message,
        ),
    );
    assert.deepEqual(await containersNamed(`${run}-none`), []);
  });

  it('copies the schema out of a running production container and leaves it running', async () => {
    const running = `${run}-running`;
    await dockerCli(['run', '-d', '--name', running, '--network', 'none', image]);
    const startedAt = (await docker.inspectContainer(running)).state.startedAt?.getTime();
    const store = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-schematest-running-'));
    try {
      const result = await copySchemaFromContainer(docker, {
        container: running,
        storageDir: store,
      });
      assert.equal(result.origin, `container ${running}`);
      assert.equal(result.nsoVersion, '6.4.1');
      assert.equal(result.dir, path.join(store, '6.4.1'));
      assert.equal(result.sourcePath, '/opt/ncs/current/src/ncs/ncs_config/tailf-ncs-config.yang');
      assert.ok(result.files.includes('ncs_config/wb-ncs-config-extras.yang'));
      assert.ok(result.files.includes('yang/wb-inet-types.yang'));
      assert.ok(!fs.existsSync(path.join(result.dir, 'unrelated')));
      const compiled = await compileSchemaFromDirectories([result.dir], { nsoVersion: '6.4.1' });
      assert.ok(JSON.stringify(compiled.schema).includes('load-path'));

      // Read, not touched: the same run of the same container, still up.
      const after = await docker.inspectContainer(running);
      assert.equal(after.state.running, true);
      assert.equal(after.state.startedAt?.getTime(), startedAt);
    } finally {
      fs.rmSync(store, { recursive: true, force: true });
    }
  });

  it('names the container when it holds no schema', async () => {
    const bare = `${run}-bare`;
    await dockerCli(['create', '--name', bare, '--network', 'none', baseImage]);
    await assert.rejects(
      copySchemaFromContainer(docker, { container: bare, storageDir: storage }),
      (err: unknown) =>
        err instanceof SchemaNotInImageError &&
        err.message ===
          `no tailf-ncs-config.yang in container ${bare} (searched /opt/ncs/current/src/ncs): set nso.ncsConf.schemaPath`,
    );
    assert.deepEqual(await containersNamed(bare), [bare], 'the container is not removed');
  });
});
