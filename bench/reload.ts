// Reload figures on the simulator production image, with the shared corpus's
// ten packages compiled by the build image and loaded in one container:
//
//  1. A full reload through the product's core (plan, ncs_cli session with
//     the oper-status checks, parsing) against the raw
//     `docker exec -i <c> ncs_cli -u admin -C` with `packages reload` on
//     standard input, on the same container, alternating. Target: <= 1.05x.
//  2. `auto` after a Python-only change in 1 of the 10 packages (a redeploy)
//     against a full reload through the core. Target: <= 0.3x.
//
// Medians of several runs. Writes bench/results/reload.json; exits 1 when a
// target is missed.
//
// Usage: npx tsx bench/reload.ts [runs]    (default 9; needs Docker)
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { createDockerClient, nodeEndpointSources } from '../src/core/docker';
import { NcsCli } from '../src/core/nso/ncsCli';
import { startProdContainer } from '../src/core/nso/prodContainer';
import { MemoryLoadedStateStore, reloadPackages } from '../src/core/nso/reload';
import { FileHashCache } from '../src/core/nso/reloadPlan';
import {
  compilePackages,
  corpusWorkspace,
  createTestNetwork,
  ensureImages,
  prodImage,
  removeContainersAndVolumes,
  removeTestNetwork,
  testName,
} from '../test/docker/reloadSupport';

const runs = Number(process.argv[2] ?? 9);
const rawTarget = 1.05;
const autoTarget = 0.3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The raw way: the docker CLI, ncs_cli with the command on standard input. */
function rawReload(container: string): Promise<{ ms: number; out: string }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn('docker', ['exec', '-i', container, 'ncs_cli', '-u', 'admin', '-C']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`raw ncs_cli exited ${code}: ${out}`));
      else resolve({ ms: performance.now() - t, out });
    });
    child.stdin.end('packages reload\n');
  });
}

