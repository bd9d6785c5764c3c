// The compact, JSON-serialisable form of the ncs.conf schema: what the YANG
// reader produces, what the schema cache stores per NSO version, and what the
// validator, completion and hover read (through SchemaIndex).

// 2: descriptions on a second line of the file, read when first needed (see schemaCache.ts).
export const compactSchemaFormat = 2;

export type BuiltinTypeName =
  | 'binary'
  | 'bits'
  | 'boolean'
  | 'decimal64'
  | 'empty'
  | 'enumeration'
  | 'identityref'
  | 'instance-identifier'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'leafref'
  | 'string'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'union';

/** Lexical spaces of XML Schema types that YANG modules declare as plain strings. */
export type XsdLexical =
  'duration' | 'date' | 'time' | 'token' | 'hexBinary' | 'QName' | 'decimal' | 'float' | 'double';

export interface EnumInfo {
  name: string;
  description?: string;
}

export interface PatternInfo {
  /** The pattern as the module writes it (XML Schema regular expression). */
  xsd: string;
  /** The same as an anchored JavaScript `u` regular expression, absent when it cannot be translated. */
  js?: string;
  invertMatch?: boolean;
  errorMessage?: string;
}

/** A resolved type: typedef chains flattened into the restrictions that hold. */
export interface TypeInfo {
  base: BuiltinTypeName;
  /** The type as the leaf names it: `uint16`, `port-number`, `xs:duration`. */
  name: string;
  /** Typedefs passed through, outermost first, as `module:name`. */
  derivedFrom?: string[];
  /** Allowed intervals of an integer or decimal64 type, bounds as decimal strings. */
  range?: [string, string][];
  /** Allowed intervals of the length of a string or binary. */
  length?: [string, string][];
  /** Every pattern must match (patterns of all typedefs in the chain). */
  patterns?: PatternInfo[];
  enums?: EnumInfo[];
  bits?: string[];
  /** Union members, as indices into CompactSchema.types. */
  members?: number[];
  fractionDigits?: number;
  /** Set when the chain passes a typedef of Tail-f's XML Schema types module. */
  xsd?: XsdLexical;
  /** Description of the outermost typedef, for hover. */
  description?: string;
}

export type SchemaNodeKind =
  'container' | 'list' | 'leaf' | 'leaf-list' | 'choice' | 'case' | 'anydata';

export interface SchemaNode {
  kind: SchemaNodeKind;
  name: string;
  /** Index into CompactSchema.modules when the node's namespace differs from its parent's. */
  ns?: number;
  children?: SchemaNode[];
  /** Index into CompactSchema.types (leaf and leaf-list). */
  type?: number;
  /** Leaf: one value; leaf-list: its default values; choice: the default case. */
  default?: string[];
  mandatory?: boolean;
  /** Container with presence: the presence statement's text (may be empty). */
  presence?: string;
  description?: string;
  units?: string;
  key?: string[];
  unique?: string[][];
  minElements?: number;
  maxElements?: number;
  status?: 'deprecated' | 'obsolete';
  /** The node exists only when this XPath holds; the validator cannot tell, so it is lenient. */
  when?: string;
  ifFeature?: string[];
}

export interface SchemaModuleInfo {
  name: string;
  prefix: string;
  namespace: string;
  revision?: string;
}

/** A change the root module's revision history records for a data path. */
export interface SchemaChange {
  path: string;
  change: 'added' | 'removed' | 'renamed' | 'obsoleted' | 'deprecated';
  /** e.g. `NCS-5.6`, from "Released as part of NCS-5.6". */
  release?: string;
  revision: string;
  /** The new path of a rename. */
  to?: string;
}

export interface CompactSchema {
  format: number;
  /** NSO version the schema was read from, when the caller knows it. */
  nsoVersion?: string;
  /** Human-readable origin, e.g. the YANG directory. */
  source: string;
  /** modules[0] is the module that defines the top nodes. */
  modules: SchemaModuleInfo[];
  types: TypeInfo[];
  /** Top-level data nodes of the root module (for ncs.conf: `ncs-config`). */
  top: SchemaNode[];
  /** Removals and renames the root module's revisions describe, newest first. */
  history?: SchemaChange[];
}
