// The order NSO packages must be built in: a package after every package it
// names in required-package. Packages in the same wave do not depend on each
// other and can build in parallel.

export interface OrderInput {
  name: string;
  requires: string[];
}

export type BuildOrder = { ok: true; waves: string[][] } | { ok: false; cycle: string[] };

/**
 * Groups packages into waves (Kahn's algorithm). Requirements on packages
 * outside the set (e.g. a NED loaded from elsewhere) do not block anything.
 * A cycle is reported as the package names around it, first repeated last.
 */
export function buildOrder(packages: OrderInput[]): BuildOrder {
  const names = new Set(packages.map((p) => p.name));
  const deps = new Map(packages.map((p) => [p.name, p.requires.filter((r) => names.has(r))]));
  const remaining = new Set(names);
  const waves: string[][] = [];
  while (remaining.size > 0) {
    const wave = [...remaining].filter((n) => deps.get(n)!.every((d) => !remaining.has(d))).sort();
    if (wave.length === 0) return { ok: false, cycle: findCycle(remaining, deps) };
    for (const n of wave) remaining.delete(n);
    waves.push(wave);
  }
  return { ok: true, waves };
}

function findCycle(remaining: Set<string>, deps: Map<string, string[]>): string[] {
  // Walk required-package edges from any stuck package until a name repeats.
  const start = [...remaining].sort()[0]!;
  const seen = new Map<string, number>();
  const walk: string[] = [];
  let at = start;
  while (!seen.has(at)) {
    seen.set(at, walk.length);
    walk.push(at);
    at = deps
      .get(at)!
      .filter((d) => remaining.has(d))
      .sort()[0]!;
  }
  return [...walk.slice(seen.get(at)), at];
}

/** Every package that depends on one of `changed`, directly or not, plus `changed` itself. */
export function withDependents(packages: OrderInput[], changed: Iterable<string>): Set<string> {
  const out = new Set(changed);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of packages) {
      if (!out.has(p.name) && p.requires.some((r) => out.has(r))) {
        out.add(p.name);
        grew = true;
      }
    }
  }
  return out;
}
