// Deciding between redeploying single packages and a full `packages reload`.
// A redeploy restarts a package's Python VM and reloads its templates, and
// nothing else: any change NSO's schema or Java class loader must see needs
// the full reload.
import { changedFiles, classifyChange } from '../packages/inputHash';

export type ReloadStrategy = 'auto' | 'full' | 'off';

export interface LoadedState {
  /** Per package: its input files (relative path → hash) when NSO last loaded it. */
  packages: Map<string, Map<string, string>>;
}

export type ReloadPlan =
  | { kind: 'none'; reason: string }
  | { kind: 'redeploy'; packages: string[]; reason: string }
  | { kind: 'full'; reason: string };

export function planReload(
  strategy: ReloadStrategy,
  current: Map<string, Map<string, string>>,
  loaded: LoadedState | undefined,
): ReloadPlan {
  if (strategy === 'off') return { kind: 'none', reason: 'nso.reload.strategy is off' };
  if (strategy === 'full') return { kind: 'full', reason: 'nso.reload.strategy is full' };
  if (!loaded) return { kind: 'full', reason: 'what NSO has loaded is not known yet' };

  const added = [...current.keys()].filter((p) => !loaded.packages.has(p));
  const removed = [...loaded.packages.keys()].filter((p) => !current.has(p));
  if (added.length > 0) return { kind: 'full', reason: `new package ${added.join(', ')}` };
  if (removed.length > 0) return { kind: 'full', reason: `package ${removed.join(', ')} removed` };

  const redeploy: string[] = [];
  for (const [name, files] of current) {
    const changes = changedFiles(loaded.packages.get(name)!, files);
    if (changes.length === 0) continue;
    const needsFull = changes.find((f) => {
      const kind = classifyChange(f);
      if (kind === 'python' || kind === 'template') return false;
      // Documentation and test files never reach NSO.
      if (kind === 'other' && !f.startsWith('src/')) return false;
      return true;
    });
    if (needsFull) return { kind: 'full', reason: `${name}: ${needsFull} changed` };
    if (changes.some((f) => ['python', 'template'].includes(classifyChange(f))))
      redeploy.push(name);
  }
  if (redeploy.length === 0)
    return { kind: 'none', reason: 'no package changed since the last reload' };
  return {
    kind: 'redeploy',
    packages: redeploy.sort(),
    reason: 'only Python code or templates changed',
  };
}
