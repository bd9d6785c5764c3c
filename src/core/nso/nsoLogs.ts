// NSO's own log files in /log of a production container: which there are,
// reading one (archive reads work on a stopped container too, where the
// useful error of a crashed NSO usually is), and following new lines.

import type { Readable } from 'node:stream';

import type { DockerClient } from '../docker/client';
import { isDockerError } from '../docker/errors';

export const nsoLogDir = '/log';

/** The logs the NSO documentation names, in the order a developer usually wants them. */
export const documentedNsoLogs = [
  'ncs.log',
  'devel.log',
  'audit.log',
  'ncs-python-vm.log',
  'ncs-java-vm.log',
] as const;

export interface NsoLogFile {
  /** e.g. `ncs-python-vm-l3vpn.log`. */
  readonly name: string;
  /** e.g. `/log/ncs-python-vm-l3vpn.log`. */
  readonly path: string;
  readonly sizeBytes?: number;
  /** A short description for pickers. */
  readonly about: string;
}

/** What a log file holds, for the picker. */
export function describeNsoLog(name: string): string {
  if (name === 'ncs.log') return 'NSO daemon: start, stop, package loading';
  if (name === 'devel.log') return 'developer log: schema, templates, callbacks';
  if (name === 'audit.log') return 'who did what (CLI, NETCONF, RESTCONF)';
  if (name === 'ncs-java-vm.log') return 'Java VM: Java packages';
  if (name === 'ncs-python-vm.log') return 'Python VM starter';
  const vm = /^ncs-python-vm-(.+)\.log$/.exec(name);
  if (vm) return `Python VM of package ${vm[1]}`;
  if (/^ncserr\.log/.test(name)) return 'NSO internal errors (binary: read with ncs --printlog)';
  return 'log file';
}

