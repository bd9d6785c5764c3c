// The ncs.conf schema (tailf-ncs-config.yang and the modules it imports) read
// out of the user's own NSO image. NSO is never started: a created container
// is enough for Docker's archive API, and reading archives needs no exec.

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

/** The image holds no tailf-ncs-config.yang: the user must name the YANG folder instead. */
export class SchemaNotInImageError extends Error {
  constructor(
    readonly image: string,
    readonly searched: string,
  ) {
    super(
      `no ${ncsConfigYangFile} in image ${image} (searched ${searched}): set nso.ncsConf.schemaPath`,
    );
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
  const srcDir = path.posix.join(ncsDir, 'src', 'ncs');
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
    let entries;
    try {
      entries = readTar(await readStream(await docker.getArchive(id, srcDir, call)));
    } catch (err) {
      if (isDockerError(err, 'notFound')) throw new SchemaNotInImageError(options.image, srcDir);
      throw err;
    }
    // Docker names entries after the last path element: `ncs/...`.
    const prefix = `${path.posix.basename(srcDir)}/`;
    const yang = entries
      .filter((e) => e.type === 'file' && e.name.endsWith('.yang') && e.name.startsWith(prefix))
      .map((e) => ({ rel: e.name.slice(prefix.length), content: e.content }));
    const root = yang.find((e) => path.posix.basename(e.rel) === ncsConfigYangFile);
    if (!root) throw new SchemaNotInImageError(options.image, srcDir);
    const rootFolder = path.posix.dirname(root.rel);
    const wanted = yang.filter((e) => {
      const folder = path.posix.dirname(e.rel);
      return (
        folder === rootFolder ||
        moduleFolders.some((m) => folder === m || folder.startsWith(`${m}/`))
      );
    });

    const nsoVersion =
      versionFromTag(splitRef(options.image).tag) ??
      (await readVersionFile(docker, id, ncsDir, call)) ??
      'unknown';
    const dir = path.join(options.storageDir, sanitize(nsoVersion));
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
      origin: `image ${options.image}`,
    };
  } finally {
    await docker.removeContainer(id, { force: true, volumes: true }).catch(() => undefined);
  }
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
