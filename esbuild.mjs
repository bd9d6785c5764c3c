// One build for the three entry points: the extension (vscode external), the
// ncs.conf language server and the command-line entry. Minified by default so
// the bundle-size figures in bench/ measure what ships.
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const dev = process.argv.includes('--dev');
const watch = process.argv.includes('--watch');
// `--only cli --out-dir <dir>`: one bundle into a folder of its own, so a test
// can run exactly what ships without rewriting dist/ under a running session.
const argValue = (flag) => {
  const i = process.argv.indexOf(flag);
  return i < 0 ? undefined : process.argv[i + 1];
};
const only = argValue('--only');
const outDir = argValue('--out-dir');

// dockerode's BuildKit session support (gRPC and protobuf, ~400 KB) serves
// only image builds with BuildKit, which NSO Workbench never starts; the
// module is replaced by one that says so if it were ever called.
const noBuildKit = {
  name: 'no-buildkit-session',
  setup(build) {
    build.onResolve({ filter: /^\.\/(session|buildkit)$/ }, (args) =>
      args.importer.includes(`${'node_modules'}/dockerode/`)
        ? { path: args.path, namespace: 'no-buildkit' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'no-buildkit' }, () => ({
      contents:
        "module.exports = function () { throw new Error('BuildKit sessions are not part of NSO Workbench'); };",
      loader: 'js',
    }));
  },
};

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: dev ? 'inline' : false,
  minify: !dev,
  legalComments: 'none',
  logLevel: 'info',
  // ssh2 (pulled in by docker-modem) optionally loads native crypto helpers;
  // they are not shipped, and ssh2 falls back to pure JS without them.
  external: ['cpu-features', './crypto/build/Release/sshcrypto.node'],
  metafile: true,
  plugins: [noBuildKit],
};

const entries = [
  {
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
  },
  // The Docker layer, which the extension requires on first use (see src/extension/dockerModule.ts).
  { entryPoints: ['src/core/docker/index.ts'], outfile: 'dist/docker.js' },
  // The features activation does not need, required on first need (see
  // src/extension/featureTriggers.ts), and the ncs.conf language client,
  // required when an ncs.conf document is open (src/extension/ncsConfTrigger.ts).
  {
    entryPoints: ['src/extension/features.ts'],
    outfile: 'dist/features.js',
    external: ['vscode'],
  },
  {
    entryPoints: ['src/extension/ncsConfClient.ts'],
    outfile: 'dist/ncsconf.js',
    external: ['vscode'],
  },
  { entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js' },
  {
    entryPoints: ['src/cli/cli.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
];

const chosen = entries
  .filter((e) => only === undefined || path.basename(e.outfile, '.js') === only)
  .map((e) => (outDir ? { ...e, outfile: path.join(outDir, path.basename(e.outfile)) } : e));
if (chosen.length === 0) {
  console.error(`esbuild.mjs: no bundle named ${only}`);
  process.exit(2);
}
const contexts = await Promise.all(
  chosen.map((e) =>
    esbuild.context({ ...common, ...e, external: [...common.external, ...(e.external ?? [])] }),
  ),
);
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  for (const c of contexts) {
    const result = await c.rebuild();
    await c.dispose();
    if (result.errors.length > 0) process.exit(1);
  }
}
