// Everything the harness starts (code-server, Chromium) runs in its own process
// group, so one signal reaches the whole tree: code-server's extension host and
// file watchers, Chromium's renderers and zygotes.
import { appendFileSync } from 'node:fs';

const gracePeriodMs = 3000;
const pollMs = 100;

// Every group this process started, for the signal handler below.
const started = new Set<number>();

/**
 * Notes a process group in the file named by NSO_TEST_PGID_FILE, so the shell
 * wrapper can still kill it when this Node process itself is killed.
 */
export function recordProcessGroup(pgid: number): void {
  started.add(pgid);
  const file = process.env.NSO_TEST_PGID_FILE;
  if (file) appendFileSync(file, `${pgid}\n`);
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the group, then SIGKILL to whatever is left after the grace period. */
export async function killProcessGroup(pgid: number): Promise<void> {
  if (!groupAlive(pgid)) return;
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + gracePeriodMs;
  while (groupAlive(pgid) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  if (groupAlive(pgid)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // It ended between the check and the kill.
    }
  }
}

/**
 * On SIGINT, SIGTERM or SIGHUP, kills every recorded group at once and exits
 * (130 for an interrupt, 143 otherwise): finally blocks do not run when a
 * signal ends the process.
 */
export function killProcessGroupsOnSignal(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`[harness] ${signal}: stopping code-server and Chromium`);
      for (const pgid of started) {
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}
