// `docker` arguments for a container that the extension takes for a
// workspace's production container, as the health and event tests and the
// health bench start one by hand: spelled out here as the product's contract
// (the labels), not read from the product's own code, so a changed label
// fails these tests.

/** The labels that mark a container as `workspace`'s production container. */
export function prodLabelArgs(workspace: string): string[] {
  return [
    '--label',
    'org.nso-workbench.role=prod',
    '--label',
    `org.nso-workbench.workspace=${workspace}`,
  ];
}

/**
 * `docker run -d` of such a container named `name`, on no network; the
 * caller adds its own options, the image and the command.
 */
export function runProdArgs(name: string, workspace: string): string[] {
  return ['run', '-d', '--name', name, ...prodLabelArgs(workspace), '--network', 'none'];
}

/** A health check that passes while /tmp/healthy exists, probed every second, failing at once. */
export const fileHealthCheckArgs = [
  '--health-cmd',
  'test -e /tmp/healthy',
  '--health-interval',
  '1s',
  '--health-timeout',
  '1s',
  '--health-retries',
  '1',
];

/** A command that idles and ends at once on SIGTERM, so stopping it takes no grace period. */
export const idleCommand = ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'];
