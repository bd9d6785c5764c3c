// Which YANG modules a package's sources hold, for the build tests that break
// one of them on purpose.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The .yang file names in the package's src/yang, sorted; none when that folder is missing. */
export function yangFileNames(pkgDir: string): string[] {
  const dir = path.join(pkgDir, 'src', 'yang');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yang'))
    .sort();
}
