// Follow Logs: a container's log (`docker logs -f`) in a terminal that
// survives the container: when it stops the terminal says so and waits, and
// when it starts again (a restart, or a restart policy) the terminal picks up
// from where it was, told by the event stream rather than by polling.

import * as vscode from 'vscode';

import { type ContainerSource, followContainerLogs } from '../../core/watch/logFollower';
import type { WorkbenchContext } from '../context';
import type { NsoStatus } from '../health/nsoStatus';

const dim = (text: string): string => `\x1b[2m${text}\x1b[0m`;
const red = (text: string): string => `\x1b[31m${text}\x1b[0m`;

/** Lines shown from before the terminal opened. */
const initialTailLines = 500;

export function openLogTerminal(
  ctx: WorkbenchContext,
  status: NsoStatus,
  container: { id: string; name: string },
): vscode.Terminal {
  const pty = new ContainerLogPty(ctx, status, container.id, container.name);
  const terminal = vscode.window.createTerminal({
    name: `Logs: ${container.name}`,
    pty,
    iconPath: new vscode.ThemeIcon('output'),
  });
  terminal.show();
  return terminal;
}

class ContainerLogPty implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly abort = new AbortController();

  constructor(
    private readonly ctx: WorkbenchContext,
    private readonly status: NsoStatus,
    private readonly id: string,
    private readonly name: string,
  ) {}

  open(): void {
    this.write(
      dim(`Following the log of ${this.name}; it reattaches when the container starts again.\n`),
    );
    void this.follow().finally(() => {
      if (!this.abort.signal.aborted) this.closeEmitter.fire();
    });
  }

  close(): void {
    this.abort.abort();
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }

  handleInput(data: string): void {
    // Ctrl+C or q ends following, as in `docker logs -f`.
    if (data === '\x03' || data === 'q') this.closeEmitter.fire(0);
  }

  private write(text: string): void {
    if (!this.abort.signal.aborted) this.writeEmitter.fire(text.replace(/\r?\n/g, '\r\n'));
  }

  private async follow(): Promise<void> {
    const status = this.status;
    const source: ContainerSource = {
      container: (id) => status.container(id),
      client: () => status.docker,
      live: () => status.connectionStatus?.phase === 'live',
      onChange: (listener) => {
        const a = status.onDidChangeContainers(listener);
        const b = status.onDidChangeConnection(listener);
        return {
          dispose: () => {
            a.dispose();
            b.dispose();
          },
        };
      },
    };
    await followContainerLogs(
      source,
      this.id,
      this.name,
      {
        line: (line) => this.write(`${line.stream === 'stderr' ? red(line.text) : line.text}\n`),
        note: (kind, text) => {
          if (kind === 'error') this.ctx.log.warn(`Following the log of ${this.name}: ${text}`);
          this.write(kind === 'error' ? red(`\n— ${text} —\n`) : dim(`\n— ${text} —\n`));
        },
      },
      { signal: this.abort.signal, tailLines: initialTailLines },
    );
  }
}
