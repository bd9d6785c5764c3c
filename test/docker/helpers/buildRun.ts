// What the package-build suites share: the simulator build image, read by id
// once, a scratch folder for their workspaces, the label on the build
// containers they start, and at the end the removal of every build container
// of those workspaces, whatever started it (runBuild or the CLI).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { MemoryBuildStateStore } from '../../../src/core/build/buildState';
import type { BuildEnvironment } from '../../../src/core/build/runBuild';
import { createDockerClient } from '../../../src/core/docker';

export const buildImageTag = 'nso-sim/cisco-nso-build:6.4.1';

export class BuildTestRun {
  readonly docker = createDockerClient();
  readonly scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-buildtest-'));
  readonly runLabel = { 'nsowb-buildtest.run': `${process.pid}` };
  /**
   * The image by id once resolveImage() has read it: other work on this
   * machine may rebuild the tag meanwhile, and a new image id rightly means
   * "rebuild everything".
   */
  image = buildImageTag;

  async resolveImage(): Promise<void> {
    try {
      this.image = (await this.docker.inspectImage(buildImageTag)).id;
    } catch {
      throw new Error(
        `The image ${buildImageTag} is missing: build it with \`bash images/build.sh\`.`,
      );
    }
  }

  /** A workspace folder's build environment: this run's image and label, a fresh state store unless given. */
  readonly env = (
    workspaceFolder: string,
    extra: Partial<BuildEnvironment> = {},
  ): BuildEnvironment => ({
    docker: this.docker,
    workspaceFolder,
    buildImage: this.image,
    store: extra.store ?? new MemoryBuildStateStore(),
    parallelism: 2,
    containerLabels: this.runLabel,
    containerNamePrefix: 'nsowb-buildtest-',
    ...extra,
  });

  /** Removes the build containers of this run's workspaces, then the scratch folder. */
  async cleanUp(): Promise<void> {
    const builds = await this.docker.listContainers({
      all: true,
      labels: { 'org.nso-workbench.role': 'build' },
    });
    for (const c of builds) {
      const ws = c.labels['org.nso-workbench.workspace'] ?? '';
      if (ws.startsWith(`${this.scratch}${path.sep}`)) {
        await this.docker.removeContainer(c.id, { force: true });
      }
    }
    fs.rmSync(this.scratch, { recursive: true, force: true });
  }
}
