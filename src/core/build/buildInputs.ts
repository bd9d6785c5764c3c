// What a build covers beyond what NSO loads: the seed's loop builds every
// packages/*/src, including NED packages whose package-meta-data.xml is made
// by their own build from src/package-meta-data.xml.in. Such a package is
// built too; its generated package-meta-data.xml is an output, not an input.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { containerPackagesDir } from '../nso/buildContainer';
import type { WorkspacePackage } from '../packages/discovery';
import { hashPackageInputs } from '../packages/inputHash';
import { parsePackageMetaData } from '../packages/packageMetaData';

const generatedMetaDataSource = path.join('src', 'package-meta-data.xml.in');

/**
 * Folders under the packages folder that discovery did not list (no
 * package-meta-data.xml yet) but that have a src/Makefile: the package's name
 * comes from src/package-meta-data.xml.in, or is the folder's name.
 */
export async function packagesWithoutMetaData(
  packagesDir: string,
  known: ReadonlySet<string>,
): Promise<WorkspacePackage[]> {
  let entries: string[];
  try {
    entries = (await fs.readdir(packagesDir, { withFileTypes: true }))
      .filter((e) => e.isDirectory() || e.isSymbolicLink())
      .map((e) => e.name);
  } catch {
    return [];
  }
  const found: WorkspacePackage[] = [];
  for (const dirName of entries.sort()) {
    if (known.has(dirName)) continue;
    const dir = path.join(packagesDir, dirName);
    if (await exists(path.join(dir, 'package-meta-data.xml'))) continue; // discovery reported it
    if (!(await exists(path.join(dir, 'src', 'Makefile')))) continue;
    const template = path.join(dir, generatedMetaDataSource);
    let name = dirName;
    let metaData: WorkspacePackage['metaData'] = {
      name,
      ncsMinVersion: [],
      requiredPackages: [],
      components: [],
    };
    const text = await fs.readFile(template, 'utf8').catch(() => undefined);
    const parsed = text === undefined ? undefined : parsePackageMetaData(text);
    if (parsed?.ok) {
      metaData = parsed.metaData;
      name = parsed.metaData.name;
    }
    found.push({
      name,
      dirName,
      dir,
      metaDataPath: text === undefined ? path.join(dir, 'src', 'Makefile') : template,
      metaData,
      kinds: {
        python: await exists(path.join(dir, 'python')),
        java: await exists(path.join(dir, 'src', 'java')),
        yang: await exists(path.join(dir, 'src', 'yang')),
        templates: await exists(path.join(dir, 'templates')),
        ned: metaData.components.some((c) => c.kind === 'ned'),
      },
    });
  }
  return found;
}

/**
 * The hash of a package's build inputs; package-meta-data.xml is left out
 * when the build makes it from src/package-meta-data.xml.in.
 */
export async function packageInputHash(dir: string): Promise<string> {
  const { files } = await hashPackageInputs(dir);
  if (files.has('src/package-meta-data.xml.in')) files.delete('package-meta-data.xml');
  const total = createHash('sha256');
  for (const k of [...files.keys()].sort()) total.update(`${k}\0${files.get(k)}\n`);
  return total.digest('hex');
}

/**
 * Why the build container cannot reach a package folder, or undefined when it
 * can. The container mounts only the packages folder, at /nso/run/packages; a
 * package folder that is a symbolic link (as `ncs-setup --package` makes)
 * works on the host but points nowhere in the container when its target lies
 * outside the packages folder or is written as an absolute host path.
 */
export async function unreachableInContainer(
  packagesDir: string,
  packageDir: string,
): Promise<string | undefined> {
  let link: string;
  try {
    link = await fs.readlink(packageDir);
  } catch {
    return undefined; // not a link: a folder in the packages folder
  }
  const realPackages = await fs.realpath(packagesDir).catch(() => packagesDir);
  const realTarget = await fs.realpath(packageDir).catch(() => path.resolve(packagesDir, link));
  const inside = (p: string, root: string): boolean => p.startsWith(`${root}${path.sep}`);
  const lexical = path.resolve(path.dirname(packageDir), link);
  if (!path.isAbsolute(link) && inside(lexical, packagesDir) && inside(realTarget, realPackages)) {
    return undefined;
  }
  const name = path.basename(packageDir);
  const why = path.isAbsolute(link)
    ? `an absolute path the build container does not have`
    : `outside the packages folder`;
  return `${name} is a symbolic link to ${link} (${realTarget}), ${why}: the build container mounts only ${packagesDir} (at ${containerPackagesDir}), so make cannot reach the package there, nor can NSO load it. Move or copy the package into the packages folder (a relative link to a folder inside it works too), or point nso.packagesPath at the folder that holds the packages themselves.`;
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.stat(p);
    return true;
  } catch {
    return false;
  }
}
