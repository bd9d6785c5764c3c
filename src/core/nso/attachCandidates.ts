// Which containers "Use Existing Container…" offers, and in what order. Any
// container can be picked (an NSO image under a name we do not recognise is
// still NSO), but the likely ones come first: running before stopped, then
// NSO-looking (our labels, a cisco-nso-prod image, a Compose service) before
// the rest, newest first within each group.

import type { ContainerSummary } from '../docker/client';
import { looksLikeNso, nsoImageRole } from '../watch/nsoContainers';
import { composeProjectLabel, composeServiceLabel } from './labels';

export interface AttachCandidate {
  readonly id: string;
  readonly name: string;
  readonly running: boolean;
  /** A short line for the pick list: image and, for Compose, project/service. */
  readonly description: string;
  /** Docker's status text, e.g. "Up 3 minutes (healthy)" or "Exited (0) 2 hours ago". */
  readonly detail: string;
  /** Whether the image or labels say this is an NSO production container. */
  readonly likelyProd: boolean;
}

function rank(c: ContainerSummary): number {
  const running = c.state === 'running' || c.state === 'restarting';
  const prod = nsoImageRole(c.image) === 'prod';
  const nso = looksLikeNso(c);
  return (running ? 0 : 4) + (prod ? 0 : nso ? 1 : 2);
}

export function attachCandidates(containers: readonly ContainerSummary[]): AttachCandidate[] {
  return [...containers]
    .sort((a, b) => rank(a) - rank(b) || b.createdAt.getTime() - a.createdAt.getTime())
    .map((c) => {
      const project = c.labels[composeProjectLabel];
      const service = c.labels[composeServiceLabel];
      const compose = project ? ` · Compose ${project}${service ? `/${service}` : ''}` : '';
      return {
        id: c.id,
        name: c.name,
        running: c.state === 'running',
        description: `${c.image}${compose}`,
        detail: c.status || c.state,
        likelyProd: nsoImageRole(c.image) === 'prod',
      };
    });
}
