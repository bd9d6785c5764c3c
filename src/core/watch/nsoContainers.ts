// Which containers are NSO's, and how to show them: the workspace's own
// production and build containers (our labels), any container from an image
// named like Cisco's NSO images (any registry prefix), a Compose container
// whose image was built FROM one of them, and Compose projects that hold one
// of those, grouped by project.

import * as path from 'node:path';

import type {
  ConfiguredPortBinding,
  ContainerDetails,
  MountInfo,
  PortBinding,
} from '../docker/client';
import { splitRef, versionFromTag } from '../nso/images';
import {
  composeProjectLabel,
  composeServiceLabel,
  type ContainerRole,
  roleOf,
  workspaceOf,
} from '../nso/labels';
import type { ContainerFacts, WatchedContainer } from './containerWatcher';

const prodImage = /(?:^|\/)cisco-nso-prod$/;
const buildImage = /(?:^|\/)cisco-nso-(?:build|dev)$/;

/** The NSO packages folder inside the production and build images. */
export const packagesMountTarget = '/nso/run/packages';

/** `prod` or `build` from the image name (`reg:5000/x/cisco-nso-prod:6.4@sha256:…` → prod). */
export function nsoImageRole(image: string): ContainerRole | undefined {
  const withoutDigest = image.split('@')[0] ?? '';
  const { repository } = splitRef(withoutDigest);
  if (prodImage.test(repository)) return 'prod';
  if (buildImage.test(repository)) return 'build';
  return undefined;
}

/** The NSO version named by the image tag (`cisco-nso-prod:6.4.1` → 6.4.1). */
export function nsoImageVersion(image: string): string | undefined {
  const withoutDigest = image.split('@')[0] ?? '';
  return nsoImageRole(withoutDigest) ? versionFromTag(splitRef(withoutDigest).tag) : undefined;
}

/** What is known of a container: the cheap facts, and its details once inspected. */
type KnownContainer = ContainerFacts & { readonly details?: ContainerDetails };

/**
 * `prod` or `build` from what the container was created with. NSO's images
 * set NCS_DIR, and the production image runs NSO through /run-nso.sh with an
 * `ncs_cmd` health check; an image built FROM them (a Compose service with
 * `build: .`, which Compose names `<project>-<service>`) inherits all three,
 * so it is known although its name says nothing.
 */
export function nsoDetailsRole(
  d: Pick<ContainerDetails, 'env' | 'entrypoint' | 'cmd' | 'healthcheck'>,
): ContainerRole | undefined {
  if (!d.env.NCS_DIR) return undefined;
  const runsNso =
    [...d.entrypoint, ...d.cmd].some((arg) => /(?:^|\/)run-nso\.sh$/.test(arg)) ||
    (d.healthcheck?.test ?? []).some((part) => /\bncs_cmd\b/.test(part));
  return runsNso ? 'prod' : 'build';
}

/** Whether the container is an NSO container by its labels, its image name or its details. */
export function looksLikeNso(c: KnownContainer): boolean {
  return containerRole(c) !== undefined;
}

/**
 * What the watcher keeps: NSO containers, and every Compose container (the
 * siblings of an NSO container in its project, e.g. a netsim side-car, are
 * shown with it; projects without NSO are filtered out when grouping).
 * FIXME(#5): a container outside Compose whose image was built FROM an NSO
 * image under another name is not watched: the event and the list name only
 * the image, and telling it apart would take an inspect of every container.
 */
export function isWatchedContainer(facts: ContainerFacts): boolean {
  return looksLikeNso(facts) || facts.labels[composeProjectLabel] !== undefined;
}

/** prod/build by our label, else by image name, else by what the image set up (once inspected). */
export function containerRole(c: KnownContainer): ContainerRole | undefined {
  return roleOf(c.labels) ?? nsoImageRole(c.image) ?? (c.details && nsoDetailsRole(c.details));
}

export type ContainerGroup =
  | {
      readonly kind: 'workspace';
      /** The workspace folder the containers are labelled with. */
      readonly workspacePath: string;
      readonly containers: readonly WatchedContainer[];
    }
  | {
      readonly kind: 'compose';
      readonly project: string;
      readonly containers: readonly WatchedContainer[];
    }
  | { readonly kind: 'other'; readonly containers: readonly WatchedContainer[] };

/**
 * Groups for the Containers view: each open workspace folder's own containers
 * first (production before build), then Compose projects that hold an NSO
 * container, then any other NSO container. Containers of projects without NSO
 * are left out.
 */
