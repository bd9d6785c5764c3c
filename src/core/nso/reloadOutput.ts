// Parsing what `ncs_cli` prints for `packages reload`, `packages package <p>
// redeploy` and `show packages package <p> oper-status`. NSO versions differ in
// prefixes (">>> " or ">>>> "), prompts, wrapping and J- versus C-style
// framing, so each pattern matches loosely; the raw text is always kept, and
// success is claimed only when every package said `result true`.

export interface PackageReloadResult {
  package: string;
  result: boolean;
  /** The `info` text of a failed package, joined when it spans lines. */
  info?: string;
}

export interface ModuleDeletion {
  package: string;
  module: string;
}

export type ReloadOutcome =
  /** Every package loaded: `result true` for each. */
  | { kind: 'ok'; results: PackageReloadResult[]; upgraded: boolean }
  /** Some package said `result false`. */
  | { kind: 'failed'; results: PackageReloadResult[]; upgraded: boolean }
  /**
   * NSO refused because modules would be deleted; nothing changed. `said` is
   * NSO's refusal verbatim, header to "proceed with 'force'" line; `unread`
   * holds the lines of its list that named no `package: module`, so that a
   * list that could not be read is never offered as complete.
   */
  | { kind: 'deletionRefused'; deletions: ModuleDeletion[]; said: string[]; unread: string[] }
  /** A package needs a newer NSO. */
  | { kind: 'versionRefused'; package: string; requiredVersion: string; message: string }
  /** An `Error:` (or a syntax error) that is none of the above. */
  | { kind: 'error'; message: string }
  /** Nothing recognisable: never treated as success. */
  | { kind: 'unknown'; message: string };

export interface ParsedReload {
  outcome: ReloadOutcome;
  /** `System message at …` blocks seen in between. */
  systemMessages: string[];
  /**
   * Nothing but the upgrade banner and system messages: what `packages
   * reload` prints when NSO's load path holds no package at all.
   */
  empty: boolean;
  raw: string;
}

