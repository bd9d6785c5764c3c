// Finding the NSO packages of a workspace folder: every
// <packagesPath>/<dir>/package-meta-data.xml, as NSO's load path sees them.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  parsePackageMetaData,
  type PackageMetaData,
  type MetaDataProblem,
} from './packageMetaData';

export interface PackageKinds {
  python: boolean;
  java: boolean;
  yang: boolean;
  templates: boolean;
  ned: boolean;
}

export interface WorkspacePackage {
  /** The package's name from package-meta-data.xml (may differ from its folder name). */
  name: string;
  /** Folder name under the packages folder: what /nso/run/packages/<dirName> is in a container. */
  dirName: string;
  /** Absolute host path of the package folder. */
  dir: string;
  metaDataPath: string;
  metaData: PackageMetaData;
  kinds: PackageKinds;
}

export interface DiscoveryProblem extends MetaDataProblem {
  /** Absolute path of the file the problem is in. */
  file: string;
}

export interface DiscoveryResult {
  packagesDir: string;
  /** False when the packages folder does not exist. */
  exists: boolean;
  packages: WorkspacePackage[];
  problems: DiscoveryProblem[];
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function hasFile(dir: string, test: (name: string) => boolean): Promise<boolean> {
  try {
    return (await fs.readdir(dir)).some(test);
  } catch {
    return false;
  }
}

async function kindsOf(dir: string, meta: PackageMetaData): Promise<PackageKinds> {
  const [pythonDir, javaDir, yang, templates] = await Promise.all([
    isDir(path.join(dir, 'python')),
    isDir(path.join(dir, 'src', 'java')),
    hasFile(path.join(dir, 'src', 'yang'), (n) => n.endsWith('.yang')),
    hasFile(path.join(dir, 'templates'), (n) => n.endsWith('.xml')),
  ]);
  return {
    python: pythonDir || meta.components.some((c) => c.kind === 'python'),
    java: javaDir || meta.components.some((c) => c.kind === 'java'),
    yang,
    templates,
    ned: meta.components.some((c) => c.kind === 'ned'),
  };
}

/**
 * Lists the packages under `<folder>/<packagesPath>`. A malformed
 * package-meta-data.xml becomes a problem on that file and its package is
 * left out; the others are still returned. Sorted by package name.
 */
export async function discoverPackages(
  folder: string,
  packagesPath = 'packages',
): Promise<DiscoveryResult> {
  const packagesDir = path.resolve(folder, packagesPath);
  let entries: string[];
  try {
    entries = (await fs.readdir(packagesDir, { withFileTypes: true }))
      .filter((e) => e.isDirectory() || e.isSymbolicLink())
      .map((e) => e.name);
  } catch {
    return { packagesDir, exists: false, packages: [], problems: [] };
  }

  const packages: WorkspacePackage[] = [];
  const problems: DiscoveryProblem[] = [];
  await Promise.all(
    entries.map(async (dirName) => {
      const dir = path.join(packagesDir, dirName);
      const metaDataPath = path.join(dir, 'package-meta-data.xml');
      let xml: string;
      try {
        xml = await fs.readFile(metaDataPath, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return; // not a package folder
        problems.push({
          file: metaDataPath,
          line: 1,
          column: 1,
          message: `Cannot read package-meta-data.xml (${code ?? String(err)}): check the file's permissions.`,
        });
        return;
      }
      const parsed = parsePackageMetaData(xml);
      if (!parsed.ok) {
        problems.push({ file: metaDataPath, ...parsed.problem });
        return;
      }
      packages.push({
        name: parsed.metaData.name,
        dirName,
        dir,
        metaDataPath,
        metaData: parsed.metaData,
        kinds: await kindsOf(dir, parsed.metaData),
      });
    }),
  );

  // Two folders declaring the same package name: NSO refuses to load both.
  packages.sort((a, b) => a.dirName.localeCompare(b.dirName));
  const byName = new Map<string, WorkspacePackage[]>();
  for (const p of packages) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  for (const [name, same] of byName) {
    if (same.length < 2) continue;
    for (const p of same.slice(1)) {
      problems.push({
        file: p.metaDataPath,
        line: 1,
        column: 1,
        message: `Package name ${name} is also declared in ${same[0]!.dirName}/: NSO loads only one of them.`,
      });
    }
  }

  packages.sort((a, b) => a.name.localeCompare(b.name));
  problems.sort((a, b) => a.file.localeCompare(b.file));
  return { packagesDir, exists: true, packages, problems };
}

/** A short human label of what a package contains, e.g. "Python, YANG, templates". */
export function describeKinds(k: PackageKinds): string {
  const parts = [
    k.ned && 'NED',
    k.python && 'Python',
    k.java && 'Java',
    k.yang && 'YANG',
    k.templates && 'templates',
  ].filter((x): x is string => typeof x === 'string');
  return parts.length > 0 ? parts.join(', ') : 'no code';
}
