// Choosing the NSO images: Cisco ships them only as files loaded with
// `docker load`, so the candidates are whatever local images carry the
// documented names (any registry or path prefix).

export type ImageRole = 'build' | 'prod';

export interface LocalImage {
  id: string;
  repoTags: string[];
  /** Seconds since the epoch, as the engine reports `Created`. */
  created: number;
}

export interface NsoImageCandidate {
  /** The tag to use, e.g. `cisco-nso-build:6.4`. */
  ref: string;
  id: string;
  /** NSO version read from the tag, when the tag is a version. */
  version?: string;
  created: number;
}

const namesByRole: Record<ImageRole, RegExp> = {
  build: /(?:^|\/)cisco-nso-(?:build|dev)$/,
  prod: /(?:^|\/)cisco-nso-prod$/,
};

/** The repository part and tag of a reference like `reg:5000/x/cisco-nso-prod:6.4`. */
export function splitRef(ref: string): { repository: string; tag: string } {
  const at = ref.lastIndexOf(':');
  const slash = ref.lastIndexOf('/');
  if (at > slash) return { repository: ref.slice(0, at), tag: ref.slice(at + 1) };
  return { repository: ref, tag: 'latest' };
}

/** `6.4`, `6.4.1`, `6.2.5.1` → the version; anything else (latest, dev) → undefined. */
export function versionFromTag(tag: string): string | undefined {
  return /^v?(\d+\.\d+(?:\.\d+)*)(?:[-_.].*)?$/.exec(tag)?.[1];
}

/** Compares dotted versions numerically (6.10 > 6.9); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[._]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.split(/[._]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Every local image named like the role's Cisco image, best first: the
 * highest NSO version by tag, then the newest by creation time.
 */
export function nsoImageCandidates(images: LocalImage[], role: ImageRole): NsoImageCandidate[] {
  const out: NsoImageCandidate[] = [];
  for (const img of images) {
    for (const ref of img.repoTags) {
      if (ref === '<none>:<none>') continue;
      const { repository, tag } = splitRef(ref);
      if (!namesByRole[role].test(repository)) continue;
      const version = versionFromTag(tag);
      out.push({ ref, id: img.id, created: img.created, ...(version ? { version } : {}) });
    }
  }
  return out.sort((a, b) => {
    if (a.version && b.version) {
      const v = compareVersions(b.version, a.version);
      if (v !== 0) return v;
    } else if (a.version !== b.version) return a.version ? -1 : 1;
    return b.created - a.created;
  });
}

/** Whether the build and production images run the same NSO minor version (packages must match). */
export function versionsCompatible(buildVersion: string, prodVersion: string): boolean {
  const [a1, a2] = buildVersion.split('.');
  const [b1, b2] = prodVersion.split('.');
  return a1 === b1 && a2 === b2;
}

/**
 * What `docker load` brought, for the message after it: which NSO Workbench
 * feature uses each loaded image (by its name), and how to use one that is
 * not named like Cisco's.
 */
export function loadedImagesNote(refs: readonly string[]): string {
  const roles = new Set<ImageRole | 'other'>();
  for (const ref of refs) {
    const { repository } = splitRef(ref);
    const role = (Object.keys(namesByRole) as ImageRole[]).find((r) =>
      namesByRole[r].test(repository),
    );
    roles.add(role ?? 'other');
  }
  const notes: string[] = [];
  if (roles.has('build')) {
    notes.push(
      'Builds use the newest cisco-nso-build or cisco-nso-dev image unless nso.buildImage names one.',
    );
  }
  if (roles.has('prod')) {
    notes.push('Start NSO runs the newest cisco-nso-prod image unless nso.prodImage names one.');
  }
  if (roles.has('other') || refs.length === 0) {
    notes.push(
      `${refs.length === 0 ? 'The archive named no image' : 'It is not named like an NSO image'}: name it in nso.buildImage or nso.prodImage to use it.`,
    );
  }
  return notes.join(' ');
}
