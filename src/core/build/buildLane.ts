// One build lane: a single `docker exec` of a login shell that builds the
// packages it is handed one after another. Starting an exec costs the engine
// far more than a make of a small package does, and the seed's loop pays it
// once; a lane pays it once per build too, and a build runs as many lanes as
// it builds packages at once.
//
// The package folders travel on the lane's standard input as NUL-terminated
// data, never as part of a script, so any folder name is safe. After each
// package the lane prints a marker line with the package's number and make's
// exit code.
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';

import type { DockerClient, ExecResult } from '../docker/client';

/**
 * Reads (id, clean, src folder) records and runs make in each, with make's
 * standard error merged into its output (one ordered stream per package) and
 * no standard input (as under the seed's `docker exec` without -i).
 *
 * The build image runs make as root, so what make writes into the bind-mounted
 * package (load-dir, jars, __pycache__) would belong to root on the host: the
 * developer could not delete it, `make clean` or `git clean` it there. After
 * each make, the files root owns in the package are given to the package
 * folder's owner, as the container sees it (an engine that maps ids, such as
 * rootless Docker, shows root there, and nothing changes). Files of other
 * owners are left alone.
 */
export const laneScript = [
  'marker=$1',
  "while IFS= read -r -d '' id && IFS= read -r -d '' clean && IFS= read -r -d '' dir; do",
  '  if [ "$clean" = 1 ]; then',
  '    (cd -- "$dir" && make clean && exec make all) </dev/null 2>&1',
  '  else',
  '    (cd -- "$dir" && exec make all) </dev/null 2>&1',
  '  fi',
  '  rc=$?',
  '  pkg=${dir%/src}',
  '  if [ "$EUID" = 0 ] && owner=$(stat -c %u:%g -- "$pkg" 2>/dev/null) && [ "$owner" != 0:0 ]; then',
  '    chown -R -h --from=0:0 -- "$owner" "$pkg" 2>/dev/null',
  '  fi',
  '  printf \'\\n%s %s %s\\n\' "$marker" "$id" "$rc"',
  'done',
].join('\n');

/** The lane's argv: bash as a login shell, so the NSO tools are on the PATH. */
export function laneArgv(marker: string): string[] {
  return ['bash', '-lc', laneScript, 'nso-build-lane', marker];
}

/** One package's record on the lane's input. */
export function laneRecord(id: number, srcDir: string, clean: boolean): string {
  return `${id}\0${clean ? 1 : 0}\0${srcDir}\0`;
}

export type LaneOutcome =
  | { kind: 'exit'; exitCode: number }
  /** The lane ended before the package did: the exec failed, was cancelled, or the container stopped. */
  | { kind: 'laneEnded'; error?: unknown; exitCode?: number };

interface Current {
  id: number;
  onLine: (line: string) => void;
  resolve: (o: LaneOutcome) => void;
  /** An empty line held back: the marker's own leading newline may have made it. */
  heldBlank: boolean;
}

export class BuildLane {
  private readonly input = new PassThrough();
  private readonly marker = `@@nso-workbench-build-end-${randomBytes(8).toString('hex')}@@`;
  private current: Current | undefined;
  private nextId = 1;
  private readonly lines = new LineSplitter((l) => this.line(l));
  private ended: { error?: unknown; exitCode?: number } | undefined;
  readonly finished: Promise<void>;

  constructor(docker: DockerClient, container: string, signal: AbortSignal | undefined) {
    const onText = (text: string): void => this.take(text);
    this.finished = docker
      .exec(container, laneArgv(this.marker), {
        stdin: this.input,
        ...(signal ? { signal } : {}),
        onStdout: onText,
        onStderr: onText,
        maxBufferBytes: 64 * 1024,
        killGraceSeconds: 1,
      })
      .then(
        (r: ExecResult) => this.end({ exitCode: r.exitCode }),
        (error: unknown) => this.end({ error }),
      );
  }

  /** True once the lane's shell has ended: it takes no more packages. */
  get isEnded(): boolean {
    return this.ended !== undefined;
  }

  /** Builds one package's src folder; `onLine` sees its output line by line. */
  run(srcDir: string, clean: boolean, onLine: (line: string) => void): Promise<LaneOutcome> {
    if (this.current) throw new Error('a build lane builds one package at a time');
    if (this.ended) return Promise.resolve({ kind: 'laneEnded', ...this.ended });
    const id = this.nextId++;
    return new Promise<LaneOutcome>((resolve) => {
      this.current = { id, onLine, resolve, heldBlank: false };
      this.input.write(laneRecord(id, srcDir, clean));
    });
  }

  /** Ends the lane's input; the shell exits after the package in hand. */
  async close(): Promise<void> {
    this.input.end();
    await this.finished;
  }

  private take(text: string): void {
    this.lines.push(text);
  }

  private line(line: string): void {
    const c = this.current;
    if (line.startsWith(`${this.marker} `)) {
      const [, id, rc] = line.split(' ');
      if (c && Number(id) === c.id) {
        this.current = undefined;
        c.resolve({ kind: 'exit', exitCode: Number(rc) });
      }
      return;
    }
    if (!c) return;
    if (c.heldBlank) {
      c.heldBlank = false;
      c.onLine('');
    }
    if (line === '') c.heldBlank = true;
    else c.onLine(line);
  }

  private end(how: { error?: unknown; exitCode?: number }): void {
    this.lines.end();
    this.ended = how;
    const c = this.current;
    this.current = undefined;
    c?.resolve({ kind: 'laneEnded', ...how });
  }
}

/** Splits streamed text into lines (without their newline or a trailing CR). */
export class LineSplitter {
  private rest = '';
  constructor(private readonly emit: (line: string) => void) {}
  push(text: string): void {
    const parts = (this.rest + text).split('\n');
    this.rest = parts.pop()!;
    for (const l of parts) this.emit(l.endsWith('\r') ? l.slice(0, -1) : l);
  }
  end(): void {
    if (this.rest !== '') this.emit(this.rest);
    this.rest = '';
  }
}
