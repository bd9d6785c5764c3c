// Turning the output of a package build (make → ncsc, ant → javac, python
// byte-compilation) into diagnostics on host files. Compiler wording and
// prefixes vary between NSO and tool versions, so every pattern is loose and
// anything unrecognised is kept whole rather than dropped.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export type BuildSeverity = 'error' | 'warning';

export interface BuildDiagnostic {
  /** Absolute host path of the file, or undefined when the message points outside the workspace. */
  file: string | undefined;
  /** 1-based line; 0 when the tool gave none. */
  line: number;
  /** 1-based column; 0 when the tool gave none. */
  column: number;
  severity: BuildSeverity;
  message: string;
  /** Which tool said it. */
  source: 'ncsc' | 'javac' | 'python' | 'make';
  /** The file as the tool wrote it, for messages that point outside the workspace. */
  reportedFile?: string;
  /**
   * The column counts from the line's first non-blank character: Python
   * echoes the offending line without its indentation, so only whoever reads
   * the file can place it (see indentColumns).
   */
  columnAfterIndent?: boolean;
}

export interface BuildLocation {
  /** Host folder of the package. */
  hostPackageDir: string;
  /** The same folder as the build container sees it, e.g. /nso/run/packages/<dir>. */
  containerPackageDir: string;
}

const ncscLine = /^(\S[^:]*?\.(?:yang|cli|fxs|yin)):(\d+)(?::(\d+))?:\s*(error|warning):\s*(.*)$/i;
const javacLine = /^\s*\[javac\]\s+(\S+\.java):(\d+):\s*(error|warning):\s*(.*)$/i;
const pythonFileLine = /^\s*File "([^"]+)", line (\d+)/;
const pythonErrorLine = /^(?:\w+\.)*(\w*(?:Error|Exception)):\s*(.*)$/;
const pythonCompileHeader = /^\*\*\* Error compiling '([^']+)'/;
const makeFailure = /^(?:g?make)(?:\[\d+\])?: \*\*\* (.*)$/;
const notFound = /^(?:\/bin\/sh|sh|bash)(?:: \d+)?: (?:\d+: )?(\S+): (?:command )?not found$/;

/** Maps a path as a tool printed it (relative to src/, or absolute in the container) to the host. */
/**
 * `make[1]: Entering directory '/nso/run/packages/o'brien/src'`: the name runs
 * to the last quote of the line, so quotes inside it are kept. make 3.x opens
 * with a backquote, some locales with typographic quotes.
 */
