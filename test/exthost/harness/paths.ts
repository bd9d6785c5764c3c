import * as path from 'node:path';

/** The repository root (this file is test/exthost/harness/paths.ts). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** Where scripts/setup-vscode.sh installs code-server and its Node 24. */
export const vscodeHostDir = path.join(repoRoot, 'test', 'vscode');

/** The workspace the tests open: the sample NSO project the repository ships. */
export const sampleWorkspace = path.join(repoRoot, 'sample');

/** Output of the harness: logs, screenshots, bench results. Git-ignored. */
export const testResultsDir = path.join(repoRoot, 'test-results');
