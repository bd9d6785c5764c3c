// The compact schema made fast to query: data children by name (choices and
// cases are transparent in XML), parents, paths, an index of every element
// name for "it belongs elsewhere", and compiled patterns, built once per
// loaded schema.

import type { CompactSchema, SchemaNode, TypeInfo } from './yang/schema';
import { withDescriptions } from './yang/schemaFile';

export interface ChoiceStep {
  choice: RtNode;
  caseNode: RtNode;
}

export interface RtNode {
  kind: SchemaNode['kind'];
  name: string;
  namespace: string;
  node: SchemaNode;
  /** Nearest data ancestor (container or list); undefined for top-level nodes. */
  parent: RtNode | undefined;
  /** Data path with element names, e.g. `/ncs-config/cli/ssh`. */
  path: string;
  /** Data children by element name, through choices and cases. */
  children: Map<string, RtNode>;
  /** Choices and cases between the data parent and this node, outermost first. */
  choicePath: ChoiceStep[];
  /** Choices directly or indirectly under this data node (for mandatory choices). */
  choices: RtNode[];
  /** Cases of a choice node. */
  cases: RtNode[];
  /** Data nodes under a case node (through nested choices). */
  caseMembers: RtNode[];
  type: RtType | undefined;
}

export interface RtType {
  info: TypeInfo;
  members: RtType[] | undefined;
  /** Compiled patterns, aligned with info.patterns; undefined where the pattern is unreadable. */
  readonly regexes: (RegExp | undefined)[];
  readonly bigRange: [bigint, bigint][] | undefined;
}

/** Shared by nodes that cannot have them; frozen, so a mistaken push throws. */
const none = Object.freeze([]) as unknown as RtNode[];
/** The children of a leaf, leaf-list or anydata: never added to (only containers and lists are parents). */
const noChildren: ReadonlyMap<string, RtNode> = new Map();

function toBig(s: string): bigint | undefined {
  return /^[+-]?\d+$/.test(s) ? BigInt(s) : undefined;
}

/**
 * Patterns and big-integer ranges are compiled when a value is first checked
 * against the type, not when the schema loads: most types of a schema never
 * meet a value in a given file, and `u` patterns with `\p{…}` cost
 * milliseconds to compile in a fresh process.
 */
class LazyType implements RtType {
  members: RtType[] | undefined = undefined;
  private compiledRegexes: (RegExp | undefined)[] | undefined;
  private compiledRange: [bigint, bigint][] | null | undefined;

  constructor(readonly info: TypeInfo) {}

  get regexes(): (RegExp | undefined)[] {
    this.compiledRegexes ??= (this.info.patterns ?? []).map((p) => {
      if (p.js === undefined) return undefined;
      try {
        return new RegExp(p.js, 'u');
      } catch {
        return undefined;
      }
    });
    return this.compiledRegexes;
  }

  get bigRange(): [bigint, bigint][] | undefined {
    if (this.compiledRange === undefined) {
      const info = this.info;
      if (!info.range || info.base === 'decimal64') this.compiledRange = null;
      else {
        const r: [bigint, bigint][] = [];
        for (const [lo, hi] of info.range) {
          const a = toBig(lo);
          const b = toBig(hi);
          if (a !== undefined && b !== undefined) r.push([a, b]);
        }
        this.compiledRange = r;
      }
    }
    return this.compiledRange ?? undefined;
  }
}

export class SchemaIndex {
  readonly top = new Map<string, RtNode>();
  /** Every data node by element name, for "did you mean" and "it belongs in". */
  readonly byName = new Map<string, RtNode[]>();
  readonly types: RtType[];
  /** Namespace of the module that defines the top nodes. */
  readonly namespace: string;
  nodeCount = 0;

  private constructor(readonly schema: CompactSchema) {
    this.types = new Array<RtType>(schema.types.length);
    this.namespace = schema.modules[0]?.namespace ?? '';
    for (const n of schema.top) this.add(n, undefined, [], this.namespace, this.top, undefined);
  }

  static fromCompact(schema: CompactSchema): SchemaIndex {
    return new SchemaIndex(schema);
  }

  /** One line that names the schema, for the status item and the CLI. */
  get label(): string {
    const root = this.schema.modules[0];
    const rev = root?.revision ? ` ${root.revision}` : '';
    const version = this.schema.nsoVersion ? `NSO ${this.schema.nsoVersion}: ` : '';
    return `${version}${root?.name ?? 'schema'}${rev}`;
  }

  type(index: number): RtType {
    let t = this.types[index];
    if (!t) {
      const info = this.schema.types[index];
      if (!info) throw new Error(`schema type ${index} does not exist`);
      t = new LazyType(info);
      this.types[index] = t;
      if (info.members) t.members = info.members.map((m) => this.type(m));
    }
    return t;
  }

  /** The schema with descriptions (read from the cache file on the first call): hover, completion. */
  withDescriptions(): this {
    withDescriptions(this.schema);
    return this;
  }

  /** Follows element names from a top node: `['ncs-config', 'cli', 'ssh']`. */
  lookup(path: readonly string[]): RtNode | undefined {
    let node: RtNode | undefined;
    for (const [i, name] of path.entries()) {
      node = i === 0 ? this.top.get(name) : node?.children.get(name);
      if (!node) return undefined;
    }
    return node;
  }

  private add(
    n: SchemaNode,
    dataParent: RtNode | undefined,
    choicePath: ChoiceStep[],
    parentNs: string,
    into: Map<string, RtNode>,
    schemaParent: RtNode | undefined,
  ): RtNode {
    const namespace =
      n.ns !== undefined ? (this.schema.modules[n.ns]?.namespace ?? parentNs) : parentNs;
    const isData = n.kind !== 'choice' && n.kind !== 'case';
    // Most nodes are leaves: they share one empty map and frozen empty arrays rather
    // than allocate their own (a fresh process pays for every allocation).
    const holdsData = n.kind === 'container' || n.kind === 'list';
    const rt: RtNode = {
      kind: n.kind,
      name: n.name,
      namespace,
      node: n,
      parent: dataParent,
      path: isData ? `${dataParent?.path ?? ''}/${n.name}` : (dataParent?.path ?? ''),
      children: holdsData
        ? new Map<string, RtNode>()
        : isData
          ? (noChildren as Map<string, RtNode>)
          : into,
      choicePath,
      choices: holdsData ? [] : none,
      cases: n.kind === 'choice' ? [] : none,
      caseMembers: n.kind === 'case' ? [] : none,
      type: undefined,
    };
    this.nodeCount++;
    if (n.type !== undefined) rt.type = this.type(n.type);

    if (isData) {
      if (!into.has(n.name)) into.set(n.name, rt);
      const list = this.byName.get(n.name);
      if (list) list.push(rt);
      else this.byName.set(n.name, [rt]);
      // Cases collect the data nodes they hold, through nested choices.
      for (const step of choicePath) step.caseNode.caseMembers.push(rt);
      for (const c of n.children ?? []) this.add(c, rt, [], namespace, rt.children, rt);
    } else if (n.kind === 'choice') {
      const owner = dataParent;
      if (owner && choicePath.length === 0) owner.choices.push(rt);
      for (const c of n.children ?? []) {
        const caseRt = this.add(c, dataParent, choicePath, namespace, into, rt);
        rt.cases.push(caseRt);
      }
    } else {
      // A case: its children share the data parent, one choice step deeper.
      const choice = schemaParent;
      const steps = choice ? [...choicePath, { choice, caseNode: rt }] : choicePath;
      for (const c of n.children ?? []) this.add(c, dataParent, steps, namespace, into, rt);
    }
    return rt;
  }
}
