// Gives meaning to parsed YANG: resolves imports and includes, typedef chains
// across modules, groupings with refine and augment, top-level augments,
// choices with their shorthand cases, and produces the compact schema of one
// module's data tree. Statements that do not shape configuration data (`must`,
// `when` expressions, RPCs, notifications, deviations, `tailf:` and other
// extensions) are read past, never rejected.

import { parseYang, sub, subArg, YangSyntaxError, type YangStatement } from './parser';
import {
  compactSchemaFormat,
  type BuiltinTypeName,
  type CompactSchema,
  type EnumInfo,
  type PatternInfo,
  type SchemaChange,
  type SchemaModuleInfo,
  type SchemaNode,
  type TypeInfo,
  type XsdLexical,
} from './schema';
import { xsdToJsRegex } from './xsdRegex';

export interface YangSource {
  text: string;
  /** Path or name shown in messages. */
  file: string;
}

/** Finds the text of a module or submodule by its name. */
export type ModuleLookup = (name: string) => YangSource | undefined;

export class YangCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YangCompileError';
  }
}

/** A resolved type before its union members are numbered into the schema's type table. */
interface CType extends Omit<TypeInfo, 'members'> {
  members?: CType[];
  typedefDefault?: string;
  typedefUnits?: string;
}

interface ModuleFile {
  name: string;
  file: string;
  top: YangStatement;
  /** Name of the module the file belongs to (its own name for a module). */
  mainName: string;
  /** The prefix the file uses for its own module. */
  prefix: string;
  /** prefix -> imported module name */
  imports: Map<string, string>;
}

const xsdTypesNamespace = 'http://tail-f.com/yang/xsd-types';
const xsdLexicals = new Set<string>([
  'duration',
  'date',
  'time',
  'token',
  'hexBinary',
  'QName',
  'decimal',
  'float',
  'double',
]);

const integerBounds: Record<string, [string, string]> = {
  int8: ['-128', '127'],
  int16: ['-32768', '32767'],
  int32: ['-2147483648', '2147483647'],
  int64: ['-9223372036854775808', '9223372036854775807'],
  uint8: ['0', '255'],
  uint16: ['0', '65535'],
  uint32: ['0', '4294967295'],
  uint64: ['0', '18446744073709551615'],
};
const builtinNames = new Set<string>([
  ...Object.keys(integerBounds),
  'binary',
  'bits',
  'boolean',
  'decimal64',
  'empty',
  'enumeration',
  'identityref',
  'instance-identifier',
  'leafref',
  'string',
  'union',
]);
const maxLength = '18446744073709551615';
const dataKeywords = new Set([
  'container',
  'list',
  'leaf',
  'leaf-list',
  'choice',
  'anydata',
  'anyxml',
]);

function splitRef(ref: string): [string | undefined, string] {
  const i = ref.indexOf(':');
  return i < 0 ? [undefined, ref] : [ref.slice(0, i), ref.slice(i + 1)];
}

function localName(ref: string): string {
  return splitRef(ref)[1];
}

