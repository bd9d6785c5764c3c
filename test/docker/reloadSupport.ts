// What the production-container and reload tests share: the simulator images,
// a workspace made of the shared corpus's real packages, compiled with the
// build image, and names that mark every Docker object as this suite's.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { corpusPath, repoRoot } from '../helpers/paths';

export const prodImage = 'nso-sim/cisco-nso-prod:6.4.1';
export const buildImage = 'nso-sim/cisco-nso-build:6.4.1';
/** Every container and volume these tests make starts with this. */
export const prodTestPrefix = 'nsowb-prodtest-';

let counter = 0;
/** A name unique to this process and call. */
export function testName(what: string): string {
  counter += 1;
  return `${prodTestPrefix}${what}-${process.pid}-${counter}`;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  cmd: string,
  args: string[],
  timeoutMs = 300_000,
  input?: string,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`));
          return;
        }
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      },
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

/** Builds the simulator images when they are missing or stale (cached: seconds otherwise). */
export async function ensureImages(): Promise<void> {
  const r = await run('bash', [path.join(repoRoot, 'images', 'build.sh')], 20 * 60_000);
  if (r.code !== 0) throw new Error(`images/build.sh failed:\n${r.stdout}${r.stderr}`);
}

/** Corpus packages whose names do not clash: (folder in the corpus, package folder name). */
const corpusPackages: [string, string][] = [
  ['01_nso-examples-6.7.1_netsim-sshkey/packages/distkey', 'distkey'],
  ['01_nso-examples-6.7.1_netsim-sshkey/packages/ne', 'ne'],
  ['05_nso-docker_testpkg-python', 'python-test-package'],
  ['06_nso-docker_testpkg-java', 'testpkg-java'],
  ['07_nso-docker_testpkg-yang-only', 'testpkg'],
  ['08_nso-docker_template-package', 'template-package'],
  ['09_nso-docker_python-package-with-requirements', 'python-package'],
  ['10_haraft-container-example_dummy', 'dummy'],
];
/** ncs-make-package skeletons, instantiated under these names. */
const corpusSkeletons: [string, string][] = [
  ['03_nso-6.2.5_python-skeleton', 'skel-python'],
  ['04_nso-6.2.5_nano-service-python-skeleton', 'skel-nano'],
];

/**
 * A fresh workspace folder holding `packages/` with corpus packages (all ten
 * by default, or those named), copied, never linked: tests edit them.
 */
export function corpusWorkspace(only?: string[]): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), `${prodTestPrefix}ws-`));
  const packages = path.join(ws, 'packages');
  fs.mkdirSync(packages);
  for (const [from, name] of corpusPackages) {
    if (only && !only.includes(name)) continue;
    fs.cpSync(corpusPath('packages', from), path.join(packages, name), { recursive: true });
  }
  for (const [from, name] of corpusSkeletons) {
    if (only && !only.includes(name)) continue;
    instantiateSkeleton(corpusPath('packages', from), name, path.join(packages, name));
  }
  return ws;
}

/**
 * What ncs-make-package does to a skeleton: the %…% markers become the
 * package's names, foo.* files take its name, the Python code moves into a
 * module named after the package, and the Makefile's FXS markers become rules.
 */
function instantiateSkeleton(from: string, name: string, into: string): void {
  fs.cpSync(from, into, { recursive: true });
  const module = name.replace(/-/g, '_');
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(p);
        continue;
      }
      const cls = entry.name === 'package-meta-data.xml' ? `${module}.main.Main` : 'Main';
      let text = fs
        .readFileSync(p, 'utf8')
        .replaceAll('%_NAME_%', module)
        .replaceAll('%NAME%', name)
        .replaceAll('%NCSVER%', '6.4')
        .replaceAll('%COMPONENT%', 'main')
        .replaceAll('%CLASS%', cls);
      if (entry.name === 'Makefile' && path.basename(dir) === 'src') {
        text = text
          .replace(/^#%FXS%$/m, 'FXS = $(SRC:yang/%.yang=../load-dir/%.fxs)')
          .replace(/^#%FXSTRG%$/m, '../load-dir/%.fxs: yang/%.yang');
      }
      fs.writeFileSync(p, text);
      if (entry.name === 'foo.xml') fs.renameSync(p, path.join(dir, `${name}-template.xml`));
      else if (entry.name === 'foo.yang') fs.renameSync(p, path.join(dir, `${name}.yang`));
    }
  };
  walk(into);
  // ncs-make-package puts the code in python/<module>/ with the application in main.py.
  const py = path.join(into, 'python');
  const pkg = path.join(py, module);
  fs.mkdirSync(pkg);
  fs.renameSync(path.join(py, '__init__.py'), path.join(pkg, '__init__.py'));
  fs.renameSync(path.join(py, 'foo.py'), path.join(pkg, 'main.py'));
}

/** The seed's build loop in a one-off build container: every package's `make all`. */
export async function compilePackages(workspace: string, only?: string): Promise<void> {
  const script = only
    ? 'make -C "/nso/run/packages/$1/src" all'
    : 'for f in /nso/run/packages/*/src; do make -C "$f" all || exit 1; done';
  const r = await run('docker', [
    'run',
    '--rm',
    '--name',
    testName('build'),
    '--network',
    'none',
    '-v',
    `${path.join(workspace, 'packages')}:/nso/run/packages`,
    buildImage,
    'bash',
    '-lc',
    script,
    'build',
    ...(only ? [only] : []),
  ]);
  if (r.code !== 0) throw new Error(`building the packages failed:\n${r.stdout}${r.stderr}`);
}

/** Removes what a test made, by name; missing things are fine. */
export async function removeContainersAndVolumes(
  containers: string[],
  volumes: string[],
): Promise<void> {
  for (const c of containers) await run('docker', ['rm', '-f', c]);
  for (const v of volumes) await run('docker', ['volume', 'rm', '-f', v]);
}

/**
 * A network of this suite's own: the tests do not depend on the engine's
 * default bridge (docker0), which other suites' private engines can disturb.
 */
export async function createTestNetwork(): Promise<string> {
  const name = testName('net');
  const r = await run('docker', ['network', 'create', name]);
  if (r.code !== 0) throw new Error(`docker network create ${name} failed:\n${r.stderr}`);
  return name;
}

export async function removeTestNetwork(name: string): Promise<void> {
  await run('docker', ['network', 'rm', name]);
}
