// `nso-workbench lint-conf`: the ncs.conf validator for CI pipelines, without VS Code.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isFragmentPath } from '../ncsconf/binding';
import type { ConfProblem } from '../ncsconf/problems';
import { SchemaIndex } from '../ncsconf/schemaIndex';
import { validateConf } from '../ncsconf/validator';
import { compileSchemaFromDirectories } from '../ncsconf/yang/loadSchema';
import {
  readCompactSchema,
  SchemaCache,
  serializeCompactSchema,
} from '../ncsconf/yang/schemaCache';
import type { CompactSchema } from '../ncsconf/yang/schema';
import { parseArgs, type CliIo, type Subcommand } from './main';

const severityWord = { error: 'error', warning: 'warning', information: 'info' } as const;

interface Located {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** 1-based line and column of each offset, in one pass over the text. */
function locate(text: string, offsets: number[]): Map<number, { line: number; column: number }> {
  const sorted = [...new Set(offsets)].sort((a, b) => a - b);
  const out = new Map<number, { line: number; column: number }>();
  let line = 1;
  let lineStart = 0;
  let i = 0;
  for (const off of sorted) {
    for (; i < off && i < text.length; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    out.set(off, { line, column: off - lineStart + 1 });
  }
  return out;
}

async function loadSchema(
  source: string,
  options: { nsoVersion?: string; cacheDir?: string },
): Promise<CompactSchema> {
  const stat = await fs.stat(source).catch(() => undefined);
  if (!stat) throw new Error(`--schema ${source} does not exist`);
  if (stat.isFile()) return readCompactSchema(source);
  if (options.cacheDir)
    return (await new SchemaCache(options.cacheDir).load([source], options.nsoVersion)).schema;
  const opts: { nsoVersion?: string } = {};
  if (options.nsoVersion !== undefined) opts.nsoVersion = options.nsoVersion;
  return (await compileSchemaFromDirectories([source], opts)).schema;
}

export const lintConfCommand: Subcommand = {
  name: 'lint-conf',
  summary: 'Validate ncs.conf files (and ncs.conf.d/*.conf fragments) against the NSO schema',
  usage:
    'nso-workbench lint-conf <file...> [--schema <yang-dir|schema.json>] [--nso-version <v>] [--cache-dir <dir>] [--env NAME]... [--fragment] [--write-schema <file>] [--json]',
  async run(args: string[], io: CliIo): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        strict: true,
        options: {
          schema: { type: 'string' },
          'nso-version': { type: 'string' },
          'cache-dir': { type: 'string' },
          env: { type: 'string', multiple: true },
          fragment: { type: 'boolean', default: false },
          'write-schema': { type: 'string' },
          json: { type: 'boolean', default: false },
        },
      });
    } catch (err) {
      io.stderr.write(
        `nso-workbench lint-conf: ${err instanceof Error ? err.message : String(err)}\nUsage: ${this.usage}\n`,
      );
      return 2;
    }
    const { values, positionals: files } = parsed;
    const writeSchema = values['write-schema'];
    if (files.length === 0 && !writeSchema) {
      io.stderr.write(`nso-workbench lint-conf: name at least one file.\nUsage: ${this.usage}\n`);
      return 2;
    }

    let schema: SchemaIndex | undefined;
    if (values.schema) {
      try {
        const opts: { nsoVersion?: string; cacheDir?: string } = {};
        if (values['nso-version'] !== undefined) opts.nsoVersion = values['nso-version'];
        if (values['cache-dir'] !== undefined) opts.cacheDir = values['cache-dir'];
        const compact = await loadSchema(values.schema, opts);
        if (writeSchema) await fs.writeFile(writeSchema, serializeCompactSchema(compact));
        schema = SchemaIndex.fromCompact(compact);
      } catch (err) {
        const message = `cannot use the schema: ${err instanceof Error ? err.message : String(err)}`;
        // Under --json a script reads stdout: the failure is a document there too.
        if (values.json)
          io.stdout.write(`${JSON.stringify({ ok: false, error: message }, null, 2)}\n`);
        else io.stderr.write(`nso-workbench lint-conf: ${message}\n`);
        return 2;
      }
    } else if (writeSchema) {
      io.stderr.write('nso-workbench lint-conf: --write-schema needs --schema <yang-dir>.\n');
      return 2;
    } else if (!values.json) {
      io.stderr.write(
        'nso-workbench lint-conf: no --schema: checking well-formedness, root, namespace and ${VAR} only.\n',
      );
    }

    // Variables set where NSO runs, besides its own: only what --env names (CI is not that place).
    const environment = values.env ?? [];
    const reports: { file: string; error?: string; problems: (ConfProblem & Located)[] }[] = [];
    let errors = 0;
    let warnings = 0;
    let unreadable = 0;
    for (const file of files) {
      let text: string;
      try {
        // Without a byte order mark, as an editor shows the text: columns on line 1 then agree.
        text = (await fs.readFile(file, 'utf8')).replace(/^\uFEFF/, '');
      } catch (err) {
        const error = `cannot read: ${err instanceof Error ? err.message : String(err)}`;
        // In the JSON too: a file left out would read as a file without problems.
        if (!values.json) io.stderr.write(`${file}: ${error}\n`);
        reports.push({ file, error, problems: [] });
        unreadable++;
        continue;
      }
      const fragment = values.fragment || isFragmentPath(path.resolve(file));
      const opts: Parameters<typeof validateConf>[1] = { fragment, environment };
      if (schema) opts.schema = schema;
      const { problems } = validateConf(text, opts);
      const at = locate(
        text,
        problems.flatMap((p) => [p.offset, p.offset + p.length]),
      );
      const located = problems.map((p) => {
        const s = at.get(p.offset)!;
        const e = at.get(p.offset + p.length)!;
        return { ...p, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
      });
      for (const p of located) {
        if (p.severity === 'error') errors++;
        else if (p.severity === 'warning') warnings++;
      }
      reports.push({ file, problems: located });
    }

    if (values.json) {
      const out = {
        ok: unreadable === 0 && errors === 0,
        schema: schema ? { label: schema.label, source: schema.schema.source } : null,
        files: reports.map((r) => ({
          file: r.file,
          ...(r.error === undefined ? {} : { error: r.error }),
          problems: r.problems.map((p) => ({
            line: p.line,
            column: p.column,
            endLine: p.endLine,
            endColumn: p.endColumn,
            severity: p.severity,
            code: p.code ?? null,
            message: p.message,
          })),
        })),
        errors,
        warnings,
        unreadable,
      };
      io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else {
      for (const r of reports) {
        for (const p of r.problems) {
          io.stdout.write(
            `${r.file}:${p.line}:${p.column}: ${severityWord[p.severity]}: ${p.message}\n`,
          );
        }
      }
    }
    if (unreadable > 0) return 2;
    return errors > 0 ? 1 : 0;
  },
};