/** Documented logs first, then the Python VMs by name, then the rest. */
export function sortNsoLogs(files: readonly NsoLogFile[]): NsoLogFile[] {
  const rank = (name: string): number => {
    const documented = (documentedNsoLogs as readonly string[]).indexOf(name);
    if (documented >= 0) return documented;
    if (name.startsWith('ncs-python-vm-')) return 10;
    return 20;
  };
  return [...files].sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

/**
 * The files in /log. A running container is asked with one `stat` (argv
 * only: the glob is expanded by a fixed script); a stopped one is read
 * through an archive of /log, looking only at the entries' headers.
 */
export async function listNsoLogs(
  client: DockerClient,
  container: string,
  options: { running: boolean; signal?: AbortSignal },
): Promise<NsoLogFile[]> {
  const signalOption = options.signal ? { signal: options.signal } : {};
  if (options.running) {
    const result = await client.exec(
      container,
      [
        'sh',
        '-c',
        'for f in "$1"/*; do [ -f "$f" ] && stat -c "%s %n" "$f"; done; exit 0',
        'ls',
        nsoLogDir,
      ],
      { timeoutMs: 15_000, ...signalOption },
    );
    const files: NsoLogFile[] = [];
    for (const line of result.stdout.split('\n')) {
      const m = /^(\d+) (\/.+)$/.exec(line.trim());
      if (!m) continue;
      const path = m[2]!;
      const name = path.slice(path.lastIndexOf('/') + 1);
      files.push({ name, path, sizeBytes: Number(m[1]), about: describeNsoLog(name) });
    }
    return sortNsoLogs(files);
  }

  const archive = await client.getArchive(container, nsoLogDir, signalOption);
  const entries = await listTarEntries(archive);
  return sortNsoLogs(
    entries
      .filter((e) => e.type === 'file')
      .map((e) => {
        // Docker names entries after the folder asked for: `log/ncs.log`.
        const name = e.name.slice(e.name.lastIndexOf('/') + 1);
        return {
          name,
          path: `${nsoLogDir}/${name}`,
          sizeBytes: e.size,
          about: describeNsoLog(name),
        };
      })
      .filter((f) => f.name !== ''),
  );
}

export interface NsoLogContent {
  readonly text: string;
  /** The file's size when read: following continues from there. */
  readonly sizeBytes: number;
  /** True when only the end of a large file was read. */
  readonly truncated: boolean;
}

/**
 * Reads a log. Small files come through an archive read (works when the
 * container is stopped); a file above `maxBytes` is read from its end with
 * `tail -c` in a running container.
 */
export async function readNsoLog(
  client: DockerClient,
  container: string,
  path: string,
  options: { running: boolean; maxBytes?: number; signal?: AbortSignal },
): Promise<NsoLogContent> {
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  const signalOption = options.signal ? { signal: options.signal } : {};
  try {
    const data = await client.readFile(container, path, { maxBytes, ...signalOption });
    return { text: data.toString('utf8'), sizeBytes: data.length, truncated: false };
  } catch (error) {
    const tooLarge = isDockerError(error, 'badRequest') && /larger than/.test(error.message);
    if (!tooLarge || !options.running) throw error;
  }
  // `wc -c` first and the tail from that offset, so following starts exactly after it.
  const size = await client.exec(container, ['wc', '-c', path], {
    timeoutMs: 15_000,
    ...signalOption,
  });
  const sizeBytes = Number(/^\s*(\d+)/.exec(size.stdout)?.[1] ?? 0);
  const from = Math.max(0, sizeBytes - maxBytes);
  const tail = await client.exec(container, ['tail', '-c', `+${from + 1}`, path], {
    timeoutMs: 60_000,
    maxBufferBytes: maxBytes + 1024,
    ...signalOption,
  });
  const text = tail.stdout;
  // Start at a line boundary: the first line of a cut file is partial.
  const firstBreak = text.indexOf('\n');
  return {
    text: from > 0 && firstBreak >= 0 ? text.slice(firstBreak + 1) : text,
    sizeBytes: from + Buffer.byteLength(text),
    truncated: from > 0,
  };
}

/** `tail` from byte `fromByte` on, following the file by name across rotations. */
export function followArgv(path: string, fromByte: number): string[] {
  return ['tail', '-c', `+${fromByte + 1}`, '-F', path];
}

/**
 * Follows a log in a running container: `onText` gets each new piece until
 * the signal fires or the container stops (the promise then settles).
 */
export async function followNsoLog(
  client: DockerClient,
  container: string,
  path: string,
  fromByte: number,
  onText: (text: string) => void,
  signal: AbortSignal,
): Promise<void> {
  await client.exec(container, followArgv(path, fromByte), {
    signal,
    onStdout: onText,
    // Only what arrives through onStdout matters; keep the buffer small.
    maxBufferBytes: 64 * 1024,
  });
}

export interface TarHeaderEntry {
  readonly name: string;
  readonly size: number;
  readonly type: 'file' | 'directory' | 'other';
}

/**
 * The entries of a tar stream by their headers only: file contents pass
 * through without being kept, so a large /log costs time, not memory.
 */
export async function listTarEntries(stream: Readable): Promise<TarHeaderEntry[]> {
  const entries: TarHeaderEntry[] = [];
  let pending = Buffer.alloc(0);
  let skip = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  let collect: { kind: 'L' | 'x'; size: number; parts: Buffer[]; got: number } | undefined;

  for await (const chunk of stream) {
    let data = pending.length > 0 ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
    pending = Buffer.alloc(0);
    while (data.length > 0) {
      if (skip > 0) {
        const n = Math.min(skip, data.length);
        if (collect) {
          const keep = Math.min(n, collect.size - collect.got);
          if (keep > 0) collect.parts.push(data.subarray(0, keep));
          collect.got += keep;
        }
        skip -= n;
        data = data.subarray(n);
        if (skip === 0 && collect) {
          const content = Buffer.concat(collect.parts).toString('utf8');
          if (collect.kind === 'L') longName = content.replace(/\0.*$/s, '');
          else paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(content)?.[1];
          collect = undefined;
        }
        continue;
      }
      if (data.length < 512) {
        pending = Buffer.from(data);
        break;
      }
      const block = data.subarray(0, 512);
      data = data.subarray(512);
      if (block.every((b) => b === 0)) continue;
      const text = (from: number, to: number): string =>
        block.subarray(from, to).toString('utf8').replace(/\0.*$/s, '');
      const size = parseInt(text(124, 136).trim() || '0', 8) || 0;
      const flag = text(156, 157);
      const padded = Math.ceil(size / 512) * 512;
      if (flag === 'L' || flag === 'x') {
        collect = { kind: flag, size, parts: [], got: 0 };
        skip = padded;
        continue;
      }
      if (flag === 'g') {
        skip = padded;
        continue;
      }
      const prefix = text(345, 500);
      const name = paxPath ?? longName ?? (prefix ? `${prefix}/${text(0, 100)}` : text(0, 100));
      paxPath = undefined;
      longName = undefined;
      entries.push({
        name: name.replace(/\/$/, ''),
        size,
        type: flag === '0' || flag === '' ? 'file' : flag === '5' ? 'directory' : 'other',
      });
      skip = padded;
    }
  }
  return entries;
}
