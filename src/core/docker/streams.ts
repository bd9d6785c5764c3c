// Reading Docker's attach/log streams. Without a TTY the engine multiplexes
// stdout and stderr into frames: an 8-byte header (stream 1 or 2, three zero
// bytes, a big-endian length) and then the payload.

import { StringDecoder } from 'node:string_decoder';

export type OutputStream = 'stdout' | 'stderr';

/**
 * Splits a multiplexed stream into stdout and stderr pieces. When the first
 * bytes are not a valid frame header (a container started with a TTY), the
 * whole stream is passed through as stdout.
 */
export class StreamDemuxer {
  private pending: Buffer = Buffer.alloc(0);
  private raw = false;
  private started = false;

  constructor(private readonly onData: (stream: OutputStream, chunk: Buffer) => void) {}

  push(chunk: Buffer): void {
    if (this.raw) {
      this.onData('stdout', chunk);
      return;
    }
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);

    while (this.pending.length >= 8) {
      const type = this.pending[0];
      const validHeader =
        (type === 0 || type === 1 || type === 2) &&
        this.pending[1] === 0 &&
        this.pending[2] === 0 &&
        this.pending[3] === 0;
      if (!validHeader) {
        if (!this.started) {
          this.raw = true;
          const rest = this.pending;
          this.pending = Buffer.alloc(0);
          this.onData('stdout', rest);
          return;
        }
        throw new Error('the output stream from Docker lost its framing');
      }
      this.started = true;
      const length = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + length) {
        return;
      }
      const payload = this.pending.subarray(8, 8 + length);
      this.pending = this.pending.subarray(8 + length);
      if (payload.length > 0) {
        this.onData(type === 2 ? 'stderr' : 'stdout', payload);
      }
    }
  }
}

/** Turns chunks of bytes into complete lines, decoding UTF-8 across chunk borders. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    const text = this.partial + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
  }

  /** Emits what is left as a last line, if anything. */
  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest !== '') {
      this.onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
    }
  }
}

/** Keeps the last `maxBytes` bytes written to it. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.maxBytes && this.chunks.length > 0) {
      const first = this.chunks[0] as Buffer;
      const excess = this.size - this.maxBytes;
      this.truncated = true;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Splits Docker's log line timestamp ("2024-05-01T10:00:00.123456789Z text") off the text. */
export function splitTimestamp(line: string): { timestamp?: string; text: string } {
  const space = line.indexOf(' ');
  const candidate = space < 0 ? line : line.slice(0, space);
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(candidate)) {
    return { timestamp: candidate, text: space < 0 ? '' : line.slice(space + 1) };
  }
  return { text: line };
}
