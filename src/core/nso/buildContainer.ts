// The build container: one long-lived container per workspace folder, made
// from the NSO build (development) image, with the folder's packages
// bind-mounted where NSO's load path is. Builds run in it with `docker exec`,
// so the JVM, ncsc and make start in a warm container instead of a new one
// per build. It is recreated when its image or its mount no longer match.
import * as path from 'node:path';

import type { ContainerDetails, DockerClient, Labels } from '../docker/client';
import { isDockerError } from '../docker/errors';
import {
  nsoImageCandidates,
  splitRef,
  versionFromTag,
  versionsCompatible,
  type ImageRole,
  type LocalImage,
} from './images';
import { workbenchFilter, workbenchLabels, workspaceContainerName } from './labels';

/** Where NSO (and so the build) sees the packages in both images. */
export const containerPackagesDir = '/nso/run/packages';

/** More labels of the build container, beside its role and workspace (labels.ts). */
export const packagesDirLabel = 'org.nso-workbench.packages-dir';
export const imageIdLabel = 'org.nso-workbench.build-image-id';

/**
 * The build image's default command may exit at once (it is meant for `make`,
 * not for running), so the container runs this instead: it idles until
 * stopped, and stops promptly on `docker stop`.
 */
const keepAliveScript = "trap 'exit 0' TERM INT; while :; do sleep 86400 & wait $!; done";

export interface NsoImage {
  /** The reference used to create containers, e.g. `cisco-nso-build:6.4.1`. */
  ref: string;
  /** The engine's image id (`sha256:…`): what "the image changed" is judged by. */
  id: string;
  /** NSO version from the tag, when the tag is a version. */
  version?: string;
}

export type ImageChoice =
  | { ok: true; image: NsoImage }
  | {
      ok: false;
      /** `none`: no image with the role's Cisco names; `missing`: the configured one is not loaded. */
      reason: 'none' | 'missing';
      message: string;
    };

/**
 * The image for a role: the configured reference when there is one (it must be
 * loaded), else the best local image with Cisco's names for the role.
 * `origin` says where the reference came from when not from the setting (the
 * command line's `--image`), for the message when it is not loaded.
 */
export async function chooseNsoImage(
  docker: DockerClient,
  role: ImageRole,
  configured: string | undefined,
  signal?: AbortSignal,
  origin?: string,
): Promise<ImageChoice> {
  const what = role === 'build' ? 'NSO build image' : 'NSO production image';
  const ref = configured?.trim();
  if (ref) {
    try {
      const details = await docker.inspectImage(ref, { signal });
      const tags = [ref, ...details.repoTags];
      const version = tags.map((t) => versionFromTag(splitRef(t).tag)).find((v) => v);
      return { ok: true, image: { ref, id: details.id, ...(version ? { version } : {}) } };
    } catch (err) {
      if (!isDockerError(err, 'notFound')) throw err;
      const setting = role === 'build' ? 'nso.buildImage' : 'nso.prodImage';
      const named = origin ?? `setting ${setting}`;
      const instead = origin ? `leave out ${origin}` : 'clear the setting';
      return {
        ok: false,
        reason: 'missing',
        message: `The ${what} ${ref} (${named}) is not loaded in Docker at ${docker.endpoint.description}: load it with \`docker load -i <file>.tar.gz\`, or ${instead} to use the newest local image.`,
      };
    }
  }

  const images = await docker.listImages({}, { signal });
  const local: LocalImage[] = images.map((i) => ({
    id: i.id,
    repoTags: [...i.repoTags],
    created: Math.floor(i.createdAt.getTime() / 1000),
  }));
  const best = nsoImageCandidates(local, role)[0];
  if (!best) {
    const names = role === 'build' ? 'cisco-nso-build or cisco-nso-dev' : 'cisco-nso-prod';
    return {
      ok: false,
      reason: 'none',
      message: `No ${what} is loaded in Docker at ${docker.endpoint.description}: NSO Workbench looks for images named ${names}. Load one from Cisco's image file, or name yours in the setting ${role === 'build' ? 'nso.buildImage' : 'nso.prodImage'}.`,
    };
  }
  return {
    ok: true,
    image: { ref: best.ref, id: best.id, ...(best.version ? { version: best.version } : {}) },
  };
}

/**
 * A warning when the build image compiles for another NSO version than the
 * production image runs; undefined when they match or a version is unknown.
 */
export function versionMismatchWarning(build: NsoImage, prod: NsoImage): string | undefined {
  if (!build.version || !prod.version || build.version === prod.version) return undefined;
  if (versionsCompatible(build.version, prod.version)) {
    return `The build image ${build.ref} is NSO ${build.version} and the production image ${prod.ref} is NSO ${prod.version}: the same minor version, so the packages load, but building with the matching image avoids surprises.`;
  }
  return `The build image ${build.ref} is NSO ${build.version} but the production image ${prod.ref} is NSO ${prod.version}: packages must be compiled with the NSO version that runs them. Set nso.buildImage to a ${prod.version} build image, or load one.`;
}

/** Instructions for Cisco's self-extracting image files, which we never run for the user. */
export const signedBinInstructions = [
  'Cisco delivers the NSO images as signed self-extracting files, e.g. nso-6.4.container-image-build.linux.x86_64.signed.bin (and …-prod… for production). NSO Workbench never runs them for you. In a terminal, in the folder that holds the file:',
  '',
  '  sh nso-<version>.container-image-build.linux.<arch>.signed.bin',
  '',
  "It checks Cisco's signature and extracts nso-<version>.container-image-build.linux.<arch>.tar.gz. Then load that archive (Load NSO Image from File… in VS Code, or `docker load -i <file>.tar.gz`). Loading the production image the same way lets NSO Workbench check that both images run the same NSO version.",
].join('\n');

