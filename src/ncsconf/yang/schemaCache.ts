// Compiled schemas are kept as JSON, one file per NSO version and set of YANG
// inputs, in a directory the caller owns (the extension's global storage), so
// reopening an ncs.conf needs no YANG parsing.
//
// Reads are synchronous on purpose: they are one or two small files, and in a
// freshly started process an asynchronous read first waits for the I/O thread
// pool, which costs more than the read.

import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { compileClosure, hashClosure, indexYangFiles, readYangClosure } from './loadSchema';
import type { CompactSchema } from './schema';
import { parseCompactSchema, SchemaCacheError, serializeCompactSchema } from './schemaFile';

export { SchemaCacheError, serializeCompactSchema, withDescriptions } from './schemaFile';

export interface CachedSchema {
  schema: CompactSchema;
  /** The JSON file the schema was read from or written to. */
  path: string;
  fromCache: boolean;
  warnings: string[];
}

/** Reads a compact schema written by SchemaCache (or by `lint-conf --write-schema`). */
export function readCompactSchemaSync(file: string): CompactSchema {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SchemaCacheError(
      `cannot read the schema ${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return parseCompactSchema(text, file);
}

export function readCompactSchema(file: string): Promise<CompactSchema> {
  try {
    return Promise.resolve(readCompactSchemaSync(file));
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
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

  read(key: string): CompactSchema | undefined {
    const file = this.fileFor(key);
    if (!existsSync(file)) return undefined;
    try {
      return readCompactSchemaSync(file);
    } catch {
      // A cache file from another format or a torn write is recompiled, not an error.
      return undefined;
    }
  }

  async write(key: string, schema: CompactSchema): Promise<string> {
    await fs.mkdir(this.dir, { recursive: true });
    const file = this.fileFor(key);
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, serializeCompactSchema(schema));
    await fs.rename(tmp, file);
    return file;
  }

  /**
   * The schema of the YANG files in `dirs`: from the cache when the inputs are
   * unchanged, else compiled and stored. A manifest maps the files' names,
   * sizes and modification times to the entry, so a warm start reads no YANG;
   * otherwise the entry is found by a hash of the files' contents.
   */
  async load(dirs: readonly string[], nsoVersion?: string): Promise<CachedSchema> {
    const fingerprint = await statFingerprint(dirs, nsoVersion);
    const manifest = this.readManifest();
    const known = manifest[fingerprint];
    if (known) {
      const cached = this.read(known);
      if (cached)
        return { schema: cached, path: this.fileFor(known), fromCache: true, warnings: [] };
    }

    const closure = await readYangClosure(dirs);
    const key = SchemaCache.key(nsoVersion, hashClosure(closure));
    let result: CachedSchema;
    const cached = this.read(key);
    if (cached) result = { schema: cached, path: this.fileFor(key), fromCache: true, warnings: [] };
    else {
      const meta: { source: string; nsoVersion?: string } = { source: dirs.join(path.delimiter) };
      if (nsoVersion !== undefined) meta.nsoVersion = nsoVersion;
      const { schema, warnings } = compileClosure(closure, meta);
      result = { schema, path: await this.write(key, schema), fromCache: false, warnings };
    }
    await this.writeManifest({ ...manifest, [fingerprint]: key });
    return result;
  }

  private get manifestFile(): string {
    return path.join(this.dir, 'ncs-config-schema-index.json');
  }

  private readManifest(): Record<string, string> {
    try {
      const m: unknown = JSON.parse(readFileSync(this.manifestFile, 'utf8'));
      return m && typeof m === 'object' ? (m as Record<string, string>) : {};
    } catch {
      return {};
    }
  }

  private async writeManifest(m: Record<string, string>): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const tmp = `${this.manifestFile}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(m));
    await fs.rename(tmp, this.manifestFile);
  }
}

/** Names, sizes and modification times of the YANG files the directories offer. */
async function statFingerprint(
  dirs: readonly string[],
  nsoVersion: string | undefined,
): Promise<string> {
  const index = await indexYangFiles(dirs);
  const h = createHash('sha256');
  h.update(`${nsoVersion ?? ''}\0${dirs.map((d) => path.resolve(d)).join('\0')}`);
  for (const file of [...index.values()].sort()) {
    const st = statSync(file);
    h.update(`\0${file}\0${st.size}\0${Math.trunc(st.mtimeMs)}`);
  }
  return h.digest('hex').slice(0, 24);
}
