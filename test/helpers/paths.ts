import * as fs from 'node:fs';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');

/**
 * The shared corpus of real public NSO material lives beside the repo. Tests
 * that read it name what they read; when it is missing they fail with a
 * message rather than skip, so a green run always means the corpus was checked.
 */
export function corpusPath(...parts: string[]): string {
  const root = process.env.NSO_CORPUS_DIR ?? path.resolve(repoRoot, '..', 'shared', 'corpus');
  if (!fs.existsSync(root)) {
    throw new Error(
      `The shared corpus is not at ${root}: clone the project beside shared/ or set NSO_CORPUS_DIR.`,
    );
  }
  return path.join(root, ...parts);
}
