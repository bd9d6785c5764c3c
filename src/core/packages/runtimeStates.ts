// What the Packages view says about each package in the running NSO. Two
// sources: a reload's own report (per workspace folder) and the health
// monitor's live answer from NSO (`show packages`). The live answer wins when
// there is one; neither is shown once the followed container has stopped, died
// or gone, and a reload's report does not outlive the container run it was for.
import type { NsoHealth } from '../nso/health';
import type { OperStatus } from '../nso/reloadOutput';

export class PackageRuntimeStates {
  /** Per workspace folder path: each package's oper-status as a reload confirmed it. */
  private readonly reloaded = new Map<
    string,
    { states: Map<string, OperStatus | undefined>; at: number }
  >();
  /** NSO's live answer for the current run, by package name, and when NSO gave it. */
  private live: { states: Map<string, OperStatus>; at: number } | undefined;
  /** The followed container's current run while it runs (id and start time), else undefined. */
  private run: string | undefined;
  private key = '';

  /** Records a reload's report for a workspace folder's packages. */
  setReloaded(
    workspaceFolder: string,
    states: Map<string, OperStatus | undefined>,
    at = Date.now(),
  ): void {
    this.reloaded.set(workspaceFolder, { states, at });
  }

  /**
   * Takes a new health assessment; returns whether what the view shows may
   * have changed (so a view refreshes only then).
   */
  setHealth(health: NsoHealth): boolean {
    const c = health.container;
    const run = c && c.state === 'running' ? `${c.id}@${c.startedAt ?? ''}` : undefined;
    // While the engine is only being reconnected, nothing is known to have changed.
    if (health.baseState === 'connecting') return false;
    if (run !== this.run) {
      // Stopped, killed, removed or started again: a reload's report no longer holds.
      this.reloaded.clear();
      this.run = run;
    }
    this.live =
      run && health.packages
        ? {
            states: new Map(
              health.packages.map((p) => [
                p.name,
                {
                  status: p.operStatus,
                  ...(p.errorInfo.length > 0 ? { errorInfo: p.errorInfo.join('\n') } : {}),
                },
              ]),
            ),
            at: health.nso?.probedAt ?? 0,
          }
        : undefined;
    const key = JSON.stringify([run, health.packages ?? null]);
    const changed = key !== this.key;
    this.key = key;
    return changed;
  }

  /** Whether the followed NSO container runs (as far as the last assessment says). */
  get running(): boolean {
    return this.run !== undefined;
  }

  /** The package's state in the running NSO, if known. */
  stateOf(workspaceFolder: string, name: string): OperStatus | undefined {
    const reloaded = this.reloaded.get(workspaceFolder);
    // The newer of the two: NSO is asked again after each reload, but answers later.
    if (this.live && (!reloaded || this.live.at >= reloaded.at)) return this.live.states.get(name);
    return reloaded?.states.get(name);
  }
}
