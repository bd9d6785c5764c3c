// Moving backup files between the host and /nso/run/backups through Docker's
// archive API, streamed: backups can be gigabytes, so neither side is held in
// memory. A transfer either completes with the size checked or leaves nothing
// half-written under the final name, on either side.

import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough, type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';

import type { DockerClient } from '../docker/client';
import {
  BackupError,
  backupNameProblem,
  backupPath,
  backupsDir,
  formatBytes,
  freeBytes,
  listBackups,
  printable,
  type BackupEntry,
  type RunOptions,
} from './backup';

export interface TransferOptions extends RunOptions {
  /** Bytes moved so far, and the total. */
  readonly onProgress?: (doneBytes: number, totalBytes: number) => void;
}

// ---------------------------------------------------------------------------
// gzip

/**
 * Checks that `file` is a whole gzip stream by decompressing it to nowhere.
 * A backup is a .tar.gz; anything else would fail only in the middle of a
 * restore, when NSO is already stopped.
 */
export async function checkGzipFile(file: string, signal?: AbortSignal): Promise<void> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    if (bytesRead < 2 || head[0] !== 0x1f || head[1] !== 0x8b) {
      throw new BackupError(
        'notGzip',
        `${file} is not a gzip file (an NSO backup is a .backup.gz); it starts with ` +
          `${bytesRead === 0 ? 'nothing: it is empty' : `bytes ${head.subarray(0, bytesRead).toString('hex')}`}.`,
      );
    }
  } finally {
    await handle.close();
  }
  try {
    await pipeline(
      fs.createReadStream(file),
      zlib.createGunzip(),
      new Writable({ write: (_chunk, _enc, done) => done() }),
      { signal },
    );
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new BackupError(
      'notGzip',
      `${file} is a damaged gzip file (${error instanceof Error ? error.message : String(error)}): ` +
        `it was probably cut short while copied.`,
      undefined,
      { cause: error },
    );
  }
}

// ---------------------------------------------------------------------------
// Streaming tar, one file each way

const block = 512;

function tarHeader(name: string, size: number, type: string, mtime: Date, mode = 0o644): Buffer {
  const header = Buffer.alloc(block);
  header.write(name, 0, 100, 'utf8');
  octal(header, mode, 100, 8);
  octal(header, 0, 108, 8);
  octal(header, 0, 116, 8);
  octal(header, size, 124, 12);
  octal(header, Math.floor(mtime.getTime() / 1000), 136, 12);
  header.write(type, 156, 1, 'latin1');
  header.write('ustar\u000000', 257, 8, 'latin1');
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return header;
}

function octal(buf: Buffer, value: number, offset: number, width: number): void {
  if (value >= 8 ** (width - 1)) throw new Error(`tar field cannot hold ${value}`);
  buf.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, offset, width, 'latin1');
}

