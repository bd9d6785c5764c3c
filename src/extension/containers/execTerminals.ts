// The `docker exec` terminals (NSO CLI, shell) this extension opened, by container.
// `docker exec` ends with exit code 137 when its container stops, and VS Code
// reports that as a failed terminal process: our own stop, restart, remove and
// restore close the container's terminals first, since the user asked for the end.
import * as vscode from 'vscode';

interface Owner {
  readonly id: string;
  readonly name: string;
}

export class ExecTerminals implements vscode.Disposable {
  private readonly owners = new Map<vscode.Terminal, Owner>();
  private readonly closed = vscode.window.onDidCloseTerminal((t) => this.owners.delete(t));

  add(terminal: vscode.Terminal, container: Owner): void {
    this.owners.set(terminal, container);
  }

  /** The open terminals of a container, by its id (full or short) or name. */
  of(container: string): vscode.Terminal[] {
    const ref = container.replace(/^\//, '');
    return [...this.owners]
      .filter(([, o]) => o.name === ref || (ref.length >= 12 && o.id.startsWith(ref)))
      .map(([t]) => t);
  }

  /** Closes the container's terminals; returns how many there were. */
  close(container: string): number {
    const terminals = this.of(container);
    for (const t of terminals) {
      this.owners.delete(t);
      t.dispose();
    }
    return terminals.length;
  }

  dispose(): void {
    this.closed.dispose();
    this.owners.clear();
  }
}

/** "2 NSO CLI or shell terminals of nso-prod close." or nothing. */
export function terminalsClosingNote(count: number, container: string): string | undefined {
  if (count === 0) return undefined;
  return count === 1
    ? `The open NSO CLI or shell terminal of ${container} closes.`
    : `The ${count} open NSO CLI and shell terminals of ${container} close.`;
}
