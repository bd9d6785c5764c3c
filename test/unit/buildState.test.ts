import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  buildKey,
  JsonFileBuildStateStore,
  outputStamp,
  presentOutputs,
  type BuildStateRecords,
} from '../../src/core/build/buildState';
import { formatDiagnostic, summarize, type BuildReport } from '../../src/core/build/runBuild';
import { laneArgv, laneRecord, LineSplitter } from '../../src/core/build/buildLane';
import { buildContainerName, versionMismatchWarning } from '../../src/core/nso/buildContainer';
import { unreachableInContainer } from '../../src/core/build/buildInputs';
import { hashPackageInputs } from '../../src/core/packages/inputHash';
import { packageResult } from './buildFixtures';

describe('build keys and state', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-buildstate-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (rel: string, data: string): void => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), data);
  };

  it('a key changes with the inputs, the image and what the package requires', async () => {
    write('types/package-meta-data.xml', '<ncs-package/>');
    write('types/src/yang/types.yang', 'module types {}');
    write('svc/src/yang/svc.yang', 'module svc {}');
    const key = async (): Promise<{ types: string; svc: string }> => {
      const types = buildKey((await hashPackageInputs(path.join(dir, 'types'))).hash, 'img1', []);
      const svcInputs = (await hashPackageInputs(path.join(dir, 'svc'))).hash;
      return { types, svc: buildKey(svcInputs, 'img1', [['types', types]]) };
    };

    const before = await key();
    write('types/load-dir/types.fxs', 'output, not input');
    assert.deepEqual(await key(), before, 'build outputs do not change keys');

    write('types/src/yang/types.yang', 'module types { leaf x { type string; } }');
    const after = await key();
    assert.notEqual(after.types, before.types);
    assert.notEqual(after.svc, before.svc, 'a changed dependency changes its dependents');

    const svcInputs = (await hashPackageInputs(path.join(dir, 'svc'))).hash;
    assert.notEqual(
      buildKey(svcInputs, 'img2', [['types', after.types]]),
      after.svc,
      'another build image rebuilds',
    );
    assert.equal(
      buildKey('h', 'i', [
        ['a', '1'],
        ['b', '2'],
      ]),
      buildKey('h', 'i', [
        ['b', '2'],
        ['a', '1'],
      ]),
    );
  });

  it('the CLI store keeps records in the cache folder, not the workspace, and survives damage', async () => {
    const cache = path.join(dir, 'cache');
    const store = JsonFileBuildStateStore.forWorkspace('/some/workspace', {
      XDG_CACHE_HOME: cache,
    });
    assert.ok(store.file.startsWith(path.join(cache, 'nso-workbench', 'build-state') + path.sep));
    assert.notEqual(
      store.file,
      JsonFileBuildStateStore.forWorkspace('/other/workspace', { XDG_CACHE_HOME: cache }).file,
    );
    assert.deepEqual(await store.load(), {});

    const records: BuildStateRecords = {
      l3vpn: {
        key: 'k',
        outputs: ['load-dir'],
        lastResult: 'succeeded',
        lastBuiltAt: 1,
        lastDurationMs: 2,
        errors: 0,
        warnings: 1,
      },
    };
    await store.save(records);
    assert.deepEqual(await store.load(), records);
    assert.deepEqual(fs.readdirSync(path.dirname(store.file)), [path.basename(store.file)]);

    fs.writeFileSync(store.file, '{ not json');
    assert.deepEqual(await store.load(), {});
  });

  it('sees which output folders a build left', async () => {
    write('pkg/load-dir/a.fxs', '');
    write('pkg/private-jar/a.jar', '');
    assert.deepEqual(await presentOutputs(path.join(dir, 'pkg')), ['load-dir', 'private-jar']);
  });

  it('stamps the output files: a rewrite changes the stamp, sources do not', async () => {
    const pkg = path.join(dir, 'pkg');
    write('pkg/load-dir/a.fxs', 'one');
    write('pkg/shared-jar/a-ns.jar', 'jar');
    write('pkg/src/yang/a.yang', 'module a {}');
    const first = await outputStamp(pkg);
    assert.equal(await outputStamp(pkg), first, 'the same files, the same stamp');

    write('pkg/src/yang/a.yang', 'module a { leaf x; }');
    assert.equal(await outputStamp(pkg), first, 'sources are not outputs');

    // Another build writes the same file again, even with the same size.
    fs.rmSync(path.join(pkg, 'load-dir', 'a.fxs'));
    write('pkg/load-dir/a.fxs', 'two');
    const rewritten = await outputStamp(pkg);
    assert.notEqual(rewritten, first);
    write('pkg/private-jar/a.jar', '');
    assert.notEqual(await outputStamp(pkg), rewritten, 'a new output file');
  });
});

