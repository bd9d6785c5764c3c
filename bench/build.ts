// Package build figures against the seed's raw loop, in one run, on the same
// build container (the NSO simulator build image):
//
//   full10      10 packages built one at a time by NSO Workbench, against
//               docker exec <c> sh -c 'for f in …/packages/*/src; do make -C "$f" all || exit 1; done'
//               (target: ratio ≤ 1.05)
//   parallel10  the same 10 packages with parallelism (the engine's CPUs)
//               (target: faster than the raw loop)
//   noChange20  a rebuild of 20 unchanged packages (target: < 1 s)
//   oneOf20     one of 20 packages changed, against raw `make -C <that>/src all`
//               (target: ratio ≤ 1.3)
//   cancel      from Cancel to the whole make process tree gone (target: < 2 s)
//
// Every figure is the median of several runs; runs of the product and of the
// raw command alternate so that load from elsewhere on the machine hits both.
// Outputs are removed before each full build so make really compiles.
//
// Usage: node --import tsx bench/build.ts [runs]   (default 7; needs Docker and
// bash images/build.sh). Writes bench/results/build.json; exits 1 when a
// target is missed.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { MemoryBuildStateStore, type BuildStateStore } from '../src/core/build/buildState';
import {
  runBuild,
  type BuildEnvironment,
  type BuildReport,
  type VersionCheckCache,
} from '../src/core/build/runBuild';
import { createDockerClient } from '../src/core/docker';
import {
  chooseNsoImage,
  containerPackagesDir,
  ensureBuildContainer,
  removeBuildContainers,
} from '../src/core/nso/buildContainer';

const imageTag = 'nso-sim/cisco-nso-build:6.4.1';
const runs = Number(process.argv[2] ?? 7);
const docker = createDockerClient();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-buildtest-bench-'));

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * A package like the ones NSO developers write: a YANG service model with a
 * few typed leaves, and Python code the Makefile byte-compiles.
 */
function writePackage(packagesDir: string, n: number): void {
  const name = `bench-svc-${String(n).padStart(2, '0')}`;
  const dir = path.join(packagesDir, name);
  fs.mkdirSync(path.join(dir, 'src', 'yang'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'python', name.replace(/-/g, '_')), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package-meta-data.xml'),
    `<ncs-package xmlns="http://tail-f.com/ns/ncs-packages">
  <name>${name}</name>
  <package-version>1.0.${n}</package-version>
  <ncs-min-version>6.0</ncs-min-version>
  <component>
    <name>${name}</name>
    <application><python-class-name>${name.replace(/-/g, '_')}.main.Main</python-class-name></application>
  </component>
</ncs-package>
`,
  );
  const leaves = Array.from(
    { length: 12 },
    (_, i) => `      leaf setting-${i} {
        type uint32 { range "0..${1000 + i}"; }
        description "Setting ${i} of the benchmark service.";
      }`,
  ).join('\n');
  fs.writeFileSync(
    path.join(dir, 'src', 'yang', `${name}.yang`),
    `module ${name} {
  namespace "http://example.org/nso-workbench/bench/${name}";
  prefix b${n};

  import tailf-ncs { prefix ncs; }
  import tailf-common { prefix tailf; }

  description "A service package for the build benchmark.";

  list ${name} {
    key name;
    uses ncs:service-data;
    ncs:servicepoint ${name}-servicepoint;
    tailf:info "Benchmark service ${n}";
    leaf name { type string; }
    leaf device { type leafref { path "/ncs:devices/ncs:device/ncs:name"; } }
    container settings {
${leaves}
    }
  }
}
`,
  );
  fs.writeFileSync(path.join(dir, 'python', name.replace(/-/g, '_'), '__init__.py'), '');
  fs.writeFileSync(
    path.join(dir, 'python', name.replace(/-/g, '_'), 'main.py'),
    `import ncs
from ncs.application import Service


class ServiceCallbacks(Service):
    @Service.create
    def cb_create(self, tctx, root, service, proplist):
        self.log.info('create ', service.name)


class Main(ncs.application.Application):
    def setup(self):
        self.register_service('${name}-servicepoint', ServiceCallbacks)
`,
  );
  fs.writeFileSync(
    path.join(dir, 'src', 'Makefile'),
    `all: fxs pyc
.PHONY: all

include $(NCS_DIR)/src/ncs/build/include.ncs.mk

SRC = $(wildcard yang/*.yang)
FXS = $(SRC:yang/%.yang=../load-dir/%.fxs)

fxs: ../load-dir $(FXS)
.PHONY: fxs

../load-dir:
\tmkdir -p $@

../load-dir/%.fxs: yang/%.yang
\t$(NCSC) $(FXS_WERR) -c -o $@ $<

pyc:
\tpython3 -m compileall -q ../python
.PHONY: pyc

clean:
\trm -rf ../load-dir
\tfind ../python -name __pycache__ -prune -exec rm -rf {} +
.PHONY: clean
`,
  );
}