/** decimal64 bounds: the int64 range scaled by 10^-fractionDigits, as a decimal string. */
function decimalBound(digits: string, fractionDigits: number): string {
  const neg = digits.startsWith('-');
  const d = neg ? digits.slice(1) : digits;
  const whole = d.slice(0, d.length - fractionDigits) || '0';
  const frac = d.slice(d.length - fractionDigits);
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

export class YangCompiler {
  private readonly files = new Map<string, ModuleFile>();
  private readonly fileByTop = new Map<YangStatement, ModuleFile>();
  private readonly submodulesOf = new Map<string, ModuleFile[]>();
  private readonly scopeDefs = new Map<YangStatement, Map<string, YangStatement>>();
  private readonly moduleDefsCache = new Map<string, Map<string, YangStatement>>();
  private readonly typedefCache = new Map<YangStatement, CType>();
  private readonly usesStack = new Set<YangStatement>();
  private readonly modules: SchemaModuleInfo[] = [];
  private readonly moduleIndex = new Map<string, number>();
  readonly warnings: string[] = [];

  constructor(private readonly lookup: ModuleLookup) {}

  /** Compiles the data tree of one module (and what it imports) into a compact schema. */
  compile(rootModule: string, meta: { source: string; nsoVersion?: string }): CompactSchema {
    const root = this.load(rootModule, false);
    if (!root) throw new YangCompileError(`module ${rootModule} was not found`);
    if (root.top.keyword !== 'module') {
      throw new YangCompileError(`${rootModule} is a submodule, not a module`);
    }
    const ns = this.nsIndex(root.mainName);

    const top: SchemaNode[] = [];
    for (const f of this.filesOf(root.mainName)) this.buildChildren(f.top, ns, top, false);
    this.applyTopLevelAugments(root, top);

    const types: TypeInfo[] = [];
    const interned = new Map<CType, number>();
    const byKey = new Map<string, number>();
    const intern = (t: CType): number => {
      const known = interned.get(t);
      if (known !== undefined) return known;
      const { members, typedefDefault: _d, typedefUnits: _u, ...rest } = t;
      const info: TypeInfo = members ? { ...rest, members: members.map(intern) } : rest;
      const key = JSON.stringify(info);
      let idx = byKey.get(key);
      if (idx === undefined) {
        idx = types.length;
        types.push(info);
        byKey.set(key, idx);
      }
      interned.set(t, idx);
      return idx;
    };
    const finish = (nodes: SchemaNode[], parentNs: number): void => {
      for (const n of nodes) {
        const own = n.ns ?? parentNs;
        if (own === parentNs) delete n.ns;
        const t = (n as { ctype?: CType }).ctype;
        if (t) {
          n.type = intern(t);
          delete (n as { ctype?: CType }).ctype;
        }
        if (n.children) finish(n.children, own);
      }
    };
    for (const n of top) {
      finish([n], -1);
      n.ns ??= ns;
    }

    const schema: CompactSchema = {
      format: compactSchemaFormat,
      source: meta.source,
      modules: this.modules,
      types,
      top,
    };
    if (meta.nsoVersion !== undefined) schema.nsoVersion = meta.nsoVersion;
    const history = revisionHistory(root.top);
    if (history.length > 0) schema.history = history;
    return schema;
  }

  // ---- modules ----------------------------------------------------------

  private load(name: string, submodule: boolean): ModuleFile | undefined {
    const known = this.files.get(name);
    if (known) return known;
    const src = this.lookup(name);
    if (!src) return undefined;
    const top = parseYang(src.text, src.file);
    if (top.arg !== name) {
      this.warnings.push(`${src.file} holds ${top.keyword} ${top.arg ?? '?'}, expected ${name}`);
    }
    const imports = new Map<string, string>();
    for (const s of top.children) {
      if (s.keyword === 'import' && s.arg) imports.set(subArg(s, 'prefix') ?? s.arg, s.arg);
    }
    let mainName = name;
    let prefix = subArg(top, 'prefix') ?? name;
    if (top.keyword === 'submodule') {
      const belongs = sub(top, 'belongs-to');
      mainName = belongs?.arg ?? name;
      prefix = (belongs && subArg(belongs, 'prefix')) ?? prefix;
    } else if (submodule) {
      this.warnings.push(`${src.file}: included as a submodule but is a module`);
    }
    const mf: ModuleFile = { name, file: src.file, top, mainName, prefix, imports };
    this.files.set(name, mf);
    this.fileByTop.set(top, mf);

    for (const s of top.children) {
      if (s.keyword === 'import' && s.arg) {
        if (!this.load(s.arg, false)) {
          this.warnings.push(`${src.file}:${s.line}: imported module ${s.arg} was not found`);
        }
      } else if (s.keyword === 'include' && s.arg) {
        const inc = this.load(s.arg, true);
        if (!inc) this.warnings.push(`${src.file}:${s.line}: submodule ${s.arg} was not found`);
        else {
          const list = this.submodulesOf.get(mainName) ?? [];
          if (!list.includes(inc)) list.push(inc);
          this.submodulesOf.set(mainName, list);
        }
      }
    }
    return mf;
  }

  /** The module file and every submodule it includes, directly or through other submodules. */
  private filesOf(mainName: string): ModuleFile[] {
    const main = this.files.get(mainName);
    const out: ModuleFile[] = main ? [main] : [];
    for (const s of this.submodulesOf.get(mainName) ?? []) if (!out.includes(s)) out.push(s);
    return out;
  }

  private fileOf(stmt: YangStatement): ModuleFile {
    let s = stmt;
    while (s.parent) s = s.parent;
    const f = this.fileByTop.get(s);
    if (!f)
      throw new YangCompileError(`statement on line ${stmt.line} belongs to no loaded module`);
    return f;
  }

  private nsIndex(mainName: string): number {
    let idx = this.moduleIndex.get(mainName);
    if (idx === undefined) {
      const f = this.files.get(mainName);
      const info: SchemaModuleInfo = {
        name: mainName,
        prefix: f ? (subArg(f.top, 'prefix') ?? mainName) : mainName,
        namespace: (f && subArg(f.top, 'namespace')) ?? '',
      };
      const rev = f && sub(f.top, 'revision')?.arg;
      if (rev) info.revision = rev;
      idx = this.modules.length;
      this.modules.push(info);
      this.moduleIndex.set(mainName, idx);
    }
    return idx;
  }

  /** The module a prefix names, as seen from the file of `from`. */
  private moduleForPrefix(prefix: string | undefined, from: YangStatement): string | undefined {
    const f = this.fileOf(from);
    if (prefix === undefined || prefix === f.prefix) return f.mainName;
    return f.imports.get(prefix);
  }

  // ---- typedef and grouping lookup ---------------------------------------

  private defsIn(stmt: YangStatement): Map<string, YangStatement> {
    let m = this.scopeDefs.get(stmt);
    if (!m) {
      m = new Map();
      for (const c of stmt.children) {
        if ((c.keyword === 'typedef' || c.keyword === 'grouping') && c.arg) {
          m.set(`${c.keyword} ${c.arg}`, c);
        }
      }
      this.scopeDefs.set(stmt, m);
    }
    return m;
  }

  private moduleDefs(mainName: string): Map<string, YangStatement> {
    let m = this.moduleDefsCache.get(mainName);
    if (!m) {
      m = new Map();
      for (const f of this.filesOf(mainName)) {
        for (const [k, v] of this.defsIn(f.top)) if (!m.has(k)) m.set(k, v);
      }
      this.moduleDefsCache.set(mainName, m);
    }
    return m;
  }

  private findDef(
    kind: 'typedef' | 'grouping',
    ref: string,
    from: YangStatement,
  ): YangStatement | undefined {
    const [prefix, name] = splitRef(ref);
    const key = `${kind} ${name}`;
    const own = this.fileOf(from);
    if (prefix === undefined || prefix === own.prefix) {
      // Lexical scopes first: definitions nested in enclosing statements.
      for (let s = from.parent; s?.parent; s = s.parent) {
        const d = this.defsIn(s).get(key);
        if (d) return d;
      }
      return this.moduleDefs(own.mainName).get(key);
    }
    const target = own.imports.get(prefix);
    return target === undefined ? undefined : this.moduleDefs(target).get(key);
  }

  // ---- types ---------------------------------------------------------------

  private resolveType(typeStmt: YangStatement): CType {
    const ref = typeStmt.arg ?? 'string';
    const [prefix, name] = splitRef(ref);
    let base: CType;
    if (prefix === undefined && builtinNames.has(name)) {
      base = { base: name as BuiltinTypeName, name };
      if (integerBounds[name]) base.range = [integerBounds[name]];
      if (name === 'decimal64') {
        const fd = Number(subArg(typeStmt, 'fraction-digits') ?? '1');
        base.fractionDigits = fd;
        base.range = [
          [decimalBound(integerBounds.int64![0], fd), decimalBound(integerBounds.int64![1], fd)],
        ];
      }
      if (name === 'union') {
        base.members = typeStmt.children
          .filter((c) => c.keyword === 'type')
          .map((c) => this.resolveType(c));
      }
    } else {
      const td = this.findDef('typedef', ref, typeStmt);
      if (!td) {
        const f = this.fileOf(typeStmt);
        this.warnings.push(`${f.file}:${typeStmt.line}: type ${ref} was not found; read as string`);
        return { base: 'string', name: ref };
      }
      base = { ...this.resolveTypedef(td), name: ref };
    }
    return this.restrict(base, typeStmt);
  }

  private resolveTypedef(td: YangStatement): CType {
    const cached = this.typedefCache.get(td);
    if (cached) return cached;
    // A typedef that reaches itself is broken YANG; read it as a string.
    this.typedefCache.set(td, { base: 'string', name: td.arg ?? '?' });
    const typeStmt = sub(td, 'type');
    const inner: CType = typeStmt ? this.resolveType(typeStmt) : { base: 'string', name: 'string' };
    const f = this.fileOf(td);
    const qualified = `${f.mainName}:${td.arg ?? '?'}`;
    const out: CType = { ...inner, derivedFrom: [qualified, ...(inner.derivedFrom ?? [])] };
    const description = subArg(td, 'description');
    if (description !== undefined) out.description = description;
    const dflt = subArg(td, 'default');
    if (dflt !== undefined) out.typedefDefault = dflt;
    const units = subArg(td, 'units');
    if (units !== undefined) out.typedefUnits = units;
    if (td.arg && xsdLexicals.has(td.arg)) {
      const mod = this.files.get(f.mainName);
      if (mod && subArg(mod.top, 'namespace') === xsdTypesNamespace) out.xsd = td.arg as XsdLexical;
    }
    this.typedefCache.set(td, out);
    return out;
  }

  /** Applies the restrictions written under a `type` statement to the type it names. */
  private restrict(t: CType, typeStmt: YangStatement): CType {
    if (typeStmt.children.length === 0) return t;
    let out = t;
    const copy = (): CType => (out === t ? (out = { ...t }) : out);
    const enums: EnumInfo[] = [];
    const bits: string[] = [];
    const patterns: PatternInfo[] = [];
    for (const c of typeStmt.children) {
      switch (c.keyword) {
        case 'range':
          if (c.arg) copy().range = parseIntervals(c.arg, t.range ?? [['min', 'max']]);
          break;
        case 'length':
          if (c.arg) copy().length = parseIntervals(c.arg, t.length ?? [['0', maxLength]]);
          break;
        case 'pattern':
          if (c.arg !== undefined) {
            const p: PatternInfo = { xsd: c.arg };
            const js = xsdToJsRegex(c.arg);
            if (js !== undefined) p.js = js;
            if (subArg(c, 'modifier') === 'invert-match') p.invertMatch = true;
            const msg = subArg(c, 'error-message');
            if (msg !== undefined) p.errorMessage = msg;
            patterns.push(p);
          }
          break;
        case 'enum':
          if (c.arg !== undefined) {
            const e: EnumInfo = { name: c.arg };
            const d =
              subArg(c, 'description') ?? t.enums?.find((x) => x.name === c.arg)?.description;
            if (d !== undefined) e.description = d;
            enums.push(e);
          }
          break;
        case 'bit':
          if (c.arg !== undefined) bits.push(c.arg);
          break;
        default:
          break;
      }
    }
    if (patterns.length > 0) copy().patterns = [...(t.patterns ?? []), ...patterns];
    if (enums.length > 0) copy().enums = enums;
    if (bits.length > 0) copy().bits = bits;
    return out;
  }

  // ---- data nodes ------------------------------------------------------------

  private buildChildren(
    parent: YangStatement,
    ns: number,
    out: SchemaNode[],
    inChoice: boolean,
  ): void {
    for (const s of parent.children) {
      if (s.keyword === 'uses') {
        this.expandUses(s, ns, out, inChoice);
      } else if (s.keyword === 'case' && inChoice) {
        const node = this.buildNode(s, ns);
        if (node) out.push(node);
      } else if (dataKeywords.has(s.keyword)) {
        const node = this.buildNode(s, ns);
        if (!node) continue;
        if (inChoice) {
          // Shorthand case: a data node directly under a choice is its own case.
          out.push({ kind: 'case', name: node.name, ns, children: [node] });
        } else out.push(node);
      }
    }
  }

  private buildNode(s: YangStatement, ns: number): SchemaNode | undefined {
    if (subArg(s, 'config') === 'false' || s.arg === undefined) return undefined;
    const kind = (s.keyword === 'anyxml' ? 'anydata' : s.keyword) as SchemaNode['kind'];
    const node: SchemaNode = { kind, name: s.arg, ns };
    const leafy = kind === 'leaf' || kind === 'leaf-list';

    let ctype: CType | undefined;
    if (leafy) {
      const t = sub(s, 'type');
      ctype = t ? this.resolveType(t) : { base: 'string', name: 'string' };
      (node as { ctype?: CType }).ctype = ctype;
    }
    const defaults = s.children.filter((c) => c.keyword === 'default' && c.arg !== undefined);
    if (defaults.length > 0) node.default = defaults.map((d) => d.arg!);
    else if (kind === 'leaf' && ctype?.typedefDefault !== undefined)
      node.default = [ctype.typedefDefault];

    const description = subArg(s, 'description') ?? subArg(s, 'tailf:info');
    if (description !== undefined) node.description = description;
    const units = subArg(s, 'units') ?? ctype?.typedefUnits;
    if (units !== undefined) node.units = units;
    if (subArg(s, 'mandatory') === 'true') node.mandatory = true;
    const status = subArg(s, 'status');
    if (status === 'deprecated' || status === 'obsolete') node.status = status;
    const when = subArg(s, 'when');
    if (when !== undefined) node.when = when;
    const features = s.children
      .filter((c) => c.keyword === 'if-feature' && c.arg)
      .map((c) => c.arg!);
    if (features.length > 0) node.ifFeature = features;

    if (kind === 'container') {
      const presence = subArg(s, 'presence');
      if (presence !== undefined) node.presence = presence;
    }
    if (kind === 'list') {
      const key = subArg(s, 'key');
      if (key) node.key = key.trim().split(/\s+/).map(localName);
      const uniques = s.children.filter((c) => c.keyword === 'unique' && c.arg);
      if (uniques.length > 0) {
        node.unique = uniques.map((u) =>
          u
            .arg!.trim()
            .split(/\s+/)
            .map((p) => p.split('/').map(localName).join('/')),
        );
      }
    }
    if (kind === 'list' || kind === 'leaf-list') {
      const min = subArg(s, 'min-elements');
      if (min !== undefined && Number(min) > 0) node.minElements = Number(min);
      const max = subArg(s, 'max-elements');
      if (max !== undefined && max !== 'unbounded') node.maxElements = Number(max);
    }
    if (kind === 'choice') {
      const dflt = subArg(s, 'default');
      if (dflt !== undefined) node.default = [localName(dflt)];
    }

    if (kind === 'container' || kind === 'list' || kind === 'choice' || kind === 'case') {
      const children: SchemaNode[] = [];
      this.buildChildren(s, ns, children, kind === 'choice');
      if (children.length > 0) node.children = children;
    }
    return node;
  }

  private expandUses(uses: YangStatement, ns: number, out: SchemaNode[], inChoice: boolean): void {
    const ref = uses.arg ?? '';
    const grouping = this.findDef('grouping', ref, uses);
    if (!grouping) {
      this.warnings.push(`${this.fileOf(uses).file}:${uses.line}: grouping ${ref} was not found`);
      return;
    }
    if (this.usesStack.has(grouping)) {
      this.warnings.push(`${this.fileOf(uses).file}:${uses.line}: grouping ${ref} uses itself`);
      return;
    }
    this.usesStack.add(grouping);
    const nodes: SchemaNode[] = [];
    try {
      this.buildChildren(grouping, ns, nodes, inChoice);
    } finally {
      this.usesStack.delete(grouping);
    }

    for (const r of uses.children) {
      if (r.keyword === 'refine' && r.arg) {
        const target = findDescendant(nodes, r.arg);
        if (!target) {
          this.warnings.push(
            `${this.fileOf(r).file}:${r.line}: refine target ${r.arg} was not found`,
          );
          continue;
        }
        applyRefine(target, r);
      } else if (r.keyword === 'augment' && r.arg) {
        const target = findDescendant(nodes, r.arg);
        if (!target) {
          this.warnings.push(
            `${this.fileOf(r).file}:${r.line}: augment target ${r.arg} was not found`,
          );
          continue;
        }
        this.augmentNode(target, r, ns);
      }
    }

    const when = subArg(uses, 'when');
    const features = uses.children
      .filter((c) => c.keyword === 'if-feature' && c.arg)
      .map((c) => c.arg!);
    for (const n of nodes) {
      if (when !== undefined && n.when === undefined) n.when = when;
      if (features.length > 0) n.ifFeature = [...(n.ifFeature ?? []), ...features];
      out.push(n);
    }
  }

  private augmentNode(target: SchemaNode, aug: YangStatement, ns: number): void {
    const added: SchemaNode[] = [];
    this.buildChildren(aug, ns, added, target.kind === 'choice');
    const when = subArg(aug, 'when');
    if (when !== undefined) for (const n of added) n.when ??= when;
    target.children = [...(target.children ?? []), ...added];
  }

  /** `augment "/p:a/p:b"` in any loaded module that lands in the root module's tree. */
  private applyTopLevelAugments(root: ModuleFile, top: SchemaNode[]): void {
    for (const f of this.files.values()) {
      for (const aug of f.top.children) {
        if (aug.keyword !== 'augment' || !aug.arg?.startsWith('/')) continue;
        const steps = aug.arg.slice(1).split('/');
        const [firstPrefix] = splitRef(steps[0] ?? '');
        if (this.moduleForPrefix(firstPrefix, aug) !== root.mainName) continue;
        const target = findDescendant(top, steps.join('/'));
        if (!target) {
          this.warnings.push(`${f.file}:${aug.line}: augment target ${aug.arg} was not found`);
          continue;
        }
        this.augmentNode(target, aug, this.nsIndex(f.mainName));
      }
    }
  }
}

/** Walks a descendant schema node id (`a/b/c`, prefixes ignored) through nodes, choices and cases. */
function findDescendant(nodes: SchemaNode[], path: string): SchemaNode | undefined {
  let level: SchemaNode[] | undefined = nodes;
  let found: SchemaNode | undefined;
  for (const step of path.trim().split('/')) {
    if (step === '') continue;
    const name = localName(step.trim());
    found = level?.find((n) => n.name === name);
    if (!found) return undefined;
    level = found.children;
  }
  return found;
}

function applyRefine(target: SchemaNode, r: YangStatement): void {
  const defaults = r.children.filter((c) => c.keyword === 'default' && c.arg !== undefined);
  if (defaults.length > 0) target.default = defaults.map((d) => d.arg!);
  for (const c of r.children) {
    switch (c.keyword) {
      case 'description':
        if (c.arg !== undefined) target.description = c.arg;
        break;
      case 'mandatory':
        if (c.arg === 'true') target.mandatory = true;
        else delete target.mandatory;
        break;
      case 'presence':
        if (c.arg !== undefined) target.presence = c.arg;
        break;
      case 'min-elements':
        if (c.arg !== undefined) target.minElements = Number(c.arg);
        break;
      case 'max-elements':
        if (c.arg === 'unbounded') delete target.maxElements;
        else if (c.arg !== undefined) target.maxElements = Number(c.arg);
        break;
      case 'units':
        if (c.arg !== undefined) target.units = c.arg;
        break;
      case 'if-feature':
        if (c.arg !== undefined) target.ifFeature = [...(target.ifFeature ?? []), c.arg];
        break;
      default:
        break;
    }
  }
}

/** `1..10 | 20 | min..max` with min and max taken from the restricted type's intervals. */
function parseIntervals(arg: string, base: [string, string][]): [string, string][] {
  const lo = base[0]?.[0] ?? 'min';
  const hi = base[base.length - 1]?.[1] ?? 'max';
  const bound = (s: string): string => (s === 'min' ? lo : s === 'max' ? hi : s);
  return arg.split('|').map((part) => {
    const [a, b] = part.split('..').map((x) => x.trim());
    const first = bound(a ?? '');
    return [first, b === undefined ? first : bound(b)];
  });
}

const changeVerbs: Record<string, SchemaChange['change']> = {
  added: 'added',
  removed: 'removed',
  renamed: 'renamed',
  obsoleted: 'obsoleted',
  deprecated: 'deprecated',
};

/**
 * Reads "Removed /ncs-config/large-scale." style lines from the revision
 * descriptions, so a message about an element this version no longer has can
 * say which release took it away. Wording varies; what does not parse is
 * simply not mentioned.
 */
function revisionHistory(top: YangStatement): SchemaChange[] {
  const out: SchemaChange[] = [];
  for (const rev of top.children) {
    if (rev.keyword !== 'revision' || !rev.arg) continue;
    const raw = subArg(rev, 'description') ?? '';
    const release = /Released as part of\s+([A-Za-z]+-[\d.]+\d)/.exec(raw)?.[1];
    // Paths wrapped over two lines continue with a '/' on the next line.
    const text = raw
      .replace(/\b(to|and)[ \t]*\n\s*\//g, '$1 /')
      .replace(/([\w-])[ \t]*\n\s*\//g, '$1/');
    const sentence =
      /\b(Added|Removed|Renamed|Obsoleted|Deprecated)\s+(?:(?:leaf-list|leaf|list|container|typedef)\s+)?((?:\/[\w/-]+,?\s*(?:and\s+)?)+)(?:to\s+(\/[\w/-]+))?/g;
    for (const m of text.matchAll(sentence)) {
      const change = changeVerbs[m[1]!.toLowerCase()]!;
      for (const p of m[2]!.split(/[,\s]+/)) {
        const path = p.trim().replace(/[.,]$/, '');
        if (!path.startsWith('/')) continue;
        const c: SchemaChange = { path, change, revision: rev.arg };
        if (release) c.release = release;
        if (m[3]) c.to = m[3].replace(/[.,]$/, '');
        out.push(c);
      }
    }
  }
  return out;
}

export { YangSyntaxError };
