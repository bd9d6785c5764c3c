// Compiles payloads for the extension host with esbuild: each entry becomes one
// CommonJS file with its imports bundled in, except `vscode` (supplied by the
// extension host) and `mocha` (resolved from the repository's node_modules, as
// the output folder sits inside the repository).
import { rmSync } from 'node:fs';
import * as esbuild from 'esbuild';

export async function compilePayload(entryPoints: string[], outdir: string): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outdir,
    entryNames: '[name]',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
}