async function main(): Promise<number> {
  const docker = createDockerClient({ sources: nodeEndpointSources() });
  const name = testName('bench');
  let network = '';
  let ws = '';
  try {
    console.log('[bench] images, corpus workspace, build…');
    await ensureImages();
    ws = corpusWorkspace();
    // See test/docker/reloadCorpus.test.ts: the simulator wants a regular Python package here.
    fs.writeFileSync(path.join(ws, 'packages', 'distkey', 'python', 'distkey', '__init__.py'), '');
    await compilePackages(ws);
    network = await createTestNetwork();
    await startProdContainer(docker, {
      workspaceFolder: ws,
      packagesDir: path.join(ws, 'packages'),
      image: prodImage,
      containerName: name,
      healthStartPeriodS: 240,
      network,
    });

    const cli = new NcsCli(docker);
    const store = new MemoryLoadedStateStore();
    // As the extension does: file hashes are remembered between reloads.
    const hashCache = new FileHashCache();
    const core = async (strategy: 'auto' | 'full', expect = 'ok') => {
      const t = performance.now();
      const r = await reloadPackages({
        docker,
        cli,
        container: name,
        workspaceFolder: ws,
        adminUser: 'admin',
        strategy,
        store,
        hashCache,
      });
      const ms = performance.now() - t;
      if (r.status !== expect) {
        throw new Error(`core reload ${strategy}: ${r.status}: ${r.message}`);
      }
      return { ms, report: r };
    };

    // Warm up both paths once (first exec, login environment, page cache).
    await core('full');
    await rawReload(name);

    console.log(`[bench] full reload, core vs raw, ${runs} runs each, alternating…`);
    const coreFull: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < runs; i++) {
      const first = i % 2 === 0;
      if (first) coreFull.push((await core('full')).ms);
      const r = await rawReload(name);
      if (!/reload-result \{/.test(r.out))
        throw new Error(`raw reload printed no result: ${r.out}`);
      raw.push(r.ms);
      if (!first) coreFull.push((await core('full')).ms);
    }

    console.log(
      `[bench] auto after a Python-only change in 1 of 10 packages vs full, ${runs} runs…`,
    );
    const main = path.join(
      ws,
      'packages',
      'python-test-package',
      'python',
      'testpkg_python',
      'main.py',
    );
    const auto: number[] = [];
    const full: number[] = [];
    // `auto` with nothing changed: the same session (exec, ncs_cli login,
    // `show packages package`) without any reload: what both sides pay anyway.
    const idle: number[] = [];
    let redeployed: string[] = [];
    for (let i = 0; i < runs; i++) {
      fs.appendFileSync(main, `\n# change ${i}\n`);
      const a = await core('auto');
      if (a.report.plan.kind !== 'redeploy') throw new Error(`auto planned ${a.report.plan.kind}`);
      redeployed = a.report.plan.packages;
      auto.push(a.ms);
      full.push((await core('full')).ms);
      idle.push((await core('auto', 'nothing')).ms);
    }
    const fixed = median(idle);
    const nsoAuto = Math.max(0, median(auto) - fixed);
    const nsoFull = Math.max(1, median(full) - fixed);

    const rawRatio = median(coreFull) / median(raw);
    const autoRatio = median(auto) / median(full);
    const result = {
      measuredAt: new Date().toISOString(),
      command: `npx tsx bench/reload.ts ${runs}`,
      image: prodImage,
      packages: 10,
      runs,
      loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
      coreVsRaw: {
        what: 'full `packages reload` through the core (plan, one ncs_cli session with oper-status of each package, parsing) vs raw `docker exec -i <c> ncs_cli -u admin -C` with `packages reload` on stdin, same container',
        coreMedianMs: Math.round(median(coreFull)),
        rawMedianMs: Math.round(median(raw)),
        ratio: Math.round(rawRatio * 1000) / 1000,
        target: rawTarget,
        coreSamplesMs: coreFull.map(Math.round),
        rawSamplesMs: raw.map(Math.round),
      },
      autoVsFull: {
        what: '`auto` after a Python-only change in 1 of 10 packages (plans a redeploy) vs a full reload, both through the core',
        redeployed,
        autoMedianMs: Math.round(median(auto)),
        fullMedianMs: Math.round(median(full)),
        ratio: Math.round(autoRatio * 1000) / 1000,
        target: autoTarget,
        autoSamplesMs: auto.map(Math.round),
        fullSamplesMs: full.map(Math.round),
        sessionWithoutReloadMedianMs: Math.round(fixed),
        sessionWithoutReloadSamplesMs: idle.map(Math.round),
        nsoSideAutoMs: Math.round(nsoAuto),
        nsoSideFullMs: Math.round(nsoFull),
        nsoSideRatio: Math.round((nsoAuto / nsoFull) * 1000) / 1000,
        nsoSideWhat:
          'each median minus the median of the same session with nothing to reload (exec, ncs_cli login, show packages package): the time NSO spends on the redeploy or the full reload',
      },
      note: 'The simulator does the work a reload implies (reads every package, checks each .fxs, template and Python module, restarts Python VMs) but in one Python process in milliseconds per package; a real NSO restarts a Python VM per package (seconds each), re-compiles the schema and, on a schema change, upgrades CDB, so real full reloads take tens of seconds to minutes and a redeploy of one package a few seconds. The redeploy/full ratio on a real NSO is therefore smaller than measured here; the core-vs-raw overhead (a few API calls and hashing, tens of milliseconds) is a smaller share of a real reload than of the simulated one.',
    };
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(
      path.join(__dirname, 'results', 'reload.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    console.log(JSON.stringify(result, null, 2));
    const missed: string[] = [];
    if (rawRatio > rawTarget) missed.push(`core/raw ${rawRatio.toFixed(3)} > ${rawTarget}`);
    if (autoRatio > autoTarget) missed.push(`auto/full ${autoRatio.toFixed(3)} > ${autoTarget}`);
    for (const m of missed) console.log(`[bench] target missed: ${m}`);
    return missed.length > 0 ? 1 : 0;
  } finally {
    await removeContainersAndVolumes([name], [`${name}-nso`, `${name}-log`]);
    if (network) await removeTestNetwork(network);
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error('[bench] failed:', e);
    process.exit(2);
  },
);
