// One package's build result, as the build-report tests need it.
import type { PackageBuildResult } from '../../src/core/build/runBuild';

export function packageResult(
  name: string,
  status: PackageBuildResult['status'],
  clean = false,
): PackageBuildResult {
  return {
    name,
    dirName: name,
    dir: `/w/packages/${name}`,
    metaDataPath: `/w/packages/${name}/package-meta-data.xml`,
    status,
    clean,
    durationMs: 10,
    diagnostics: [],
  };
}
