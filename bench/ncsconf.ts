// Figures of the ncs.conf language features on the largest real ncs.conf in
// the shared corpus, against the NSO 6.2.5 schema: full validation, completion
// and hover latency, schema load from the cache, the memory of a real server
// process, and validation compared with `xmllint --noout` on the same file.
//
// Run: npx tsx bench/ncsconf.ts [--runs N]   Writes bench/results/ncsconf.json.
// Exits 1 when a target is missed.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import { completeAt } from '../src/ncsconf/completion';
import { hoverAt } from '../src/ncsconf/hover';
import { SchemaIndex } from '../src/ncsconf/schemaIndex';
import { validateConf } from '../src/ncsconf/validator';
import { compileSchemaFromDirectories } from '../src/ncsconf/yang/loadSchema';
import { readCompactSchema, SchemaCache } from '../src/ncsconf/yang/schemaCache';
import { scanXml } from '../src/ncsconf/xmlScanner';
import type { SchemaStatus } from '../src/shared/ncsConfProtocol';

const repoRoot = path.resolve(__dirname, '..');
const corpus = process.env.NSO_CORPUS_DIR ?? path.resolve(repoRoot, '..', 'shared', 'corpus');
const yangDir = path.join(corpus, 'yang', 'nso-6.2.5');
const nsoVersion = '6.2.5';