export function groupNsoContainers(
  containers: readonly WatchedContainer[],
  workspacePaths: readonly string[],
): ContainerGroup[] {
  const ours = new Map<string, WatchedContainer[]>();
  const compose = new Map<string, WatchedContainer[]>();
  const other: WatchedContainer[] = [];

  for (const c of containers) {
    const workspace = workspaceOf(c.labels);
    const project = c.labels[composeProjectLabel];
    if (
      workspace !== undefined &&
      roleOf(c.labels) &&
      workspacePaths.some((w) => samePath(w, workspace))
    ) {
      const key = normalise(workspace);
      ours.set(key, [...(ours.get(key) ?? []), c]);
    } else if (project !== undefined) {
      compose.set(project, [...(compose.get(project) ?? []), c]);
    } else if (looksLikeNso(c)) {
      other.push(c);
    }
  }

  const groups: ContainerGroup[] = [];
  for (const w of workspacePaths) {
    const found = ours.get(normalise(w));
    if (found) {
      groups.push({
        kind: 'workspace',
        workspacePath: w,
        containers: found.sort(byRoleThenName),
      });
    }
  }
  for (const [project, members] of [...compose.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (!members.some(looksLikeNso)) continue;
    groups.push({ kind: 'compose', project, containers: members.sort(byServiceThenName) });
  }
  if (other.length > 0) groups.push({ kind: 'other', containers: other.sort(byRoleThenName) });
  return groups;
}

const notFromWorkspace = 'not from this workspace';

/** One container offered by a picker, with the section it is listed under. */
export interface ContainerChoice {
  readonly container: WatchedContainer;
  /** One of the open workspace's own containers (our labels, this folder). */
  readonly own: boolean;
  /** The section heading: "This workspace", "Compose project shop", "Other NSO containers". */
  readonly section: string;
  /** Whose it is, for a container that is not the workspace's own ("Compose project shop"). */
  readonly owner?: string;
}

/**
 * The containers a picker offers, in the order the Containers view groups
 * them: the workspace's own first (the followed production container at the
 * top, also when another project made it), then Compose projects, then other
 * NSO containers. Only those `applies`
 * accepts are listed (Start offers what is not running, Stop what is), so that
 * a container of another project is never the first, one-click choice when
 * the workspace has its own.
 */
export function containerChoices(
  groups: readonly ContainerGroup[],
  applies: (c: WatchedContainer) => boolean,
  followedId?: string,
): ContainerChoice[] {
  const out: ContainerChoice[] = [];
  for (const g of groups) {
    const members = g.containers.filter(applies);
    if (g.kind === 'workspace') {
      const followedFirst = [...members].sort(
        (a, b) => Number(b.id === followedId) - Number(a.id === followedId),
      );
      const section =
        groups.filter((x) => x.kind === 'workspace').length > 1
          ? `This workspace: ${path.posix.basename(normalise(g.workspacePath))}`
          : 'This workspace';
      for (const c of followedFirst) out.push({ container: c, own: true, section });
    } else if (g.kind === 'compose') {
      const owner = `Compose project ${g.project}`;
      for (const c of members) out.push({ container: c, own: false, section: owner, owner });
    } else {
      for (const c of members) {
        const workspace = workspaceOf(c.labels);
        const owner = workspace !== undefined ? `workspace ${workspace}` : notFromWorkspace;
        out.push({ container: c, own: false, section: 'Other NSO containers', owner });
      }
    }
  }

  // A container the workspace uses though another project made it (Use
  // Existing Container…) is the workspace's too: first, still saying whose.
  const attached = out.findIndex((x) => !x.own && x.container.id === followedId);
  if (attached >= 0) {
    const [x] = out.splice(attached, 1);
    // Listed as the workspace's, it says how it became so rather than "not from this workspace".
    const owner = x!.owner === notFromWorkspace ? 'picked with Use Existing Container…' : x!.owner;
    out.unshift({ ...x!, own: true, section: 'This workspace', ...(owner ? { owner } : {}) });
  }
  return out;
}

/**
 * The production container the Health view and status bar follow:
 * 1. one the user chose (by id or name), when it still exists;
 * 2. one labelled as this workspace's production container;
 * 3. a container from a production image whose `/nso/run/packages` is a bind
 *    mount of a folder inside the workspace (started by hand or by Compose).
 * Among several, a running one wins, then the most recently created.
 */
export function selectProdContainer(
  containers: readonly WatchedContainer[],
  workspacePaths: readonly string[],
  preferred?: string,
): WatchedContainer | undefined {
  if (preferred) {
    const chosen = containers.find(
      (c) => c.id === preferred || c.name === preferred || c.id.startsWith(preferred),
    );
    if (chosen) return chosen;
  }
  const labelled = containers.filter((c) => {
    const workspace = workspaceOf(c.labels);
    return (
      roleOf(c.labels) === 'prod' &&
      workspace !== undefined &&
      workspacePaths.some((w) => samePath(w, workspace))
    );
  });
  if (labelled.length > 0) return best(labelled);

  const mounted = containers.filter(
    (c) =>
      containerRole(c) === 'prod' &&
      (c.details?.mounts ?? []).some(
        (m) =>
          m.type === 'bind' &&
          m.destination === packagesMountTarget &&
          workspacePaths.some((w) => isInside(m.source, w)),
      ),
  );
  return mounted.length > 0 ? best(mounted) : undefined;
}

/** The workspace's build container, by label. */
export function selectBuildContainer(
  containers: readonly WatchedContainer[],
  workspacePaths: readonly string[],
): WatchedContainer | undefined {
  const labelled = containers.filter((c) => {
    const workspace = workspaceOf(c.labels);
    return (
      roleOf(c.labels) === 'build' &&
      workspace !== undefined &&
      workspacePaths.some((w) => samePath(w, workspace))
    );
  });
  return labelled.length > 0 ? best(labelled) : undefined;
}

/** `127.0.0.1:2024 → 2024/tcp`, or `2024/tcp` when not published. */
export function describePort(p: PortBinding): string {
  const inside = `${p.containerPort}/${p.protocol}`;
  if (p.hostPort === undefined) return `${inside} (not published)`;
  return `${p.hostIp && p.hostIp !== '' ? p.hostIp : '0.0.0.0'}:${p.hostPort} → ${inside}`;
}

/**
 * The ports to show for a container. Docker reports published ports only
 * while the container runs: a stopped one shows the bindings it was created
 * with, `127.0.0.1:2024 → 2024/tcp (when running)`, so the ports NSO answers
 * on are known before it is started.
 */
export function describePorts(c: Pick<WatchedContainer, 'state' | 'details'>): string[] {
  const d = c.details;
  if (!d) return [];
  if (d.ports.length > 0 || c.state === 'running' || c.state === 'paused') {
    return d.ports.map(describePort);
  }
  return (d.settings?.portBindings ?? []).map(describeConfiguredPort);
}

function describeConfiguredPort(p: ConfiguredPortBinding): string {
  const host = `${p.hostIp !== '' ? p.hostIp : '0.0.0.0'}:${p.hostPort !== 0 ? p.hostPort : '(a free port)'}`;
  return `${host} → ${p.containerPort}/${p.protocol} (when running)`;
}

/** `volume NSO-vol → /nso`, `bind /home/me/ws/packages → /nso/run/packages (read-only)`. */
export function describeMount(m: MountInfo): string {
  const from = m.type === 'volume' ? (m.name ?? m.source) : m.source;
  return `${m.type} ${from} → ${m.destination}${m.readOnly ? ' (read-only)' : ''}`;
}

/** A short state for lists: "running (healthy)", "exited (1)", "created". */
export function describeState(c: WatchedContainer): string {
  if (c.state === 'running') return c.health === 'none' ? 'running' : `running (${c.health})`;
  if (c.state === 'exited' || c.state === 'dead') {
    const code = c.details?.state.exitCode;
    const oom = c.details?.state.oomKilled ? ', out of memory' : '';
    return code === undefined ? c.state : `${c.state} (${code}${oom})`;
  }
  return c.state;
}

function best(candidates: readonly WatchedContainer[]): WatchedContainer | undefined {
  return [...candidates].sort((a, b) => {
    const running = Number(b.state === 'running') - Number(a.state === 'running');
    return running !== 0 ? running : b.createdAt - a.createdAt;
  })[0];
}

function byRoleThenName(a: WatchedContainer, b: WatchedContainer): number {
  const rank = (c: WatchedContainer): number => {
    const role = containerRole(c);
    return role === 'prod' ? 0 : role === 'build' ? 1 : 2;
  };
  return rank(a) - rank(b) || a.name.localeCompare(b.name);
}

function byServiceThenName(a: WatchedContainer, b: WatchedContainer): number {
  const sa = a.labels[composeServiceLabel] ?? a.name;
  const sb = b.labels[composeServiceLabel] ?? b.name;
  return sa.localeCompare(sb) || a.name.localeCompare(b.name);
}

function normalise(p: string): string {
  const n = path.posix.normalize(p.replace(/\\/g, '/'));
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

function samePath(a: string, b: string): boolean {
  return normalise(a) === normalise(b);
}

function isInside(child: string, parent: string): boolean {
  const c = normalise(child);
  const p = normalise(parent);
  return c === p || c.startsWith(p.endsWith('/') ? p : `${p}/`);
}