/** PAX record carrying a name longer than ustar's 100 bytes, or not ASCII. */
function paxHeader(name: string, mtime: Date): Buffer {
  const body = ` path=${name}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) {
    length = String(length).length + Buffer.byteLength(body);
  }
  const record = Buffer.from(`${length}${body}`);
  return Buffer.concat([tarHeader('PaxHeader', record.length, 'x', mtime), pad(record)]);
}

function pad(content: Buffer): Buffer {
  const rest = content.length % block;
  return rest === 0 ? content : Buffer.concat([content, Buffer.alloc(block - rest)]);
}

/** A tar stream holding one regular file whose content comes from `content`. */
export function tarStreamOfFile(
  name: string,
  size: number,
  content: Readable,
  mtime = new Date(),
): Readable {
  const out = new PassThrough();
  void (async () => {
    try {
      const plainName = Buffer.byteLength(name) <= 100 && !/[^\u0020-\u007e]/.test(name);
      if (!plainName) out.write(paxHeader(name, mtime));
      out.write(tarHeader(plainName ? name : 'file', size, '0', mtime));
      let sent = 0;
      for await (const chunk of content) {
        const buf = chunk as Buffer;
        sent += buf.length;
        if (sent > size)
          throw new Error(`the file grew while it was read (${sent} > ${size} bytes)`);
        if (!out.write(buf)) await once(out, 'drain');
      }
      if (sent !== size)
        throw new Error(`the file changed while it was read (${sent} of ${size} bytes)`);
      const rest = size % block;
      out.end(Buffer.alloc((rest === 0 ? 0 : block - rest) + 2 * block));
    } catch (error) {
      out.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();
  return out;
}

interface ExtractedFile {
  readonly name: string;
  readonly size: number;
  readonly written: number;
}

/**
 * Reads a tar stream that holds one regular file (what Docker's archive API
 * returns for a file) and writes that file's content to `sink`, which it ends.
 */
export async function extractOneFile(
  archive: Readable,
  sink: Writable,
  onBytes?: (written: number) => void,
): Promise<ExtractedFile> {
  let pending: Buffer = Buffer.alloc(0);
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let meta: { type: string; size: number; left: number; chunks: Buffer[] } | undefined;
  let file: { name: string; size: number } | undefined;
  let remaining = 0;
  let written = 0;

  reading: for await (const chunk of archive) {
    pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    while (pending.length > 0) {
      if (file !== undefined) {
        const take = Math.min(remaining, pending.length);
        const piece = pending.subarray(0, take);
        pending = pending.subarray(take);
        remaining -= take;
        written += take;
        if (!sink.write(piece)) await once(sink, 'drain');
        onBytes?.(written);
        if (remaining === 0) break reading;
        continue;
      }
      if (meta !== undefined) {
        const take = Math.min(meta.left, pending.length);
        meta.chunks.push(pending.subarray(0, take));
        pending = pending.subarray(take);
        meta.left -= take;
        if (meta.left === 0) {
          const content = Buffer.concat(meta.chunks).subarray(0, meta.size);
          if (meta.type === 'x') pax = parsePax(content);
          if (meta.type === 'L') longName = cString(content);
          meta = undefined;
        }
        continue;
      }
      if (pending.length < block) break;
      const header = pending.subarray(0, block);
      pending = pending.subarray(block);
      if (header.every((b) => b === 0)) break reading;
      const size = parseInt(cString(header.subarray(124, 136)).trim() || '0', 8);
      const type = String.fromCharCode(header[156] ?? 0);
      if (type === 'x' || type === 'g' || type === 'L') {
        const left = size + padding(size);
        if (left > 0) meta = { type, size, left, chunks: [] };
        continue;
      }
      const name = pax.path ?? longName ?? cString(header.subarray(0, 100));
      if (type !== '0' && type !== '\u0000' && type !== '7') {
        throw new BackupError('notFound', `${name} is not a regular file in the container`);
      }
      file = { name, size };
      remaining = size;
      if (size === 0) break reading;
    }
  }
  archive.destroy();
  if (file === undefined) throw new Error('the archive from Docker held no file');
  sink.end();
  if (!sink.writableFinished) await once(sink, 'finish');
  return { name: file.name, size: file.size, written };
}

function padding(size: number): number {
  const rest = size % block;
  return rest === 0 ? 0 : block - rest;
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8');
}

function parsePax(content: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let offset = 0;
  while (offset < content.length) {
    const space = content.indexOf(0x20, offset);
    if (space < 0) break;
    const length = parseInt(content.subarray(offset, space).toString('latin1'), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = content.subarray(space + 1, offset + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1);
    offset += length;
  }
  return records;
}

// ---------------------------------------------------------------------------
// Download and import

export interface DownloadResult {
  readonly entry: BackupEntry;
  readonly file: string;
  readonly sizeBytes: number;
}

/**
 * Copies one backup to `hostDir`. The file is written under a temporary name
 * and appears under its own name only once its size matches the container's;
 * an existing file of that name is never replaced.
 */
export async function downloadBackup(
  docker: DockerClient,
  container: string,
  name: string,
  hostDir: string,
  options: TransferOptions = {},
): Promise<DownloadResult> {
  const source = backupPath(name);
  const entry = (await listBackups(docker, container, options)).find((e) => e.name === name);
  if (entry === undefined) {
    throw new BackupError('notFound', `There is no ${printable(name)} in ${backupsDir}`);
  }
  const target = path.join(hostDir, name);
  if (fs.existsSync(target)) {
    throw new BackupError('exists', `${target} already exists; it was left as it is.`);
  }
  await fs.promises.mkdir(hostDir, { recursive: true });
  const partial = path.join(hostDir, `.${name}.${process.pid}.download`);

  try {
    const archive = await docker.getArchive(container, source, { signal: options.signal });
    const sink = fs.createWriteStream(partial, { flags: 'wx' });
    const extracted = await extractOneFile(archive, sink, (written) =>
      options.onProgress?.(written, entry.sizeBytes),
    );
    const onDisk = (await fs.promises.stat(partial)).size;
    if (extracted.written !== extracted.size || onDisk !== entry.sizeBytes) {
      throw new BackupError(
        'sizeMismatch',
        `The copy of ${name} has ${onDisk} bytes, the container's file ${entry.sizeBytes}: the ` +
          `download was incomplete (the file may have changed meanwhile). Nothing was kept; try again.`,
      );
    }
    // link() refuses an existing target, so a file that appeared meanwhile is not replaced.
    await fs.promises.link(partial, target);
    return { entry, file: target, sizeBytes: onDisk };
  } catch (error) {
    if (isExists(error)) {
      throw new BackupError('exists', `${target} already exists; it was left as it is.`);
    }
    if (isNoSpace(error)) {
      throw new BackupError(
        'diskFull',
        `The host disk holding ${hostDir} is full: ${name} (${formatBytes(entry.sizeBytes)}) ` +
          `could not be written. Nothing was kept.`,
      );
    }
    throw error;
  } finally {
    await fs.promises.rm(partial, { force: true });
  }
}