const targets = {
  validationMedianMs: 10,
  completionP95Ms: 5,
  hoverP95Ms: 5,
  schemaLoadFromCacheMs: 30,
  serverRssMb: 80,
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

function largestCorpusFile(): string {
  const dir = path.join(corpus, 'ncs-conf');
  const files = fs
    .readdirSync(dir)
    .filter((f) => !f.includes('BROKEN'))
    .map((f) => ({ f, size: fs.statSync(path.join(dir, f)).size }))
    .sort((a, b) => b.size - a.size);
  return path.join(dir, files[0]!.f);
}

/**
 * `--child-parse <file>`: the baseline of a cold load, in a fresh process like it: read the
 * compact schema as one plain JSON document (descriptions inline) and JSON.parse it.
 */
function childParse(file: string): void {
  const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  JSON.parse(fs.readFileSync(file, 'utf8'));
  const wall = performance.now() - t0;
  process.stdout.write(JSON.stringify({ wall, cpu: cpuMs(process.cpuUsage(c0)) }));
}

/** `--child-load <cacheDir>`: one cold schema load in a fresh process, printed as JSON. */
async function childLoad(cacheDir: string): Promise<void> {
  // CPU time next to wall time: on a busy machine the process waits for a core, and only
  // the CPU time says what the load itself costs.
  const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const cached = await new SchemaCache(cacheDir).load([yangDir], nsoVersion);
  const index = SchemaIndex.fromCompact(cached.schema);
  const viaCache = performance.now() - t0;
  const viaCacheCpu = cpuMs(process.cpuUsage(c0));
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  SchemaIndex.fromCompact(await readCompactSchema(cached.path));
  const viaFile = performance.now() - t1;
  const viaFileCpu = cpuMs(process.cpuUsage(c1));
  const result = {
    viaCache,
    viaCacheCpu,
    viaFile,
    viaFileCpu,
    fromCache: cached.fromCache,
    nodes: index.nodeCount,
  };
  process.stdout.write(JSON.stringify(result));
}

async function serverMemory(
  compactSchemaPath: string,
  text: string,
): Promise<{ rssMb: number; peakMb: number; validateMs: number }> {
  // The same minified bundle `npm run build` ships, built aside so dist/ is left alone.
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nso-wb-bench-')), 'server.js');
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'src/server/server.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    logLevel: 'silent',
  });
  const bundleBytes = fs.statSync(out).size;
  const child = spawn(process.execPath, [out, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const ready = new Promise<void>((resolve) => {
    conn.onNotification('nso/schemaStatusChanged', (s: SchemaStatus) => {
      if (s.state === 'ready') resolve();
    });
  });
  const uri = 'file:///bench/ncs.conf';
  let opened = 0;
  const diagnostics = new Promise<void>((resolve) => {
    conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string }) => {
      if (p.uri === uri) resolve();
    });
  });
  conn.listen();
  try {
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      initializationOptions: { schema: { compactSchemaPath, nsoVersion } },
    });
    await conn.sendNotification('initialized', {});
    await withTimeout(ready, 10000, 'schema load in the server');
    opened = performance.now();
    await conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'ncs-conf', version: 1, text },
    });
    await withTimeout(diagnostics, 10000, 'diagnostics from the server');
    const validateMs = performance.now() - opened;
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = (field: string): number =>
      Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    process.stderr.write(`server bundle for the memory figure: ${bundleBytes} bytes\n`);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024, validateMs };
  } finally {
    conn.dispose();
    child.kill();
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function xmllint(
  file: string,
  runs: number,
): { wallMedianMs: number; parseMsPerIteration: number | undefined } {
  const walls: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync('xmllint', ['--noout', file]);
    walls.push(performance.now() - t);
    if (r.error) throw new Error(`xmllint did not run: ${r.error.message}`);
  }
  // --repeat parses the file 100 times in one process; --timing reports the total.
  const r = spawnSync('xmllint', ['--noout', '--timing', '--repeat', file], { encoding: 'utf8' });
  const m = /(\d+) iterations took (\d+) ms/.exec(`${r.stdout}${r.stderr}`);
  return {
    wallMedianMs: median(walls),
    parseMsPerIteration: m ? Number(m[2]) / Number(m[1]) : undefined,
  };
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 300;
  const file = largestCorpusFile();
  const text = fs.readFileSync(file, 'utf8');
  const loadAtStart = os.loadavg().map((x) => round(x, 2));

  // Schema: compile from YANG (what a first use costs), then through the cache.
  const compileMs: number[] = [];
  let compiled = await compileSchemaFromDirectories([yangDir], { nsoVersion });
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    compiled = await compileSchemaFromDirectories([yangDir], { nsoVersion });
    compileMs.push(performance.now() - t);
  }
  const schema = SchemaIndex.fromCompact(compiled.schema);
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nso-wb-bench-cache-'));
  const first = await new SchemaCache(cacheDir).load([yangDir], nsoVersion);
  const warmLoads: number[] = [];
  const fileLoads: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    const again = await new SchemaCache(cacheDir).load([yangDir], nsoVersion);
    SchemaIndex.fromCompact(again.schema);
    warmLoads.push(performance.now() - t);
    const t2 = performance.now();
    SchemaIndex.fromCompact(await readCompactSchema(first.path));
    fileLoads.push(performance.now() - t2);
  }
  const coldLoads: {
    viaCache: number;
    viaCacheCpu: number;
    viaFile: number;
    viaFileCpu: number;
  }[] = [];
  // The same schema as plain JSON: what loading would cost if it were nothing but JSON.parse.
  const baselineFile = path.join(cacheDir, 'baseline-plain.json');
  fs.writeFileSync(baselineFile, JSON.stringify(compiled.schema));
  const coldParses: { wall: number; cpu: number }[] = [];
  const child = (args: string[]): string => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, ...args], {
      encoding: 'utf8',
      cwd: repoRoot,
    });
    if (r.status !== 0) throw new Error(`cold load child failed: ${r.stderr}`);
    return r.stdout;
  };
  // Interleaved, so both see the same load of the machine.
  for (let i = 0; i < 15; i++) {
    coldLoads.push(JSON.parse(child(['--child-load', cacheDir])) as (typeof coldLoads)[number]);
    coldParses.push(
      JSON.parse(child(['--child-parse', baselineFile])) as (typeof coldParses)[number],
    );
  }

  // Full validation (scan + schema checks), warm, as on every keystroke.
  for (let i = 0; i < 30; i++) validateConf(text, { schema });
  const validation: number[] = [];
  for (let i = 0; i < runs; i++) validation.push(time(() => validateConf(text, { schema })));
  const errors = validateConf(text, { schema }).problems.filter(
    (p) => p.severity === 'error',
  ).length;

  // Completion and hover at every element name and value in the file, each scanning the text as
  // after a keystroke; completion as the server asks for it (documentation comes on resolve).
  const doc = scanXml(text);
  const positions = doc.elements.flatMap((el) => [el.nameOffset + 1, el.startTagEnd]);
  const rounds = 5;
  const completion: number[] = [];
  const hover: number[] = [];
  const perPosition = {
    completion: positions.map(() => [] as number[]),
    hover: positions.map(() => [] as number[]),
  };
  for (let round = 0; round < rounds; round++) {
    for (const [i, pos] of positions.entries()) {
      const c = time(() => completeAt(text, pos, { schema, withDocumentation: false }));
      const h = time(() => hoverAt(text, scanXml(text), pos, { schema }));
      completion.push(c);
      hover.push(h);
      perPosition.completion[i]!.push(c);
      perPosition.hover[i]!.push(h);
    }
  }
  // The typical latency at each position (median of the rounds), so that a pause of the
  // machine (other jobs, a GC) during one sample does not count as the feature's cost.
  const typical = (xs: number[][]): number[] => xs.map(median);

  const memory = await serverMemory(first.path, text);
  const lint = xmllint(file, 30);
  const validationMedian = median(validation);

  const result = {
    measuredAt: new Date().toISOString(),
    machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: os.loadavg().map((x) => round(x, 2)),
    file: path.basename(file),
    fileBytes: Buffer.byteLength(text),
    schema: `${schema.label} (${schema.nodeCount} nodes, ${schema.schema.types.length} types)`,
    errorsInFile: errors,
    validation: {
      medianMs: round(validationMedian),
      p95Ms: round(percentile(validation, 95)),
      runs,
      targetMedianMs: targets.validationMedianMs,
    },
    completion: {
      p95Ms: round(percentile(typical(perPosition.completion), 95)),
      medianMs: round(median(completion)),
      rawP95Ms: round(percentile(completion, 95)),
      positions: positions.length,
      samples: completion.length,
      targetP95Ms: targets.completionP95Ms,
    },
    hover: {
      p95Ms: round(percentile(typical(perPosition.hover), 95)),
      medianMs: round(median(hover)),
      rawP95Ms: round(percentile(hover, 95)),
      positions: positions.length,
      samples: hover.length,
      targetP95Ms: targets.hoverP95Ms,
    },
    latencyNote:
      'p95Ms: 95th percentile over positions of the median of 5 rounds at each position; rawP95Ms: over every single sample, pauses of a loaded machine included',
    schemaLoad: {
      compileFromYangMedianMs: round(median(compileMs), 1),
      fromCacheColdProcessMedianMs: round(median(coldLoads.map((c) => c.viaCache)), 1),
      fromCacheColdProcessCpuMedianMs: round(median(coldLoads.map((c) => c.viaCacheCpu)), 1),
      compactFileColdProcessMedianMs: round(median(coldLoads.map((c) => c.viaFile)), 1),
      compactFileColdProcessCpuMedianMs: round(median(coldLoads.map((c) => c.viaFileCpu)), 1),
      fromCacheWarmMedianMs: round(median(warmLoads), 1),
      compactFileWarmMedianMs: round(median(fileLoads), 1),
      plainJsonParseColdProcessMedianMs: round(median(coldParses.map((c) => c.wall)), 1),
      plainJsonParseColdProcessCpuMedianMs: round(median(coldParses.map((c) => c.cpu)), 1),
      fromCacheToPlainJsonParse: round(
        median(coldLoads.map((c) => c.viaCache)) / median(coldParses.map((c) => c.wall)),
        2,
      ),
      coldProcessRuns: coldLoads.length,
      cacheFileBytes: fs.statSync(first.path).size,
      targetFromCacheMs: targets.schemaLoadFromCacheMs,
      note: 'fromCache = SchemaCache.load: list and stat the YANG files, look the entry up in the manifest, read and parse the schema (descriptions stay unparsed until hover or completion asks), index it; compactFile = the server given the cached file path. ColdProcess = first load in a fresh node process (wall and CPU time); Warm = repeated in one process. plainJsonParse = readFileSync + JSON.parse of the same schema as one plain JSON document, descriptions inline, in a fresh process, interleaved with the loads: the baseline of fromCacheToPlainJsonParse',
    },
    server: {
      rssMbAfterLoadAndValidate: round(memory.rssMb, 1),
      peakRssMb: round(memory.peakMb, 1),
      openToDiagnosticsMs: round(memory.validateMs, 1),
      targetRssMb: targets.serverRssMb,
    },
    xmllint: {
      wallMedianMs: round(lint.wallMedianMs),
      parseMsPerIteration: lint.parseMsPerIteration,
      validationToXmllintWall: round(validationMedian / lint.wallMedianMs),
      validationToXmllintParse:
        lint.parseMsPerIteration !== undefined
          ? round(validationMedian / lint.parseMsPerIteration)
          : null,
      note: 'wall = a whole `xmllint --noout` process; parse = `xmllint --noout --timing --repeat`, 100 parses in one process',
    },
  };
  fs.rmSync(cacheDir, { recursive: true, force: true });

  const outDir = path.join(repoRoot, 'bench', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'ncsconf.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

  const missed: string[] = [];
  if (result.validation.medianMs > targets.validationMedianMs) missed.push('validation median');
  if (result.completion.p95Ms > targets.completionP95Ms) missed.push('completion p95');
  if (result.hover.p95Ms > targets.hoverP95Ms) missed.push('hover p95');
  if (result.schemaLoad.fromCacheColdProcessMedianMs > targets.schemaLoadFromCacheMs)
    missed.push('schema load from cache');
  if (result.server.rssMbAfterLoadAndValidate > targets.serverRssMb) missed.push('server memory');
  if (missed.length > 0) {
    process.stderr.write(`Missed targets: ${missed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

const childAt = process.argv.indexOf('--child-load');
const parseAt = process.argv.indexOf('--child-parse');
if (childAt > 0) void childLoad(process.argv[childAt + 1]!);
else if (parseAt > 0) childParse(process.argv[parseAt + 1]!);
else
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  });