const promptLine = /^\s*[\w.@-]+(?:@[\w.-]+)?[#>]\s?/;
const bannerLine = /^\s*>{3,}\s*(.*)$/;
const systemMessage = /^\s*System message at (.*)$/;

/** Removes CLI prompts that a TTY-less ncs_cli may still print before commands. */
function stripPrompt(line: string): string {
  return line.replace(promptLine, '');
}

export function parseReloadOutput(raw: string): ParsedReload {
  const lines = raw.split(/\r?\n/);
  const results: PackageReloadResult[] = [];
  const systemMessages: string[] = [];
  let upgraded = false;
  let deletions: ModuleDeletion[] | undefined;
  let said: string[] = [];
  let unread: string[] = [];
  let error: string | undefined;
  let current: PackageReloadResult | undefined;
  let inBlock = false;
  let lastKey: 'info' | undefined;
  let empty = true;

  for (let i = 0; i < lines.length; i++) {
    const original = lines[i]!;
    const line = stripPrompt(original).trimEnd();
    if (line.trim() === '') continue;

    const sys = systemMessage.exec(line);
    if (sys) {
      // The message body is the indented lines that follow.
      const body = [sys[1]!.trim()];
      while (i + 1 < lines.length && /^\s{2,}\S/.test(lines[i + 1]!)) body.push(lines[++i]!.trim());
      systemMessages.push(body.join(' '));
      continue;
    }

    const banner = bannerLine.exec(line);
    if (banner) {
      if (/upgrade/i.test(banner[1]!) && /complet/i.test(banner[1]!)) upgraded = true;
      continue;
    }
    empty = false;

    if (/^\s*reload-result\s*\{/.test(line)) {
      current = { package: '', result: false };
      inBlock = true;
      lastKey = undefined;
      continue;
    }
    if (inBlock && /^\s*\}\s*$/.test(line)) {
      if (current && current.package) results.push(current);
      current = undefined;
      inBlock = false;
      continue;
    }
    if (inBlock && current) {
      const kv = /^\s*(package|result|info)\s+(.*)$/.exec(line);
      if (kv) {
        const value = kv[2]!.trim();
        if (kv[1] === 'package') current.package = cliValue(value);
        else if (kv[1] === 'result') current.result = value === 'true';
        else current.info = cliValue(value);
        lastKey = kv[1] === 'info' ? 'info' : undefined;
      } else if (lastKey === 'info') {
        // A long info wrapped onto the next line.
        current.info = `${current.info ?? ''} ${line.trim()}`.trim();
      }
      continue;
    }

    // J-style prints results without braces: "reload-result {" is the same, but
    // older versions list "package X" / "result true" flat after a header.
    const flat = /^\s*package\s+(\S.*?)\s*$/.exec(line);
    if (flat && !deletions) {
      const next = lines[i + 1] ? stripPrompt(lines[i + 1]!) : '';
      const res = /^\s*result\s+(true|false)/.exec(next);
      if (res) {
        results.push({ package: cliValue(flat[1]!), result: res[1] === 'true' });
        i++;
        continue;
      }
    }

    if (/modules will be deleted by upgrade/i.test(line)) {
      deletions = [];
      said = [line.trim()];
      unread = [];
      for (let j = i + 1; j < lines.length; j++) {
        const l = stripPrompt(lines[j]!).trim();
        if (l === '' || /^\.\.\.$/.test(l)) continue;
        // Another answer starts: the refusal ended without its usual last line.
        if (
          systemMessage.test(l) ||
          bannerLine.test(l) ||
          /^(?:reload-result\b|packages package\s|%\s)/.test(l)
        ) {
          i = j - 1;
          break;
        }
        said.push(l);
        i = j;
        if (/proceed with .?force/i.test(l)) break;
        const d = parseModuleDeletion(l);
        if (d) deletions.push(d);
        else unread.push(l);
      }
      continue;
    }

    const version = /Failed to load NCS package:\s*([^;]+);\s*requires NCS version\s*(\S+)/i.exec(
      line,
    );
    if (version) {
      return {
        outcome: {
          kind: 'versionRefused',
          package: version[1]!.trim(),
          requiredVersion: version[2]!.replace(/[.,]$/, ''),
          message: line.replace(/^\s*Error:\s*/, '').trim(),
        },
        systemMessages,
        empty,
        raw,
      };
    }

    const err = /^\s*(Error|syntax error|Aborted):?\s*(.*)$/i.exec(line);
    if (err && !error) error = `${err[1]}: ${err[2]}`.replace(/:\s*$/, '');
  }

  let outcome: ReloadOutcome;
  if (deletions) outcome = { kind: 'deletionRefused', deletions, said, unread };
  else if (results.length > 0) {
    outcome = results.every((r) => r.result)
      ? { kind: 'ok', results, upgraded }
      : { kind: 'failed', results, upgraded };
  } else if (error) outcome = { kind: 'error', message: error };
  else outcome = { kind: 'unknown', message: raw.trim() || '(no output)' };
  return { outcome, systemMessages, empty, raw };
}

/** `packages package <p> redeploy` prints `result true` or `result false` and maybe `info`. */
export function parseRedeployOutput(raw: string): {
  result: boolean | undefined;
  info?: string;
  error?: string;
} {
  let result: boolean | undefined;
  let info: string | undefined;
  let error: string | undefined;
  for (const l of raw.split(/\r?\n/)) {
    const line = stripPrompt(l).trim();
    const r = /^result\s+(true|false)/.exec(line);
    if (r) result = r[1] === 'true';
    const inf = /^info\s+(.*)$/.exec(line);
    if (inf) info = cliValue(inf[1]!);
    const e = /^(Error|syntax error):?\s*(.*)$/i.exec(line);
    if (e && !error) error = `${e[1]}: ${e[2]}`;
  }
  return { result, ...(info ? { info } : {}), ...(error ? { error } : {}) };
}

export interface OperStatus {
  /** `up`, or the failure kind, e.g. `file-load-error`, `python-vm-error`. */
  status: string;
  errorInfo?: string;
}

/** `show packages package <p> oper-status` (C-style) or the J-style block form. */
export function parseOperStatus(raw: string): OperStatus | undefined {
  let status: string | undefined;
  let errorInfo: string | undefined;
  let inBlock = false;
  for (const l of raw.split(/\r?\n/)) {
    const line = stripPrompt(l).trim();
    if (/^oper-status\s*\{$/.test(line)) {
      inBlock = true;
      continue;
    }
    if (line === '}') {
      inBlock = false;
      continue;
    }
    const info = /^(?:oper-status\s+)?error-info\s+(.*?);?$/.exec(line);
    if (info) {
      errorInfo = cliValue(info[1]!);
      continue;
    }
    const st = /^oper-status\s+(\S+?);?$/.exec(line);
    if (st) {
      status = st[1];
      continue;
    }
    // J-style: "oper-status {" then the state as a bare word, e.g. "up;".
    const bare = /^([a-z][a-z-]*);?$/.exec(line);
    if (inBlock && bare && status === undefined) status = bare[1];
  }
  return status === undefined ? undefined : { status, ...(errorInfo ? { errorInfo } : {}) };
}

/**
 * A key or value as ncs_cli prints it: in double quotes, with `\"` and `\\`
 * escaped, when it holds blanks, quotes or other special characters; bare
 * otherwise. A package name is any string, so both forms occur.
 */
export function cliValue(s: string): string {
  const t = s.trim();
  const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(t);
  if (!quoted) return t;
  // One pass over the escapes, so `\\"` reads as a backslash then a quote.
  return quoted[1]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

/**
 * One line of NSO's "modules will be deleted by upgrade" list: `<package>:
 * <module>`. The module is a YANG identifier; the package name may hold
 * blanks, quotes and colons and may be quoted, so it is everything before the
 * last colon.
 */
export function parseModuleDeletion(line: string): ModuleDeletion | undefined {
  const m = /^(.+):\s*([A-Za-z_][\w.-]*)$/.exec(line.trim());
  if (!m) return undefined;
  const pkg = cliValue(m[1]!);
  return pkg === '' ? undefined : { package: pkg, module: m[2]! };
}

/** A line that starts the answer to one `show packages package <p> oper-status`. */
const operStatusHead =
  /^\s*(?:oper-status\s+(?!error-info\b)\S|%\s*No entries found|(?:Error|syntax error)\b)/i;

/**
 * Splits the output of one session that ran a reload (or redeploys) and then
 * `show packages package <p> oper-status` for each of `packages`, in that
 * order. Without a terminal NSO echoes no commands, so the answers are told
 * apart by their first lines: every answer starts with `oper-status <state>`,
 * `% No entries found.` or an error. Returns undefined when the count does not
 * match (the caller then asks again one package per session).
 */
export function splitOperStatusAnswers(
  raw: string,
  packages: readonly string[],
): { before: string; statuses: Map<string, OperStatus | undefined> } | undefined {
  const lines = raw.split(/\r?\n/);
  const from = lines.findIndex((l) =>
    /^\s*(?:oper-status\s|%\s*No entries found)/i.test(stripPrompt(l)),
  );
  if (packages.length === 0) return { before: raw, statuses: new Map() };
  if (from < 0) return undefined;
  const groups: string[][] = [];
  for (const l of lines.slice(from)) {
    const line = stripPrompt(l);
    if (line.trim() === '') continue;
    if (
      systemMessage.test(line) ||
      (/^\s{2,}\S/.test(line) && groups.length > 0 && !/^\s*oper-status/.test(line))
    ) {
      // An asynchronous system message and its indented body are nobody's answer.
      continue;
    }
    if (operStatusHead.test(line) || groups.length === 0) groups.push([line]);
    else groups[groups.length - 1]!.push(line);
  }
  if (groups.length !== packages.length) return undefined;
  const statuses = new Map<string, OperStatus | undefined>();
  packages.forEach((p, i) => statuses.set(p, parseOperStatus(groups[i]!.join('\n'))));
  return { before: lines.slice(0, from).join('\n'), statuses };
}

/**
 * The answers of `packages package <p> redeploy` for each of `packages`, sent
 * in one session: one `result true|false` (or an error line) each, in order.
 * Undefined when the count does not match.
 */
export function splitRedeployAnswers(
  raw: string,
  packages: readonly string[],
): Map<string, ReturnType<typeof parseRedeployOutput>> | undefined {
  const answers: string[] = [];
  for (const l of raw.split(/\r?\n/)) {
    const line = stripPrompt(l).trim();
    if (/^(?:result\s+(?:true|false)|(?:Error|syntax error)\b)/i.test(line)) answers.push(line);
    else if (/^info\s/.test(line) && answers.length > 0) answers[answers.length - 1] += `\n${line}`;
  }
  if (answers.length !== packages.length) return undefined;
  const out = new Map<string, ReturnType<typeof parseRedeployOutput>>();
  packages.forEach((p, i) => out.set(p, parseRedeployOutput(answers[i]!)));
  return out;
}

/**
 * Each package's oper-status from `show packages package` (every package in
 * one answer): blocks that start with `packages package <name>` and hold
 * ` oper-status <state>` and ` oper-status error-info "…"` lines. One command
 * instead of one per package; a package that is not listed is not loaded.
 */
export function parsePackagesShow(raw: string): Map<string, OperStatus | undefined> {
  const out = new Map<string, OperStatus | undefined>();
  let current: string | undefined;
  let lines: string[] = [];
  const close = (): void => {
    if (current !== undefined) out.set(current, parseOperStatus(lines.join('\n')));
  };
  for (const l of raw.split(/\r?\n/)) {
    const line = stripPrompt(l);
    const head = /^packages package\s+(\S.*?)\s*$/.exec(line);
    if (head) {
      close();
      current = cliValue(head[1]!);
      lines = [];
      continue;
    }
    if (current !== undefined && /^\s+oper-status\b/.test(line)) lines.push(line.trim());
  }
  close();
  return out;
}

/** Where the answer of a trailing `show packages package` starts in a session's output. */
export function packagesShowStart(raw: string): number {
  return raw.search(/^packages package\s/m);
}
