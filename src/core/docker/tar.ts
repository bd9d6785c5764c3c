// Just enough tar for Docker's archive API: one file in, one file out. Docker
// sends and receives POSIX ustar (with PAX records for long names); a whole
// tar library would be more than these two cases need.

const blockBytes = 512;

export interface TarFileEntry {
  /** Path inside the archive. */
  readonly name: string;
  readonly content: Buffer;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly mtime?: Date;
}

/** An archive holding one regular file. */
export function tarOneFile(entry: TarFileEntry): Buffer {
  const blocks: Buffer[] = [];
  const mtime = entry.mtime ?? new Date();
  const nameBytes = Buffer.byteLength(entry.name);

  // Names that do not fit ustar's 100 bytes travel in a PAX record before the entry.
  if (nameBytes > 100) {
    const record = paxRecord('path', entry.name);
    blocks.push(
      header({ name: 'PaxHeader', size: record.length, type: 'x', mode: 0o644, mtime }),
      padded(record),
    );
  }
  blocks.push(
    header({
      name: nameBytes > 100 ? entry.name.slice(-100) : entry.name,
      size: entry.content.length,
      type: '0',
      mode: entry.mode ?? 0o644,
      uid: entry.uid ?? 0,
      gid: entry.gid ?? 0,
      mtime,
    }),
    padded(entry.content),
    Buffer.alloc(blockBytes * 2),
  );
  return Buffer.concat(blocks);
}

function paxRecord(key: string, value: string): Buffer {
  // "<length> key=value\n", where the length counts its own digits.
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) {
    length = String(length).length + Buffer.byteLength(body);
  }
  return Buffer.from(`${length}${body}`);
}

interface HeaderFields {
  name: string;
  size: number;
  type: string;
  mode: number;
  uid?: number;
  gid?: number;
  mtime: Date;
}

function header(fields: HeaderFields): Buffer {
  const block = Buffer.alloc(blockBytes);
  block.write(fields.name, 0, 100, 'utf8');
  writeOctal(block, fields.mode & 0o7777, 100, 8);
  writeOctal(block, fields.uid ?? 0, 108, 8);
  writeOctal(block, fields.gid ?? 0, 116, 8);
  writeOctal(block, fields.size, 124, 12);
  writeOctal(block, Math.floor(fields.mtime.getTime() / 1000), 136, 12);
  block.write(fields.type, 156, 1, 'latin1');
  block.write('ustar\u000000', 257, 8, 'latin1');

  // The checksum is computed with its own field read as spaces.
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) {
    sum += byte;
  }
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return block;
}

function writeOctal(block: Buffer, value: number, offset: number, width: number): void {
  if (value >= 8 ** (width - 1)) {
    throw new Error(`tar field at ${offset} cannot hold ${value}`);
  }
  block.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, offset, width, 'latin1');
}

function padded(content: Buffer): Buffer {
  const rest = content.length % blockBytes;
  return rest === 0 ? content : Buffer.concat([content, Buffer.alloc(blockBytes - rest)]);
}

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  readonly name: string;
  readonly type: TarEntryType;
  readonly size: number;
  readonly mode: number;
  readonly linkName: string;
  readonly content: Buffer;
}

/** The entries of an (uncompressed) archive, PAX and GNU long names applied. */
export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let pax: Record<string, string> = {};
  let gnuLongName: string | undefined;
  let gnuLongLink: string | undefined;

  while (offset + blockBytes <= archive.length) {
    const block = archive.subarray(offset, offset + blockBytes);
    if (block.every((byte) => byte === 0)) {
      break;
    }
    const size = readNumber(block, 124, 12);
    const typeFlag = String.fromCharCode(block[156] ?? 0);
    const contentStart = offset + blockBytes;
    const content = archive.subarray(contentStart, contentStart + size);
    offset = contentStart + Math.ceil(size / blockBytes) * blockBytes;

    if (typeFlag === 'x') {
      pax = parsePax(content);
      continue;
    }
    if (typeFlag === 'g') {
      continue;
    }
    if (typeFlag === 'L') {
      gnuLongName = cString(content);
      continue;
    }
    if (typeFlag === 'K') {
      gnuLongLink = cString(content);
      continue;
    }

    const prefix = cString(block.subarray(345, 500));
    const shortName = cString(block.subarray(0, 100));
    const name = pax.path ?? gnuLongName ?? (prefix ? `${prefix}/${shortName}` : shortName);
    const linkName = pax.linkpath ?? gnuLongLink ?? cString(block.subarray(157, 257));
    entries.push({
      name,
      type: entryType(typeFlag),
      size,
      mode: readNumber(block, 100, 8),
      linkName,
      content: Buffer.from(content),
    });
    pax = {};
    gnuLongName = undefined;
    gnuLongLink = undefined;
  }
  return entries;
}

function entryType(flag: string): TarEntryType {
  switch (flag) {
    case '0':
    case '\u0000':
    case '7':
      return 'file';
    case '5':
      return 'directory';
    case '2':
      return 'symlink';
    case '1':
      return 'hardlink';
    default:
      return 'other';
  }
}

function readNumber(block: Buffer, offset: number, width: number): number {
  const first = block[offset] ?? 0;
  // GNU base-256 for values octal cannot hold.
  if (first & 0x80) {
    let value = first & 0x7f;
    for (let i = 1; i < width; i++) {
      value = value * 256 + (block[offset + i] ?? 0);
    }
    return value;
  }
  const text = cString(block.subarray(offset, offset + width)).trim();
  return text === '' ? 0 : parseInt(text, 8);
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
    if (space < 0) {
      break;
    }
    const length = parseInt(content.subarray(offset, space).toString('latin1'), 10);
    if (!Number.isFinite(length) || length <= 0) {
      break;
    }
    const record = content.subarray(space + 1, offset + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) {
      records[record.slice(0, equals)] = record.slice(equals + 1);
    }
    offset += length;
  }
  return records;
}
