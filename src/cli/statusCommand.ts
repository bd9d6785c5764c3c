import {
  type FixAction,
  formatDuration,
  healthCheckWords,
  type NsoHealth,
  statusWords,
} from '../core/nso/health';
import { readNsoHealthOnce } from '../core/watch/healthOnce';
import { describeState } from '../core/watch/nsoContainers';
import { parseArgs, type Subcommand } from './main';
import { openWorkspace, requireNamedContainer, workspaceOptions } from './workspace';
import { restoringError, restoringFor } from '../core/nso/restoreLock';

/**
 * `nso-workbench status [--dir D] [--container C] [--admin-user U] [--json]`:
 * the workspace's NSO health as the status bar and Health view show it.
 * Exits 0 when NSO runs with every package up, 1 otherwise (stopped,
 * starting, unhealthy, packages down, no container, Docker unreachable).
 */
export const statusCommand: Subcommand = {
  name: 'status',
  summary: 'NSO health: container, health check, NSO phase, packages, problems and fixes',
  usage:
    'nso-workbench status [--dir <workspace>] [--container <name>] [--admin-user <user>] [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        ...workspaceOptions,
        container: { type: 'string' },
        'admin-user': { type: 'string' },
      },
      strict: true,
    });
    const ws = await openWorkspace(values, io);
    const dir = ws.dir;
    const adminUser = values['admin-user'] ?? ws.setting('nso.adminUser');

    let reading;
    let restoring: string | undefined;
    try {
      const client = ws.docker();
      await requireNamedContainer(client, values.container);
      reading = await readNsoHealthOnce(client, {
        workspacePaths: [dir],
        ...(adminUser ? { adminUser } : {}),
        ...(values.container ? { container: values.container } : {}),
      });
      // What the container's state alone does not say: a restore has it stopped or away.
      restoring = await restoringFor(client, dir);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (values.json)
        io.stdout.write(`${JSON.stringify({ ok: false, error: message }, null, 2)}\n`);
      else io.stderr.write(`nso-workbench status: ${message}\n`);
      return 1;
    }

    const { health, groups } = reading;
    const now = Date.now();
    const ok =
      restoring === undefined &&
      (health.state === 'healthy' || health.state === 'running') &&
      !health.problems.some((p) => p.severity === 'error');
    const restore = restoring === undefined ? undefined : restoringError(restoring).message;

    if (values.json) {
      io.stdout.write(
        `${JSON.stringify(
          {
            ok,
            status: statusWords(health, now),
            ...(restore !== undefined ? { restore } : {}),
            health,
            containers: groups.flatMap((g) =>
              g.containers.map((c) => ({
                group:
                  g.kind === 'workspace'
                    ? 'workspace'
                    : g.kind === 'compose'
                      ? `compose:${g.project}`
                      : 'other',
                id: c.id,
                name: c.name,
                image: c.image,
                state: c.state,
                health: c.health,
              })),
            ),
          },
          null,
          2,
        )}\n`,
      );
      return ok ? 0 : 1;
    }

    io.stdout.write(renderText(health, now));
    if (restore !== undefined) io.stdout.write(`  restore    ${restore}\n`);
    const others = groups.flatMap((g) => g.containers).filter((c) => c.id !== health.container?.id);
    if (others.length > 0) {
      io.stdout.write('\nother NSO containers:\n');
      for (const c of others) io.stdout.write(`  ${c.name}  ${describeState(c)}  ${c.image}\n`);
    }
    return ok ? 0 : 1;
  },
};

function renderText(h: NsoHealth, now: number): string {
  const lines: string[] = [statusWords(h, now), `  summary    ${h.summary}`];
  const c = h.container;
  if (c) {
    const up = h.uptimeMs !== undefined ? `, up ${formatDuration(h.uptimeMs)}` : '';
    // Docker marks a container that stops unhealthy: that is history, as in the Health view.
    const running = c.state === 'running';
    lines.push(
      `  container  ${c.name} (${c.state}${running && c.health !== 'none' ? `, ${c.health}` : ''}${up})`,
    );
    if (c.health !== 'none') lines.push(`  check      ${healthCheckWords(h)}`);
    lines.push(`  image      ${c.image}`);
    if (h.startPeriod) {
      lines.push(
        `  start      ${formatDuration(h.startPeriod.elapsedMs)} of a ${formatDuration(h.startPeriod.totalMs)} start period`,
      );
    }
    const last = c.probes[c.probes.length - 1];
    if (last && running) {
      lines.push(
        `  last probe exit ${last.exitCode}${last.output.trim() ? `: ${last.output.trim().split('\n')[0]}` : ''}`,
      );
    }
  }
  if (h.nso) {
    const parts = [
      h.nso.version && `version ${h.nso.version}`,
      h.nso.status,
      h.nso.phase !== undefined && `phase ${h.nso.phase}`,
    ];
    lines.push(
      `  nso        ${parts.filter(Boolean).join(', ') || (h.nso.probeError ?? 'no answer')}`,
    );
  }
  if (h.packages) {
    lines.push(
      `  packages   ${h.packages.length === 0 ? 'none loaded' : h.packages.map((p) => `${p.name} ${p.operStatus}`).join(', ')}`,
    );
  }
  for (const r of [h.lastBuild, h.lastReload]) {
    if (r) lines.push(`  last ${r.kind.padEnd(6)}${r.ok ? 'ok' : 'failed'}: ${r.summary}`);
  }
  lines.push(`  docker     ${h.endpoint} (${h.engine.phase})`);
  if (h.problems.length > 0) {
    lines.push('', 'problems:');
    for (const p of h.problems) {
      lines.push(`  ${p.severity.padEnd(7)} ${p.message}`);
      for (const d of (p.detail ?? '').split('\n').filter((x) => x.trim() !== '')) {
        lines.push(`          ${d}`);
      }
      const hints = p.fixes.map(fixHint).filter((x): x is string => x !== undefined);
      if (hints.length > 0) lines.push(`          fix: ${hints.join('; or ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The command-line way to do what the extension's fix does. */
function fixHint(fix: FixAction): string | undefined {
  switch (fix.kind) {
    case 'retryDocker':
      return 'check that the engine answers: docker info';
    case 'configureDocker':
      return 'point DOCKER_HOST (or nso.docker.host) at the engine';
    case 'startNso':
      return 'nso-workbench start';
    case 'useExistingContainer':
      return 'nso-workbench status --container <name>';
    case 'startContainer':
      return `docker start ${fix.container}`;
    case 'restartContainer':
      return `docker restart ${fix.container}`;
    case 'unpauseContainer':
      return `docker unpause ${fix.container}`;
    case 'showContainerLogs':
      return `docker logs ${fix.container}`;
    case 'openNsoLog':
      return `docker exec ${fix.container} tail -n 100 /log/${fix.file}`;
    case 'openShell':
      return `docker exec -it ${fix.container} bash -l`;
    case 'buildAndReload':
      return 'nso-workbench build && nso-workbench reload';
    case 'reloadPackages':
      return 'nso-workbench reload';
    case 'refreshHealth':
      return 'run nso-workbench status again';
    case 'openSettings':
      return `the setting ${fix.setting}`;
    case 'showLog':
    case 'showProblems':
      return undefined;
  }
}
