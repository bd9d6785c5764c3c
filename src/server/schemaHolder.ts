// Holds the schema the server validates against, loads a new one when the
// client says so (YANG directories through the cache, or a compact schema
// file), and keeps the status the client's language status item shows.

import * as path from 'node:path';
import type { RemoteConsole } from 'vscode-languageserver';
import { SchemaIndex } from '../ncsconf/schemaIndex';
import { compileSchemaFromDirectories } from '../ncsconf/yang/loadSchema';
import { readCompactSchema, SchemaCache } from '../ncsconf/yang/schemaCache';
import type { CompactSchema } from '../ncsconf/yang/schema';
import type { SchemaSource, SchemaStatus } from '../shared/ncsConfProtocol';

const noSchema: SchemaStatus = {
  state: 'none',
  label: 'ncs.conf: no schema',
  detail:
    'Only well-formedness, namespace and container checks run. For the full schema, let NSO Workbench read it from your NSO image or container (Load Schema), or set nso.ncsConf.schemaPath to a folder holding tailf-ncs-config.yang and the modules it imports.',
};

export class SchemaHolder {
  private index: SchemaIndex | undefined;
  private status: SchemaStatus = noSchema;
  private generation = 0;
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly log: RemoteConsole,
    private readonly cacheDir: string | undefined,
  ) {}

  get current(): SchemaIndex | undefined {
    return this.index;
  }

  get currentStatus(): SchemaStatus {
    return this.status;
  }

  /** Called after each change of schema or status. */
  onDidChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private set(index: SchemaIndex | undefined, status: SchemaStatus): void {
    this.index = index;
    this.status = status;
    for (const l of this.listeners) l();
  }

  /** Loads a schema; a later call supersedes one still loading. Never throws: failures become the status. */
  async load(source: SchemaSource | null | undefined): Promise<void> {
    const generation = ++this.generation;
    if (
      !source ||
      (!source.compactSchemaPath && !(source.yangDirs && source.yangDirs.length > 0))
    ) {
      this.set(undefined, noSchema);
      return;
    }
    const origin =
      source.origin ?? source.compactSchemaPath ?? source.yangDirs?.join(path.delimiter) ?? '';
    // Keep validating with the previous schema while the new one loads.
    this.set(this.index, {
      state: 'loading',
      label: 'ncs.conf: loading schema…',
      detail: `Reading the schema from ${origin}.`,
    });

    const started = performance.now();
    try {
      let schema: CompactSchema;
      let schemaPath: string | undefined;
      let fromCache = false;
      let warnings: string[] = [];
      if (source.compactSchemaPath) {
        schema = await readCompactSchema(source.compactSchemaPath);
        schemaPath = source.compactSchemaPath;
        fromCache = true;
      } else if (this.cacheDir) {
        const r = await new SchemaCache(this.cacheDir).load(source.yangDirs!, source.nsoVersion);
        ({ schema, fromCache, warnings } = r);
        schemaPath = r.path;
      } else {
        const opts: { nsoVersion?: string } = {};
        if (source.nsoVersion !== undefined) opts.nsoVersion = source.nsoVersion;
        ({ schema, warnings } = await compileSchemaFromDirectories(source.yangDirs!, opts));
      }
      if (generation !== this.generation) return;
      const index = SchemaIndex.fromCompact(schema);
      const loadMs = Math.round(performance.now() - started);
      for (const w of warnings) this.log.warn(`ncs.conf schema: ${w}`);
      this.log.info(
        `ncs.conf schema ${index.label} loaded ${fromCache ? 'from cache ' : ''}in ${loadMs} ms (${index.nodeCount} nodes) from ${origin}`,
      );
      const status: SchemaStatus = {
        state: 'ready',
        label: `ncs.conf: ${index.label}`,
        detail: `Schema from ${origin}${fromCache ? ' (cached)' : ''}.${warnings.length > 0 ? ` ${warnings.length} warnings while reading it: see the log.` : ''}`,
        fromCache,
        loadMs,
        nodeCount: index.nodeCount,
      };
      const version = source.nsoVersion ?? schema.nsoVersion;
      if (version !== undefined) status.nsoVersion = version;
      if (schemaPath !== undefined) status.schemaPath = schemaPath;
      this.set(index, status);
    } catch (err) {
      if (generation !== this.generation) return;
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`ncs.conf schema from ${origin} could not be read: ${message}`);
      this.set(undefined, {
        state: 'failed',
        label: 'ncs.conf: schema not loaded',
        detail: `The schema from ${origin} could not be read (${message}). Only well-formedness, namespace and container checks run.`,
      });
    }
  }
}