const makeDirectoryLine = /^\S*make(?:\[\d+\])?: (Entering|Leaving) directory [`'‘](.*)['’]\s*$/;

function toHost(reported: string, loc: BuildLocation, cwdInContainer: string): string | undefined {
  const inContainer = path.posix.isAbsolute(reported)
    ? path.posix.normalize(reported)
    : path.posix.normalize(path.posix.join(cwdInContainer, reported));
  const root = loc.containerPackageDir.replace(/\/+$/, '');
  if (inContainer !== root && !inContainer.startsWith(`${root}/`)) return undefined;
  const rel = inContainer.slice(root.length + 1);
  return path.join(loc.hostPackageDir, ...rel.split('/'));
}

/**
 * Reads the combined output of `make -C <pkg>/src all` and returns what the
 * developer should see in the Problems panel. When make failed and no tool
 * said anything precise, one diagnostic says so on package-meta-data.xml.
 */
export function parseBuildOutput(
  output: string,
  loc: BuildLocation,
  exitCode: number,
): BuildDiagnostic[] {
  const srcDir = `${loc.containerPackageDir.replace(/\/+$/, '')}/src`;
  const lines = output.split(/\r?\n/);
  const diagnostics: BuildDiagnostic[] = [];
  const makeFailures: string[] = [];
  let missingTool: string | undefined;
  // make -C prints "Entering directory" and "Leaving directory" around each
  // recursive make; ant runs javac from src/java. The directory matters only
  // for relative paths, which ncsc prints from src/.
  const dirs: string[] = [];
  let cwd = srcDir;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const makeDir = makeDirectoryLine.exec(line);
    if (makeDir) {
      if (makeDir[1] === 'Entering') dirs.push(makeDir[2]!);
      else dirs.pop();
      cwd = dirs.at(-1) ?? srcDir;
      continue;
    }

    const ncsc = ncscLine.exec(line);
    if (ncsc) {
      const reported = ncsc[1]!;
      diagnostics.push(
        located(reported, loc, cwd, {
          line: Number(ncsc[2]),
          column: ncsc[3] ? Number(ncsc[3]) : 0,
          severity: ncsc[4]!.toLowerCase() as BuildSeverity,
          message: ncsc[5]!.trim(),
          source: 'ncsc',
        }),
      );
      continue;
    }

    const javac = javacLine.exec(line);
    if (javac) {
      diagnostics.push(
        located(javac[1]!, loc, `${srcDir}/java`, {
          line: Number(javac[2]),
          column: javacColumn(lines, i),
          severity: javac[3]!.toLowerCase() as BuildSeverity,
          message: javac[4]!.trim(),
          source: 'javac',
        }),
      );
      continue;
    }

    const header = pythonCompileHeader.exec(line);
    const pyFile = pythonFileLine.exec(line);
    if (header || pyFile) {
      // A Python traceback: the last `File "…", line N` before the `XxxError:` line is the spot.
      let file = pyFile?.[1] ?? header?.[1];
      let lineNo = pyFile ? Number(pyFile[2]) : 0;
      let j = i + 1;
      let caret = 0;
      for (; j < lines.length && j < i + 40; j++) {
        const l = lines[j]!;
        const f = pythonFileLine.exec(l);
        if (f) {
          file = f[1];
          lineNo = Number(f[2]);
          continue;
        }
        if (/^\s*\^+\s*$/.test(l)) caret = l.indexOf('^') - (lines[j - 1]!.search(/\S/) ?? 0) + 1;
        const err = pythonErrorLine.exec(l);
        if (err) {
          diagnostics.push(
            located(file!, loc, cwd, {
              line: lineNo,
              column: caret > 0 ? caret : 0,
              severity: 'error',
              message: `${err[1]}: ${err[2]}`.trim(),
              source: 'python',
              ...(caret > 0 ? { columnAfterIndent: true } : {}),
            }),
          );
          break;
        }
      }
      i = j;
      continue;
    }

    const nf = notFound.exec(line.trim());
    if (nf) {
      missingTool = nf[1];
      continue;
    }

    const mf = makeFailure.exec(line);
    if (mf) makeFailures.push(mf[1]!.trim());
  }

  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (exitCode !== 0 && errors === 0) {
    const metaData = path.join(loc.hostPackageDir, 'package-meta-data.xml');
    let message: string;
    if (missingTool) {
      message = `${path.posix.basename(missingTool)} was not found: the build ran without NSO's environment. Check that the build image is an NSO development image and that builds run in a login shell.`;
    } else if (makeFailures.length > 0) {
      message = `make failed: ${makeFailures.join('; ')}. See the NSO Build output for details.`;
    } else {
      message = `The build failed with exit code ${exitCode} and no compiler message. See the NSO Build output for details.`;
    }
    diagnostics.push({
      file: metaData,
      line: 0,
      column: 0,
      severity: 'error',
      message,
      source: 'make',
    });
  }
  return dedupe(diagnostics);
}

/**
 * Adds the indentation of the host file's line to the columns Python counted
 * from the first non-blank character. A file or line that cannot be read
 * keeps the column as it was: still the right spot on the line's text.
 */
export async function indentColumns<D extends BuildDiagnostic>(
  diagnostics: D[],
  readText: (file: string) => Promise<string> = (f) => fs.readFile(f, 'utf8'),
): Promise<D[]> {
  const texts = new Map<string, Promise<string[] | undefined>>();
  const linesOf = (file: string): Promise<string[] | undefined> => {
    let t = texts.get(file);
    if (!t) {
      t = readText(file).then(
        (text) => text.split(/\r?\n/),
        () => undefined,
      );
      texts.set(file, t);
    }
    return t;
  };
  return Promise.all(
    diagnostics.map(async (d): Promise<D> => {
      if (!d.columnAfterIndent) return d;
      const placed: D = { ...d };
      delete placed.columnAfterIndent;
      const text = d.file && d.line > 0 ? (await linesOf(d.file))?.[d.line - 1] : undefined;
      if (text === undefined) return placed;
      const indent = /^[ \t\f]*/.exec(text)![0].length;
      return { ...placed, column: d.column + indent };
    }),
  );
}

function located(
  reported: string,
  loc: BuildLocation,
  cwd: string,
  d: Omit<BuildDiagnostic, 'file' | 'reportedFile'>,
): BuildDiagnostic {
  const file = toHost(reported, loc, cwd);
  if (file) return { ...d, file };
  // Outside the package (a NED's sources in the image): keep the full text.
  return {
    ...d,
    file: undefined,
    reportedFile: reported,
    message: `${reported}:${d.line}${d.column ? `:${d.column}` : ''}: ${d.message}`,
  };
}

/** javac prints the source line and a caret line under the error; the caret gives the column. */
function javacColumn(lines: string[], i: number): number {
  for (let k = i + 1; k < Math.min(lines.length, i + 4); k++) {
    const m = /^\s*\[javac\]( *)\^\s*$/.exec(lines[k]!);
    if (m) {
      const src = /^\s*\[javac\] (.*)$/.exec(lines[k - 1]!);
      if (!src) return 0;
      return m[1]!.length; // both lines share the "[javac] " prefix
    }
  }
  return 0;
}

function dedupe(ds: BuildDiagnostic[]): BuildDiagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.file}|${d.line}|${d.column}|${d.severity}|${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
