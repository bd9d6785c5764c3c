// The ncs.conf schema (tailf-ncs-config.yang and the modules it imports) read
// out of the user's own NSO image, or out of a production container that
// already exists (running or not). NSO is never started for it: a created
// container is enough for Docker's archive API, and reading archives needs no
// exec.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import type { CallOptions, DockerClient, Labels } from '../docker/client';
import { isDockerError } from '../docker/errors';
import { readTar } from '../docker/tar';
import { splitRef, versionFromTag } from './images';

export const ncsConfigYangFile = 'tailf-ncs-config.yang';
const defaultNcsDir = '/opt/ncs/current';
/** Folders of $NCS_DIR/src/ncs where NSO keeps the modules tailf-ncs-config imports. */
const moduleFolders = ['yang', 'ncs_config'];

export interface ImageSchemaOptions extends CallOptions {
  /** The image to read, e.g. `cisco-nso-prod:6.4`. */
  image: string;
  /** Root of the schema cache (the extension's global storage); files go to `<root>/<version>/`. */
  storageDir: string;
  /** Name of the short-lived container (default: derived from the time). */
  containerName?: string;
  labels?: Labels;
}

export interface ImageSchema {
  /** The folder holding the copied YANG files: give it to the server as a yang dir. */
  dir: string;
  nsoVersion: string;
  /** Where tailf-ncs-config.yang was in the image. */
  sourcePath: string;
  /** Files copied, relative to `dir`. */
  files: string[];
  origin: string;
}

export interface ContainerSchemaOptions extends CallOptions {
  /** The container to read (id or name), e.g. the workspace's production container. */
  container: string;
  /** As for an image: files go to `<storageDir>/<version>/`. */
  storageDir: string;
}

/** The image (or container) holds no tailf-ncs-config.yang: the user must name the YANG folder instead. */
export class SchemaNotInImageError extends Error {
  /** @param where `image <ref>` or `container <name>`. */
  constructor(
    readonly image: string,
    readonly searched: string,
    where = `image ${image}`,
  ) {
    super(`no ${ncsConfigYangFile} in ${where} (searched ${searched}): set nso.ncsConf.schemaPath`);
    this.name = 'SchemaNotInImageError';
  }
}

/**
 * Creates (never starts) a container from the image, finds tailf-ncs-config.yang
 * under `$NCS_DIR/src/ncs`, copies the YANG files of its folder and of the
 * folders NSO keeps its imports in to `<storageDir>/<version>/`, and removes
 * the container again whatever happens.
 */
export async function copySchemaFromImage(
  docker: DockerClient,
  options: ImageSchemaOptions,
): Promise<ImageSchema> {
  const call: CallOptions = options.signal ? { signal: options.signal } : {};
  const details = await docker.inspectImage(options.image, call);
  const ncsDir = details.env.NCS_DIR || defaultNcsDir;
  const name =
    options.containerName ?? `nsowb-schema-${Date.now().toString(36)}-${process.pid.toString(36)}`;
  const id = await docker.createContainer(
    {
      image: options.image,
      name,
      // The command never runs; a harmless one avoids depending on the entrypoint.
      entrypoint: ['/bin/true'],
      cmd: [],
      networkMode: 'none',
      ...(options.labels ? { labels: options.labels } : {}),
    },
    call,
  );
  try {
    return await copySchemaOut(docker, id, {
      ncsDir,
      imageRef: options.image,
      where: `image ${options.image}`,
      storageDir: options.storageDir,
      call,
    });
  } finally {
    await docker.removeContainer(id, { force: true, volumes: true }).catch(() => undefined);
  }
}

/**
 * The same copy out of a container that exists already, such as the running
 * production container: for a container whose image is gone or was built
 * elsewhere, or to be sure the schema is the one that NSO runs with. Reading
 * an archive changes nothing in the container, whatever its state.
 */
export async function copySchemaFromContainer(
  docker: DockerClient,
  options: ContainerSchemaOptions,
): Promise<ImageSchema> {
  const call: CallOptions = options.signal ? { signal: options.signal } : {};
  const details = await docker.inspectContainer(options.container, call);
  const name = details.name.replace(/^\//, '');
  return copySchemaOut(docker, details.id, {
    ncsDir: details.env.NCS_DIR || defaultNcsDir,
    imageRef: details.image,
    where: `container ${name}`,
    storageDir: options.storageDir,
    call,
  });
}

/** Finds tailf-ncs-config.yang under `$NCS_DIR/src/ncs` of a container and copies what it needs. */
async function copySchemaOut(
  docker: DockerClient,
  id: string,
  from: { ncsDir: string; imageRef: string; where: string; storageDir: string; call: CallOptions },
): Promise<ImageSchema> {
  const { ncsDir, call } = from;
  const srcDir = path.posix.join(ncsDir, 'src', 'ncs');
  let entries;
  try {
    entries = readTar(await readStream(await docker.getArchive(id, srcDir, call)));
  } catch (err) {
    if (isDockerError(err, 'notFound'))
      throw new SchemaNotInImageError(from.imageRef, srcDir, from.where);
    throw err;
  }
  // Docker names entries after the last path element: `ncs/...`.
  const prefix = `${path.posix.basename(srcDir)}/`;
  const yang = entries
    .filter((e) => e.type === 'file' && e.name.endsWith('.yang') && e.name.startsWith(prefix))
    .map((e) => ({ rel: e.name.slice(prefix.length), content: e.content }));
  const root = yang.find((e) => path.posix.basename(e.rel) === ncsConfigYangFile);
  if (!root) throw new SchemaNotInImageError(from.imageRef, srcDir, from.where);
  const rootFolder = path.posix.dirname(root.rel);
  const wanted = yang.filter((e) => {
    const folder = path.posix.dirname(e.rel);
    return (
      folder === rootFolder || moduleFolders.some((m) => folder === m || folder.startsWith(`${m}/`))
    );
  });

  const nsoVersion =
    versionFromTag(splitRef(from.imageRef).tag) ??
    (await readVersionFile(docker, id, ncsDir, call)) ??
    'unknown';
  const dir = path.join(from.storageDir, sanitize(nsoVersion));
  // Replace a previous copy whole, so files gone from the image do not linger.
  const staging = `${dir}.tmp-${process.pid}-${Date.now().toString(36)}`;
  await fs.rm(staging, { recursive: true, force: true });
  for (const e of wanted) {
    const target = path.join(staging, ...e.rel.split('/'));
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, e.content);
  }
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(path.dirname(dir), { recursive: true });
  await fs.rename(staging, dir);
  return {
    dir,
    nsoVersion,
    sourcePath: path.posix.join(srcDir, root.rel),
    files: wanted.map((e) => e.rel).sort(),
    origin: from.where,
  };
}

async function readVersionFile(
  docker: DockerClient,
  container: string,
  ncsDir: string,
  call: CallOptions,
): Promise<string | undefined> {
  try {
    const text = await docker.readTextFile(container, path.posix.join(ncsDir, 'VERSION'), call);
    return /\d+\.\d+(?:\.\d+)*/.exec(text)?.[0];
  } catch {
    return undefined;
  }
}

function sanitize(version: string): string {
  return version.replace(/[^A-Za-z0-9._-]/g, '_');
}

async function readStream(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}
