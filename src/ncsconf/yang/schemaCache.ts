// Compiled schemas are kept as JSON, one file per NSO version and set of YANG
// inputs, in a directory the caller owns (the extension's global storage), so
// reopening an ncs.conf needs no YANG parsing.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { compileClosure, hashClosure, readYangClosure } from './loadSchema';
import { compactSchemaFormat, type CompactSchema } from './schema';

export interface CachedSchema {
  schema: CompactSchema;
  /** The JSON file the schema was read from or written to. */
  path: string;
  fromCache: boolean;
  warnings: string[];
}

export class SchemaCacheError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaCacheError';
  }
}

/** Reads a compact schema written by SchemaCache (or by `lint-conf --write-schema`). */
export async function readCompactSchema(file: string): Promise<CompactSchema> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new SchemaCacheError(
      `cannot read the schema ${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const s = parsed as Partial<CompactSchema> | null;
  if (
    !s ||
    s.format !== compactSchemaFormat ||
    !Array.isArray(s.top) ||
    !Array.isArray(s.types) ||
    !Array.isArray(s.modules)
  ) {
    throw new SchemaCacheError(
      `${file} is not a compact ncs.conf schema of format ${compactSchemaFormat}`,
    );
  }
  return s as CompactSchema;
}

export class SchemaCache {
  constructor(readonly dir: string) {}

  /** `<version>-<hash of the YANG inputs>`, safe as a file name. */
  static key(nsoVersion: string | undefined, inputHash: string): string {
    const v = (nsoVersion ?? 'unknown').replace(/[^A-Za-z0-9._-]/g, '_');
    return `${v}-${inputHash}`;
  }

  fileFor(key: string): string {
    return path.join(this.dir, `ncs-config-schema-${key}.json`);
  }

  async read(key: string): Promise<CompactSchema | undefined> {
    const file = this.fileFor(key);
    try {
      await fs.access(file);
    } catch {
      return undefined;
    }
    try {
      return await readCompactSchema(file);
    } catch {
      // A cache file from another format or a torn write is recompiled, not an error.
      return undefined;
    }
  }

  async write(key: string, schema: CompactSchema): Promise<string> {
    await fs.mkdir(this.dir, { recursive: true });
    const file = this.fileFor(key);
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(schema));
    await fs.rename(tmp, file);
    return file;
  }

  /** The schema of the YANG files in `dirs`: from the cache when the inputs are unchanged, else compiled and stored. */
  async load(dirs: readonly string[], nsoVersion?: string): Promise<CachedSchema> {
    const closure = await readYangClosure(dirs);
    const key = SchemaCache.key(nsoVersion, hashClosure(closure));
    const cached = await this.read(key);
    if (cached) return { schema: cached, path: this.fileFor(key), fromCache: true, warnings: [] };
    const meta: { source: string; nsoVersion?: string } = { source: dirs.join(path.delimiter) };
    if (nsoVersion !== undefined) meta.nsoVersion = nsoVersion;
    const { schema, warnings } = compileClosure(closure, meta);
    const file = await this.write(key, schema);
    return { schema, path: file, fromCache: false, warnings };
  }
}
