import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  LineSplitter,
  type OutputStream,
  StreamDemuxer,
  TailBuffer,
  splitTimestamp,
} from '../../src/core/docker/streams';
import { readTar, tarOneFile } from '../../src/core/docker/tar';

function frame(stream: 1 | 2, text: string | Buffer): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text) : text;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function collect(chunks: Buffer[]): { stream: OutputStream; text: string }[] {
  const out: { stream: OutputStream; text: string }[] = [];
  const demuxer = new StreamDemuxer((stream, chunk) =>
    out.push({ stream, text: chunk.toString() }),
  );
  for (const chunk of chunks) demuxer.push(chunk);
  return out;
}

describe('Docker stream demultiplexing', () => {
  it('splits stdout and stderr frames, also when a frame arrives in pieces', () => {
    const whole = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err\n'), frame(1, 'out two\n')]);
    const pieces = [whole.subarray(0, 3), whole.subarray(3, 13), whole.subarray(13)];
    assert.deepEqual(collect(pieces), [
      { stream: 'stdout', text: 'out one\n' },
      { stream: 'stderr', text: 'err\n' },
      { stream: 'stdout', text: 'out two\n' },
    ]);
  });

  it('passes a TTY stream (no frames) through as stdout', () => {
    assert.deepEqual(collect([Buffer.from('plain text from a tty\n')]), [
      { stream: 'stdout', text: 'plain text from a tty\n' },
    ]);
  });

  it('refuses a stream that loses its framing midway', () => {
    const demuxer = new StreamDemuxer(() => undefined);
    demuxer.push(frame(1, 'ok'));
    assert.throws(() => demuxer.push(Buffer.from('garbage!')), /lost its framing/);
  });
});

describe('line splitting and buffers', () => {
  it('keeps multi-byte characters split across chunks whole', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const text = Buffer.from('héllo wörld\r\nsecond');
    splitter.push(text.subarray(0, 2));
    splitter.push(text.subarray(2, 9));
    splitter.push(text.subarray(9));
    assert.deepEqual(lines, ['héllo wörld']);
    splitter.end();
    assert.deepEqual(lines, ['héllo wörld', 'second']);
  });

  it('keeps the end of the output and says it cut', () => {
    const buffer = new TailBuffer(10);
    buffer.push(Buffer.from('0123456'));
    buffer.push(Buffer.from('789abc'));
    assert.equal(buffer.text(), '3456789abc');
    assert.equal(buffer.truncated, true);
    const small = new TailBuffer(10);
    small.push(Buffer.from('abc'));
    assert.equal(small.truncated, false);
  });

  it("splits Docker's log timestamps off", () => {
    assert.deepEqual(splitTimestamp('2024-05-01T10:00:00.123456789Z started NSO'), {
      timestamp: '2024-05-01T10:00:00.123456789Z',
      text: 'started NSO',
    });
    assert.deepEqual(splitTimestamp('no timestamp here'), { text: 'no timestamp here' });
  });
});

describe('tar for the archive API', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-tar-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes an archive GNU tar extracts, with mode and content', () => {
    const content = Buffer.from('<ncs-config/>\n');
    const archive = tarOneFile({ name: 'ncs.conf', content, mode: 0o600 });
    assert.equal(archive.length % 512, 0);
    const file = path.join(dir, 'one.tar');
    fs.writeFileSync(file, archive);
    assert.equal(execFileSync('tar', ['-xOf', file, 'ncs.conf']).toString(), '<ncs-config/>\n');
    const listing = execFileSync('tar', ['-tvf', file]).toString();
    assert.match(listing, /^-rw------- 0\/0 +14 /);
  });

  it('carries names longer than 100 bytes in a PAX record', () => {
    const name = `${'a'.repeat(120)}.txt`;
    const file = path.join(dir, 'long.tar');
    fs.writeFileSync(file, tarOneFile({ name, content: Buffer.from('x') }));
    assert.equal(execFileSync('tar', ['-tf', file]).toString().trim(), name);
    assert.equal(readTar(fs.readFileSync(file))[0]?.name, name);
  });

  it('reads files, folders, symbolic links and long names written by GNU tar', () => {
    const source = path.join(dir, 'src');
    fs.mkdirSync(path.join(source, 'folder'), { recursive: true });
    const longName = 'n'.repeat(150);
    fs.writeFileSync(path.join(source, 'folder', 'data.txt'), 'hello');
    fs.writeFileSync(path.join(source, longName), 'long');
    fs.symlinkSync('folder/data.txt', path.join(source, 'link'));
    for (const format of ['gnu', 'posix']) {
      const archive = execFileSync('tar', [
        `--format=${format}`,
        '-C',
        source,
        '-cf',
        '-',
        'folder',
        'link',
        longName,
      ]);
      const entries = readTar(archive);
      const byName = new Map(entries.map((entry) => [entry.name.replace(/\/$/, ''), entry]));
      assert.equal(byName.get('folder')?.type, 'directory', format);
      assert.equal(byName.get('folder/data.txt')?.content.toString(), 'hello', format);
      assert.equal(byName.get('link')?.type, 'symlink', format);
      assert.equal(byName.get('link')?.linkName, 'folder/data.txt', format);
      assert.equal(byName.get(longName)?.content.toString(), 'long', format);
    }
  });
});
