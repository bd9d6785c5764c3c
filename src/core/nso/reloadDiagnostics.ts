// Putting reload failures on the sources that caused them: NSO names a
// template file and line in `info`, and writes Python tracebacks to the
// package's Python VM log rather than to the CLI.
import * as path from 'node:path';

export interface ReloadDiagnostic {
  /** Absolute host path. */
  file: string;
  /** 1-based; 0 when unknown (the whole file). */
  line: number;
  message: string;
}

export interface PackageLocation {
  name: string;
  /** Host folder of the package. */
  hostDir: string;
  /** The folder's name under /nso/run/packages in the container. */
  dirName: string;
}

const templateRef = /(?:^|[\s'"])((?:[\w.-]+\/)*[\w.-]+\.xml):(\d+):?\s*(.*)$/;
const pythonFileRef = /File "([^"]+)", line (\d+)/g;

/**
 * Where an `info` text of a failed package belongs: the template line it
 * names, the Python line from the VM log tail, or else package-meta-data.xml.
 */
export function locateReloadFailure(
  pkg: PackageLocation,
  info: string,
  pythonLogTail?: string,
): ReloadDiagnostic {
  const metaData = path.join(pkg.hostDir, 'package-meta-data.xml');

  const t = templateRef.exec(info);
  if (t) {
    const file = t[1]!;
    const rel = file.includes('/') ? file : path.posix.join('templates', file);
    return {
      file: path.join(pkg.hostDir, ...rel.split('/')),
      line: Number(t[2]),
      message: t[3]?.trim() || info,
    };
  }

  if (pythonLogTail) {
    const prefix = `/nso/run/packages/${pkg.dirName}/`;
    let last: { file: string; line: number } | undefined;
    for (const m of pythonLogTail.matchAll(pythonFileRef)) {
      const f = m[1]!;
      if (f.startsWith(prefix)) last = { file: f.slice(prefix.length), line: Number(m[2]) };
    }
    if (last) {
      const errorLine = pythonLogTail
        .split(/\r?\n/)
        .reverse()
        .find((l) => /^\s*(?:<\w+>\s+)?[\w.]*(?:Error|Exception)\b/.test(l.trim()));
      return {
        file: path.join(pkg.hostDir, ...last.file.split('/')),
        line: last.line,
        message: errorLine?.trim() || info,
      };
    }
  }

  return { file: metaData, line: 0, message: `${pkg.name} failed to load: ${info}` };
}

/**
 * The last traceback of a Python VM log tail: the log keeps every earlier
 * failure too, and only the newest one is about this reload.
 */
export function lastTraceback(logTail: string): string {
  const lines = logTail.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/Traceback \(most recent call last\)|Failed to load package/.test(lines[i]!)) {
      return lines.slice(i).join('\n');
    }
  }
  return logTail;
}
