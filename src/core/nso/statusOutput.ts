// Parsing `ncs --status`, `ncs_cmd -c get_phase`, `ncs --version` and the
// messages of ncs-backup. Only the lines we use are read; the rest of these
// long outputs varies by version and is ignored.

export interface NcsStatus {
  /** `vsn:` line, e.g. "6.2" or "6.4.1". */
  version?: string;
  /** starting | phase0 | phase1 | started | stopping, or whatever a newer NSO prints. */
  status?: string;
  runningModules: string[];
  /** True when ncs answered; false for "connection refused (status)". */
  reachable: boolean;
}

export function parseNcsStatus(raw: string): NcsStatus {
  if (/connection refused/i.test(raw) && !/^\s*status:/m.test(raw)) {
    return { reachable: false, runningModules: [] };
  }
  const version = /^\s*vsn:\s*(\S+)/m.exec(raw)?.[1];
  const status = /^\s*status:\s*(\S+)/m.exec(raw)?.[1];
  const running = /^\s*running modules:\s*(.*)$/m.exec(raw)?.[1];
  return {
    reachable: version !== undefined || status !== undefined,
    ...(version ? { version } : {}),
    ...(status ? { status } : {}),
    runningModules: running
      ? running
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
  };
}

export interface NcsPhase {
  /** 0, 1 or 2 (2 = started). */
  phase: number;
  flags: string[];
}

/** `phase: 2 flags: 0x0` with optional ` INIT` / ` UPGRADE` words after the flags. */
export function parsePhase(raw: string): NcsPhase | undefined {
  const m = /phase:\s*(\d+)(?:\s+flags:\s*(0x[0-9a-f]+))?(.*)$/im.exec(raw);
  if (!m) return undefined;
  const words = (m[3] ?? '').trim().split(/\s+/).filter(Boolean);
  return { phase: Number(m[1]), flags: words };
}

/** `ncs --version` prints the bare version, e.g. "6.4.1" or "6.2.5_240514". */
export function parseNcsVersion(raw: string): string | undefined {
  return /(\d+\.\d+(?:\.\d+)*(?:[._][\w]+)?)/.exec(raw)?.[1];
}

export type BackupOutcome = { ok: true; file: string } | { ok: false; message: string };

/** `INFO  Backup <file> created successfully` (possibly wrapped) or `ERROR ** <text>`. */
export function parseBackupOutput(raw: string): BackupOutcome {
  const flat = raw.replace(/\r?\n(?=successfully)/g, ' ');
  const ok = /INFO\s+Backup\s+(\S+)\s+created\s+successfully/.exec(flat);
  if (ok) return { ok: true, file: ok[1]! };
  const err = /ERROR\s*\*\*\s*(.*)$/m.exec(raw);
  return { ok: false, message: err ? err[1]!.trim() : raw.trim() || 'ncs-backup printed nothing' };
}

export type RestoreOutcome = { ok: true; warnings: string[] } | { ok: false; message: string };

export function parseRestoreOutput(raw: string): RestoreOutcome {
  const err = /ERROR\s*\*\*\s*(.*)$/m.exec(raw);
  if (err) return { ok: false, message: err[1]!.trim() };
  if (/INFO\s+Restore completed successfully/.test(raw)) {
    // Anything else ncs-backup said (e.g. a backup from another NSO version) is worth showing.
    const warnings = [...raw.matchAll(/^(?:INFO|ERROR)\s+(.*)$/gm)]
      .map((m) => m[1]!.trim())
      .filter((w) => !/^Restore completed successfully/.test(w) && !w.startsWith('**'));
    return { ok: true, warnings };
  }
  return { ok: false, message: raw.trim() || 'ncs-backup --restore printed nothing' };
}

export interface BackupName {
  /** NSO version the backup was taken with. */
  version: string;
  /** ISO-like local time from the name, e.g. 2024-11-03T11:31:07. */
  time: string;
  local: boolean;
}

/** `ncs-<vsn>@<YYYY-MM-DDTHH:MM:SS>.backup[.gz]`, and the `_local` variant. */
export function parseBackupName(name: string): BackupName | undefined {
  const m = /^ncs-(.+?)@(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(_local)?\.backup(?:\.gz)?$/.exec(
    name,
  );
  if (!m) return undefined;
  return { version: m[1]!, time: m[2]!, local: m[3] !== undefined };
}