// ---------------------------------------------------------------------------

export interface BuildContainerSpec {
  /** The workspace folder the container serves (absolute host path): its identity label. */
  workspaceFolder: string;
  /** The host folder bind-mounted at /nso/run/packages. */
  packagesDir: string;
  image: NsoImage;
  /** Extra labels (tests mark their containers this way). */
  labels?: Labels;
  /** Prefix of the container name; the rest is the folder's name and a hash of its path. */
  namePrefix?: string;
}

export interface BuildContainer {
  id: string;
  name: string;
  /** Why it was (re)created, or undefined when an existing one was reused. */
  created?: string;
}

/** The name a workspace folder's build container gets: readable and unique per path. */
export function buildContainerName(workspaceFolder: string, prefix = 'nso-build-'): string {
  return workspaceContainerName(workspaceFolder, prefix);
}

/** Finds the workspace folder's build containers (normally one). */
export async function findBuildContainers(
  docker: DockerClient,
  workspaceFolder: string,
  signal?: AbortSignal,
): Promise<{ id: string; name: string }[]> {
  const found = await docker.listContainers(
    { all: true, labels: workbenchFilter('build', workspaceFolder) },
    { signal },
  );
  return found.map((c) => ({ id: c.id, name: c.name }));
}

/** Why an existing container cannot serve the spec, or undefined when it can. */
function mismatch(details: ContainerDetails, spec: BuildContainerSpec): string | undefined {
  if (details.imageId !== spec.image.id) {
    return `its image changed (now ${spec.image.ref})`;
  }
  const mount = details.mounts.find((m) => m.destination === containerPackagesDir);
  const wanted = path.resolve(spec.packagesDir);
  const source = mount?.source ?? details.labels[packagesDirLabel];
  // Engines on other machines report their own view of the path; our label says what we asked for.
  if (source !== wanted && details.labels[packagesDirLabel] !== wanted) {
    return `its packages folder changed (now ${wanted})`;
  }
  if (!mount) return `it has no mount at ${containerPackagesDir}`;
  return undefined;
}

/**
 * The workspace folder's build container, running: reused when its image and
 * mount still match, recreated when not, created when there is none.
 */
export async function ensureBuildContainer(
  docker: DockerClient,
  spec: BuildContainerSpec,
  signal?: AbortSignal,
): Promise<BuildContainer> {
  const existing = await findBuildContainers(docker, spec.workspaceFolder, signal);
  let reason: string | undefined = 'there was none';
  let keep: { id: string; name: string } | undefined;

  for (const c of existing) {
    let details: ContainerDetails;
    try {
      details = await docker.inspectContainer(c.id, { signal });
    } catch (err) {
      if (isDockerError(err, 'notFound')) continue; // removed meanwhile
      throw err;
    }
    const unusable = ['paused', 'removing', 'dead', 'restarting'].includes(details.state.status);
    const why =
      keep !== undefined
        ? 'a duplicate'
        : (mismatch(details, spec) ?? (unusable ? `it was ${details.state.status}` : undefined));
    if (why === undefined) {
      keep = c;
      if (!details.state.running) await docker.startContainer(c.id, { signal });
      continue;
    }
    if (keep === undefined) reason = why;
    await docker.removeContainer(c.id, { force: true, signal });
  }
  if (keep) return keep;

  const name = buildContainerName(spec.workspaceFolder, spec.namePrefix);
  const create = (): Promise<string> =>
    docker.createContainer(
      {
        image: spec.image.ref,
        name,
        hostname: 'nso-build',
        labels: {
          ...spec.labels,
          ...workbenchLabels('build', spec.workspaceFolder),
          [packagesDirLabel]: path.resolve(spec.packagesDir),
          [imageIdLabel]: spec.image.id,
        },
        entrypoint: ['sh', '-c', keepAliveScript, 'nso-build-container'],
        cmd: [],
        binds: [{ source: path.resolve(spec.packagesDir), target: containerPackagesDir }],
        networkMode: 'none',
        // Reaps the processes a cancelled build leaves behind.
        init: true,
        healthcheck: { test: ['NONE'] },
        stopTimeoutSeconds: 2,
      },
      { signal },
    );

  let id: string;
  try {
    id = await create();
  } catch (err) {
    if (!isDockerError(err, 'conflict')) throw err;
    // The name is taken: by a leftover without our labels (say so), or by a
    // container another window created a moment ago (use it).
    const again = await findBuildContainers(docker, spec.workspaceFolder, signal);
    if (again.length > 0) return ensureBuildContainer(docker, spec, signal);
    throw new Error(
      `A container named ${name} exists but is not this workspace's build container: remove it (docker rm -f ${name}) and build again.`,
    );
  }
  await docker.startContainer(id, { signal });
  return { id, name, created: reason };
}

/** Removes the workspace folder's build containers; resolves to how many there were. */
export async function removeBuildContainers(
  docker: DockerClient,
  workspaceFolder: string,
  signal?: AbortSignal,
): Promise<number> {
  const found = await findBuildContainers(docker, workspaceFolder, signal);
  for (const c of found) await docker.removeContainer(c.id, { force: true, signal });
  return found.length;
}

/** The NSO version the build container's ncsc reports (for images tagged without a version). */
export async function ncscVersion(
  docker: DockerClient,
  container: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const r = await docker.exec(container, ['bash', '-lc', 'ncsc --version'], {
    signal,
    timeoutMs: 30_000,
  });
  if (r.exitCode !== 0) return undefined;
  return /(\d+\.\d+(?:\.\d+)*)/.exec(r.stdout)?.[1];
}