export interface ImportResult {
  readonly entry: BackupEntry;
}

/**
 * Copies a backup file from the host into /nso/run/backups under its own
 * name. It must be a whole gzip file and the name must be free; it travels
 * under a temporary name and is renamed once complete.
 */
export async function importBackup(
  docker: DockerClient,
  container: string,
  hostFile: string,
  options: TransferOptions = {},
): Promise<ImportResult> {
  const name = path.basename(hostFile);
  const problem = backupNameProblem(name);
  if (problem !== undefined) {
    throw new BackupError(
      'badName',
      `Cannot import ${hostFile}: ${problem}. Rename the file first.`,
    );
  }
  const stat = await fs.promises.stat(hostFile);
  if (!stat.isFile()) throw new BackupError('notFound', `${hostFile} is not a file`);
  await checkGzipFile(hostFile, options.signal);

  const existing = await listBackups(docker, container, options);
  if (existing.some((e) => e.name === name)) {
    throw new BackupError(
      'exists',
      `${backupsDir} already holds a file named ${name}; it was left as it is. Rename the file ` +
        `to import it as well.`,
    );
  }
  const free = await freeBytes(docker, container, backupsDir, options);
  if (free !== undefined && free < stat.size + 1024 * 1024) {
    throw new BackupError(
      'diskFull',
      `Not enough space for ${name} (${formatBytes(stat.size)}): the disk holding ` +
        `${backupsDir} has ${formatBytes(free)} free. Nothing was copied.`,
    );
  }

  const mkdir = await docker.exec(container, ['mkdir', '-p', backupsDir], {
    user: '0',
    signal: options.signal,
  });
  if (mkdir.exitCode !== 0) {
    throw new BackupError('docker', `Could not create ${backupsDir}: ${mkdir.stderr.trim()}`);
  }

  const temporary = `.${name}.importing`;
  const tempPath = `${backupsDir}/${temporary}`;
  const final = backupPath(name);
  try {
    let sent = 0;
    const content = fs.createReadStream(hostFile);
    content.on('data', (chunk) => {
      sent += (chunk as Buffer).length;
      options.onProgress?.(sent, stat.size);
    });
    await docker.putArchive(
      container,
      backupsDir,
      tarStreamOfFile(temporary, stat.size, content, stat.mtime),
      { signal: options.signal, timeoutMs: 0 },
    );
    const copied = (await listBackups(docker, container, options)).find(
      (e) => e.name === temporary,
    );
    if (copied?.sizeBytes !== stat.size) {
      const after = await freeBytes(docker, container, backupsDir, options);
      throw new BackupError(
        after !== undefined && after < 4 * 1024 * 1024 ? 'diskFull' : 'sizeMismatch',
        `The copy of ${name} in the container has ${copied?.sizeBytes ?? 0} of ${stat.size} bytes` +
          (after !== undefined ? ` (${formatBytes(after)} free there)` : '') +
          `; it was removed. Nothing else changed.`,
      );
    }
    // `mv -n` never replaces: a file of that name that appeared meanwhile stays.
    await docker.exec(container, ['mv', '-n', '--', tempPath, final], {
      user: '0',
      signal: options.signal,
    });
    const entry = (await listBackups(docker, container, options)).find((e) => e.name === name);
    if (entry?.sizeBytes !== stat.size) {
      throw new BackupError(
        'exists',
        `${backupsDir}/${name} appeared while importing; it was left as it is.`,
      );
    }
    return { entry };
  } finally {
    await docker
      .exec(container, ['rm', '-f', '--', tempPath], { user: '0' })
      .catch(() => undefined);
  }
}

function isExists(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EEXIST';
}

function isNoSpace(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOSPC';
}
