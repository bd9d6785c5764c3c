// Messages between the extension's language client and the ncs.conf server
// beyond standard LSP. Plain types and method names only, so the client can
// import this file without pulling in server code.

import type { ProductionContainer } from '../ncsconf/containerChecks';

/** Where the ncs.conf schema comes from. */
export interface SchemaSource {
  /** Directories holding tailf-ncs-config.yang and the modules it imports (searched recursively). */
  yangDirs?: string[];
  /** A compact schema JSON written earlier by the schema cache (skips YANG parsing). */
  compactSchemaPath?: string;
  /** The NSO version the files come from: part of the cache key and of the status label. */
  nsoVersion?: string;
  /** Where the files came from, shown in the status detail, e.g. `image cisco-nso-prod:6.2.5`. */
  origin?: string;
}

/** The production container whose expectations the container-aware checks apply. */
export interface ContainerContext {
  container: Omit<ProductionContainer, 'mountedAt'>;
  /** Documents mounted into the container: where each appears inside it. */
  mounts?: { uri: string; containerPath: string }[];
}

/** `initializationOptions` of the language client. */
export interface NcsConfInitializationOptions {
  schema?: SchemaSource;
  /** Where compiled schemas are cached: the extension's global storage path. */
  cacheDir?: string;
  container?: ContainerContext;
  /** Environment variables set where NSO runs (names; values shown in hover). */
  environment?: Record<string, string>;
  /** Debounce of diagnostics while typing, in milliseconds (default 150). */
  diagnosticsDelayMs?: number;
}

export type SchemaState = 'none' | 'loading' | 'ready' | 'failed';

export interface SchemaStatus {
  state: SchemaState;
  /** One line for the language status item. */
  label: string;
  /** More words: the source, or what went wrong, or how to get the full schema. */
  detail: string;
  nsoVersion?: string;
  /** The compact schema file in use (cache entry or the given file). */
  schemaPath?: string;
  fromCache?: boolean;
  loadMs?: number;
  nodeCount?: number;
}

/** Client to server notification: use this schema (null: no schema). */
export const setSchemaMethod = 'nso/setSchema';
/** Client to server notification: the production container changed (null: none). */
export const setContainerContextMethod = 'nso/setContainerContext';
/** Client to server notification: the environment where NSO runs changed. */
export const setEnvironmentMethod = 'nso/setEnvironment';
/** Client to server request, answered with SchemaStatus. */
export const schemaStatusMethod = 'nso/schemaStatus';
/** Server to client notification carrying SchemaStatus whenever it changes. */
export const schemaStatusChangedMethod = 'nso/schemaStatusChanged';