function workspace(label: string, count: number): string {
  const ws = path.join(scratch, label);
  for (let n = 1; n <= count; n++) writePackage(path.join(ws, 'packages'), n);
  return ws;
}

function removeOutputs(ws: string): void {
  for (const name of fs.readdirSync(path.join(ws, 'packages'))) {
    const dir = path.join(ws, 'packages', name);
    fs.rmSync(path.join(dir, 'load-dir'), { recursive: true, force: true });
    fs.rmSync(path.join(dir, 'python', name.replace(/-/g, '_'), '__pycache__'), {
      recursive: true,
      force: true,
    });
  }
}

function dockerCli(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    execFile('docker', args, { maxBuffer: 64 << 20 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`docker ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(performance.now() - started);
    });
  });
}

async function product(
  e: BuildEnvironment,
  request: Parameters<typeof runBuild>[1] = {},
): Promise<{ ms: number; report: BuildReport }> {
  const started = performance.now();
  const report = await runBuild(e, request);
  const ms = performance.now() - started;
  if (report.status !== 'succeeded') {
    throw new Error(`the build failed: ${JSON.stringify(report.failure ?? report.packages)}`);
  }
  return { ms, report };
}

interface Figure {
  productMs: number[];
  rawMs?: number[];
  productMedianMs: number;
  rawMedianMs?: number;
  ratio?: number;
  pairedRatioMedian?: number;
  target: string;
  met: boolean;
}

function figure(
  productMs: number[],
  rawMs: number[] | undefined,
  target: string,
  met: (f: Figure) => boolean,
): Figure {
  const f: Figure = {
    productMs: productMs.map((x) => Math.round(x)),
    productMedianMs: Math.round(median(productMs)),
    target,
    met: false,
  };
  if (rawMs) {
    f.rawMs = rawMs.map((x) => Math.round(x));
    f.rawMedianMs = Math.round(median(rawMs));
    f.ratio = Number((median(productMs) / median(rawMs)).toFixed(3));
    // Each run's own ratio, product against the raw command measured next to it.
    f.pairedRatioMedian = Number(median(productMs.map((p, i) => p / rawMs[i]!)).toFixed(3));
  }
  f.met = met(f);
  return f;
}

async function main(): Promise<number> {
  const image = await chooseNsoImage(docker, 'build', imageTag);
  if (!image.ok) throw new Error(`${image.message} (run bash images/build.sh)`);
  const engine = await docker.info();
  const cpus = engine.cpus;
  const folders: string[] = [];
  // As the extension does: one NSO version comparison per image for a while.
  const versionChecks: VersionCheckCache = new Map();
  const env = (ws: string, store: BuildStateStore, parallelism: number): BuildEnvironment => ({
    docker,
    versionChecks,
    workspaceFolder: ws,
    buildImage: image.image.id,
    store,
    parallelism,
    containerNamePrefix: 'nsowb-buildtest-bench-',
  });
  const rawLoop = (container: string): string[] => [
    'exec',
    container,
    'sh',
    '-c',
    `for f in ${containerPackagesDir}/*/src; do make -C "$f" all || exit 1; done`,
  ];

  try {
    // ------------------------------------------------------------ 10 packages
    const ws10 = workspace('ten', 10);
    folders.push(ws10);
    const c10 = await ensureBuildContainer(docker, {
      workspaceFolder: ws10,
      packagesDir: path.join(ws10, 'packages'),
      image: image.image,
    });
    // Warm-up: page caches and the container's first start.
    removeOutputs(ws10);
    await dockerCli(rawLoop(c10.name));
    removeOutputs(ws10);
    await product(env(ws10, new MemoryBuildStateStore(), 1));

    const oneAtATime: number[] = [];
    const parallel: number[] = [];
    const raw10: number[] = [];
    const steps = {
      raw: async () => raw10.push(await dockerCli(rawLoop(c10.name))),
      one: async () =>
        oneAtATime.push((await product(env(ws10, new MemoryBuildStateStore(), 1))).ms),
      parallel: async () =>
        parallel.push((await product(env(ws10, new MemoryBuildStateStore(), cpus))).ms),
    };
    for (let i = 0; i < runs; i++) {
      // Rotate the order so that load drifting during a run hits each the same.
      const order = [steps.raw, steps.one, steps.parallel];
      for (let r = 0; r < i % 3; r++) order.push(order.shift()!);
      for (const step of order) {
        removeOutputs(ws10);
        await step();
      }
      console.log(
        `[bench] run ${i + 1}/${runs}: raw ${raw10.at(-1)!.toFixed(0)} ms, one at a time ${oneAtATime.at(-1)!.toFixed(0)} ms, parallel ${parallel.at(-1)!.toFixed(0)} ms`,
      );
    }

    // ------------------------------------------------------------ 20 packages
    const ws20 = workspace('twenty', 20);
    folders.push(ws20);
    const store20 = new MemoryBuildStateStore();
    await product(env(ws20, store20, cpus));
    const c20 = (
      await docker.listContainers({ all: true, labels: { 'org.nso-workbench.workspace': ws20 } })
    )[0]!;
    const noChange: number[] = [];
    const oneChanged: number[] = [];
    const rawOne: number[] = [];
    const changedName = 'bench-svc-07';
    const changedYang = path.join(
      ws20,
      'packages',
      changedName,
      'src',
      'yang',
      `${changedName}.yang`,
    );
    for (let i = 0; i < runs; i++) {
      const { ms, report } = await product(env(ws20, store20, cpus));
      if (report.packages.some((p) => p.status !== 'upToDate')) throw new Error('not up to date');
      noChange.push(ms);

      fs.appendFileSync(changedYang, `// change ${i}a\n`);
      const changed = await product(env(ws20, store20, cpus));
      const built = changed.report.packages.filter((p) => p.status === 'built').map((p) => p.name);
      if (built.join() !== changedName) throw new Error(`built ${built.join(', ')}`);
      oneChanged.push(changed.ms);

      fs.appendFileSync(changedYang, `// change ${i}b\n`);
      rawOne.push(
        await dockerCli([
          'exec',
          c20.name,
          'sh',
          '-c',
          `make -C ${containerPackagesDir}/${changedName}/src all`,
        ]),
      );
      // Bring the product's state in line with what raw make just built.
      await product(env(ws20, store20, cpus));
    }

    // ------------------------------------------------------------ cancel
    const cancelMs: number[] = [];
    const wsCancel = path.join(scratch, 'cancel');
    const slow = path.join(wsCancel, 'packages', 'slow');
    fs.mkdirSync(path.join(slow, 'src'), { recursive: true });
    fs.writeFileSync(
      path.join(slow, 'package-meta-data.xml'),
      '<ncs-package xmlns="http://tail-f.com/ns/ncs-packages"><name>slow</name></ncs-package>\n',
    );
    fs.writeFileSync(
      path.join(slow, 'src', 'Makefile'),
      'all:\n\t@echo started\n\t$(MAKE) --no-print-directory long\nlong:\n\tsh -c "sleep 300 & sleep 300; wait"\n',
    );
    folders.push(wsCancel);
    for (let i = 0; i < runs; i++) {
      const controller = new AbortController();
      let container = '';
      let seen: () => void = () => undefined;
      const started = new Promise<void>((r) => (seen = r));
      const building = runBuild(
        env(wsCancel, new MemoryBuildStateStore(), 1),
        {},
        {
          line: (_p, l) => l === 'started' && seen(),
          info: (m) => (container = /container (\S+)/.exec(m)?.[1] ?? container),
        },
        controller.signal,
      );
      await started;
      await new Promise((r) => setTimeout(r, 300)); // let the sub-make and sleeps start
      const t0 = performance.now();
      controller.abort();
      await building;
      const ps = await docker.exec(container, ['ps', '-eo', 'args']);
      if (/\b(make|sleep 300)\b/.test(ps.stdout.replace(/^ps -eo.*$/m, ''))) {
        throw new Error(`processes left after cancel:\n${ps.stdout}`);
      }
      cancelMs.push(performance.now() - t0);
    }

    const results = {
      measuredAt: new Date().toISOString(),
      command: `node --import tsx bench/build.ts ${runs}`,
      image: imageTag,
      runs,
      engineCpus: cpus,
      host: { cpus: os.cpus().length, loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))) },
      packages:
        'generated service packages: a YANG model with 14 leaves (ncsc) and Python (compileall)',
      full10OneAtATime: figure(
        oneAtATime,
        raw10,
        'ratio ≤ 1.05 against the raw loop',
        (f) => f.ratio! <= 1.05,
      ),
      full10Parallel: figure(
        parallel,
        raw10,
        `parallelism ${cpus}: faster than the raw loop`,
        (f) => f.ratio! < 1,
      ),
      noChange20: figure(noChange, undefined, '< 1000 ms', (f) => f.productMedianMs < 1000),
      oneOf20Changed: figure(
        oneChanged,
        rawOne,
        'ratio ≤ 1.3 against raw make of that package',
        (f) => f.ratio! <= 1.3,
      ),
      cancel: figure(
        cancelMs,
        undefined,
        'make tree gone < 2000 ms after Cancel',
        (f) => Math.max(...f.productMs) < 2000,
      ),
    };
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(
      path.join(__dirname, 'results', 'build.json'),
      `${JSON.stringify(results, null, 2)}\n`,
    );
    console.log(JSON.stringify(results, null, 2));
    const missed = Object.entries(results).filter(
      ([, v]) => typeof v === 'object' && v !== null && 'met' in v && !v.met,
    );
    for (const [name, v] of missed)
      console.log(`[bench] target missed: ${name} (${(v as Figure).target})`);
    return missed.length === 0 ? 0 : 1;
  } finally {
    for (const ws of folders) await removeBuildContainers(docker, ws).catch(() => undefined);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('[bench] failed:', err);
    process.exit(2);
  },
);