describe('the build lane', () => {
  // The same argv and input the build container gets, run here by bash and
  // GNU make, on folder names that would break a command glued into a string.
  const odd = ['with space', `it's "quoted"`, '$(touch pwned)', 'semi;colon`x`'];

  function runLane(root: string, input: string): Promise<string> {
    const argv = laneArgv('@@END@@');
    return new Promise((resolve, reject) => {
      const child = execFile(argv[0]!, argv.slice(1), { cwd: root }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      );
      child.stdin!.end(input);
    });
  }

  it('builds each folder it is handed, passing the folder as data, with its exit code', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-lane-'));
    try {
      const srcs = odd.map((name) => {
        const src = path.join(root, name, 'src');
        fs.mkdirSync(src, { recursive: true });
        fs.writeFileSync(
          path.join(src, 'Makefile'),
          'all:\n\t@echo "built in $$PWD"\n\t@echo "to stderr" >&2\nclean:\n\t@echo cleaned\n',
        );
        return src;
      });
      const failing = path.join(root, 'failing', 'src');
      fs.mkdirSync(failing, { recursive: true });
      fs.writeFileSync(path.join(failing, 'Makefile'), 'all:\n\t@exit 3\n');

      const input =
        srcs.map((src, i) => laneRecord(i + 1, src, false)).join('') +
        laneRecord(9, failing, false) +
        laneRecord(10, srcs[0]!, true);
      assert.ok(odd.every((name) => !laneArgv('@@END@@').join(' ').includes(name)));
      const out = await runLane(root, input);

      const expected = [
        ...srcs.flatMap((src, i) => [`built in ${src}`, 'to stderr', '', `@@END@@ ${i + 1} 0`]),
        /make: \*\*\* \[Makefile:2: all\] Error 3/,
        '',
        '@@END@@ 9 2',
        'cleaned',
        `built in ${srcs[0]}`,
        'to stderr',
        '',
        '@@END@@ 10 0',
      ];
      const lines = out.trimEnd().split('\n');
      assert.equal(lines.length, expected.length, out);
      expected.forEach((e, i) =>
        typeof e === 'string' ? assert.equal(lines[i], e) : assert.match(lines[i]!, e),
      );
      assert.equal(fs.existsSync(path.join(root, 'pwned')), false);
      for (const src of srcs) assert.equal(fs.existsSync(path.join(src, 'pwned')), false);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('build output helpers', () => {
  it('splits streamed output into lines, across chunks, without CR', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push('make: Ent');
    s.push('ering\r\nyang/a.yang:3: err');
    s.push('or: x\nlast');
    s.end();
    assert.deepEqual(lines, ['make: Entering', 'yang/a.yang:3: error: x', 'last']);
  });

  it('formats diagnostics as file:line:col: severity: message', () => {
    assert.equal(
      formatDiagnostic({
        file: '/w/packages/a/src/yang/a.yang',
        line: 3,
        column: 0,
        severity: 'error',
        message: 'syntax error\n  near "}"',
        source: 'ncsc',
      }),
      '/w/packages/a/src/yang/a.yang:3:1: error: syntax error near "}"',
    );
  });

  it('summarises a build', () => {
    const pkg = packageResult;
    const report: BuildReport = {
      workspaceFolder: '/w',
      packagesDir: '/w/packages',
      status: 'failed',
      warnings: [],
      packages: [pkg('a', 'built'), pkg('b', 'upToDate'), pkg('c', 'failed'), pkg('d', 'skipped')],
      problems: [],
      durationMs: 1234,
    };
    assert.equal(
      summarize(report),
      '4 packages: 1 built, 1 up to date, 1 failed, 1 skipped in 1.2 s.',
    );
    report.failure = { kind: 'diskFull', message: 'The disk is full.' };
    assert.equal(
      summarize(report),
      'The disk is full. (4 packages: 1 built, 1 up to date, 1 failed, 1 skipped)',
    );
  });

  it('names a package left out for its malformed package-meta-data.xml', () => {
    const report: BuildReport = {
      workspaceFolder: '/w',
      packagesDir: '/w/packages',
      status: 'failed',
      warnings: [],
      packages: ['a', 'b', 'c'].map((name) => ({
        name,
        dirName: name,
        dir: `/w/packages/${name}`,
        metaDataPath: `/w/packages/${name}/package-meta-data.xml`,
        status: 'upToDate' as const,
        clean: false,
        durationMs: 0,
        diagnostics: [],
      })),
      problems: [
        {
          file: '/w/packages/bad pkg/package-meta-data.xml',
          line: 4,
          column: 3,
          message: 'Unclosed element <ncs-package>.',
        },
      ],
      durationMs: 12,
    };
    assert.equal(
      summarize(report),
      '3 packages: 3 up to date in 0.0 s. Skipped bad pkg/ (package-meta-data.xml:4: Unclosed element <ncs-package>).',
    );
  });
});

describe('build container naming and image versions', () => {
  it('names the container after the folder, unique per path', () => {
    const a = buildContainerName('/home/dev/My NSO Project');
    assert.match(a, /^nso-build-my-nso-project-[0-9a-f]{8}$/);
    assert.notEqual(a, buildContainerName('/srv/My NSO Project'));
    assert.match(buildContainerName('/'), /^nso-build-workspace-[0-9a-f]{8}$/);
  });

  it('warns when the build image compiles for another NSO version than production runs', () => {
    const build = { ref: 'cisco-nso-build:6.4.1', id: 'b', version: '6.4.1' };
    assert.equal(versionMismatchWarning(build, { ref: 'p', id: 'p', version: '6.4.1' }), undefined);
    assert.match(
      versionMismatchWarning(build, { ref: 'cisco-nso-prod:6.5', id: 'p', version: '6.5' })!,
      /must be compiled with the NSO version that runs them/,
    );
    assert.match(
      versionMismatchWarning(build, { ref: 'cisco-nso-prod:6.4.3', id: 'p', version: '6.4.3' })!,
      /same minor version/,
    );
    assert.equal(versionMismatchWarning({ ref: 'x:latest', id: 'x' }, build), undefined);
  });
});

describe('package folders the build container can reach', () => {
  let ws: string;
  let packages: string;
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-reach-'));
    packages = path.join(ws, 'packages');
    for (const d of ['packages/real', 'src/elsewhere'])
      fs.mkdirSync(path.join(ws, d), { recursive: true });
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));
  const reach = (name: string): Promise<string | undefined> =>
    unreachableInContainer(packages, path.join(packages, name));

  it('a folder, or a relative link to a folder inside the packages folder, is reachable', async () => {
    fs.symlinkSync('real', path.join(packages, 'alias'));
    assert.equal(await reach('real'), undefined);
    assert.equal(await reach('alias'), undefined);
  });

  it('a link out of the packages folder (as ncs-setup --package makes) or an absolute link is not, and the message says what to do', async () => {
    fs.symlinkSync('../src/elsewhere', path.join(packages, 'outside'));
    fs.symlinkSync(path.join(packages, 'real'), path.join(packages, 'absolute'));
    const outside = await reach('outside');
    assert.match(
      outside!,
      /^outside is a symbolic link to \.\.\/src\/elsewhere \(.*src\/elsewhere\), outside the packages folder/,
    );
    assert.match(outside!, /mounts only .*packages \(at \/nso\/run\/packages\)/);
    assert.match(outside!, /Move or copy the package into the packages folder/);
    assert.match((await reach('absolute'))!, /an absolute path the build container does not have/);
  });
});
