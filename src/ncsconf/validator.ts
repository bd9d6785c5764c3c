// Validates an ncs.conf (or an ncs.conf.d/ fragment) against the schema read
// from the user's own NSO: one pass over the scanned document, precise ranges,
// messages that say what is allowed. Without a schema, well-formedness, the
// root and namespace, and `${VAR}` checks still run.

import { rootBinding } from './binding';
import { ncsConfigNamespace, type ConfProblem, type QuickFix, type Severity } from './problems';
import type { RtNode, RtType, SchemaIndex } from './schemaIndex';
import { closest } from './suggest';
import {
  insertChildFix,
  lineOf,
  nameRange,
  removeElementFix,
  renameEdits,
  valueRange,
  type Range,
} from './textRanges';
import { describeType, enumeratedValues, valueMatches } from './valueCheck';
import { findVariables, nsoVariables, valueWithFallbacks } from './variables';
import { scanXml, type XmlDocument, type XmlElement } from './xmlScanner';

export interface ValidateOptions {
  schema?: SchemaIndex;
  /** The file is an ncs.conf.d/ fragment: it may start at a section, and holds no mandatory settings. */
  fragment?: boolean;
  /** Environment variables known to be set where NSO runs, besides NSO's own. */
  environment?: Iterable<string>;
}

export interface ConfValidation {
  doc: XmlDocument;
  problems: ConfProblem[];
}

export function validateConf(text: string, options: ValidateOptions): ConfValidation {
  const doc = scanXml(text);
  const v = new Validator(text, doc, options);
  v.run();
  return { doc, problems: v.problems };
}

/** Validates a document already scanned from `text` (validateConf scans first). */
export function validateScanned(
  text: string,
  doc: XmlDocument,
  options: ValidateOptions,
): ConfProblem[] {
  const v = new Validator(text, doc, options);
  v.run();
  return v.problems;
}

class Validator {
  readonly problems: ConfProblem[] = [];
  private readonly schema: SchemaIndex | undefined;
  private readonly fragment: boolean;
  private readonly knownVariables: Set<string>;

  constructor(
    private readonly text: string,
    private readonly doc: XmlDocument,
    options: ValidateOptions,
  ) {
    this.schema = options.schema;
    this.fragment = options.fragment ?? false;
    this.knownVariables = new Set([...Object.keys(nsoVariables), ...(options.environment ?? [])]);
  }

  run(): void {
    for (const p of this.doc.problems) this.problems.push({ ...p, severity: 'error', code: 'xml' });
    const root = this.doc.root;
    if (root) {
      const rt = this.checkRoot(root);
      if (rt) this.children(root, rt, this.fragment);
    }
    this.variables();
    this.problems.sort((a, b) => a.offset - b.offset);
  }

  private report(
    range: Range,
    severity: Severity,
    code: string,
    message: string,
    fix?: QuickFix,
  ): void {
    const p: ConfProblem = {
      offset: range.offset,
      length: Math.max(1, range.length),
      severity,
      code,
      message,
    };
    if (fix) p.fix = fix;
    this.problems.push(p);
  }

  // ---- root and namespace ---------------------------------------------------

  private checkRoot(root: XmlElement): RtNode | undefined {
    const schema = this.schema;
    const expectedNs = schema?.namespace || ncsConfigNamespace;
    const rt = schema ? rootBinding(root, schema, this.fragment) : undefined;
    const isTop = root.localName === 'ncs-config' || (schema?.top.has(root.localName) ?? false);

    if (isTop) {
      this.checkRootNamespace(root, expectedNs, false);
      return rt;
    }
    if (rt) {
      // A fragment that starts at a section: NSO's examples leave out the namespace.
      this.checkRootNamespace(root, expectedNs, true);
      return rt;
    }
    if (this.fragment && !schema) return undefined;
    const section = schema && [...schema.top.values()].some((t) => t.children.has(root.localName));
    this.report(
      nameRange(root),
      'error',
      'root',
      section
        ? `A whole ncs.conf starts with <ncs-config>; <${root.name}> alone is what an ncs.conf.d/ fragment holds.`
        : `The root element of ncs.conf is <ncs-config>, not <${root.name}>.`,
    );
    return undefined;
  }

  private checkRootNamespace(root: XmlElement, expected: string, mayOmit: boolean): void {
    if (root.namespace === expected || (mayOmit && root.namespace === '')) return;
    const xmlns = root.attributes.find((a) => a.name === 'xmlns');
    const fix: QuickFix = xmlns
      ? {
          title: `Use namespace ${expected}`,
          edits: [{ offset: xmlns.valueOffset, length: xmlns.value.length, newText: expected }],
        }
      : {
          title: `Add xmlns="${expected}"`,
          edits: [
            {
              offset: root.nameOffset + root.name.length,
              length: 0,
              newText: ` xmlns="${expected}"`,
            },
          ],
        };
    this.report(
      nameRange(root),
      'error',
      'namespace',
      root.namespace === ''
        ? `<${root.name}> needs xmlns="${expected}": NSO ignores it without.`
        : `<${root.name}> is in namespace ${root.namespace}; NSO expects ${expected}.`,
      fix,
    );
  }

  // ---- elements ----------------------------------------------------------------

  private children(el: XmlElement, rt: RtNode, isFragmentRoot: boolean): void {
    const present = new Map<RtNode, XmlElement[]>();
    const chosen = new Map<RtNode, { caseNode: RtNode; el: XmlElement }>();

    for (const child of el.children) {
      const c = rt.children.get(child.localName);
      if (!c) {
        this.unknownElement(child, rt);
        continue;
      }
      if (child.namespace !== el.namespace && child.namespace !== c.namespace) {
        this.report(
          nameRange(child),
          'error',
          'namespace',
          `<${child.name}> is in namespace ${child.namespace || '(none)'}; the schema has it in ${c.namespace}.`,
        );
      }
      const list = present.get(c);
      if (list) list.push(child);
      else present.set(c, [child]);

      for (const step of c.choicePath) {
        const first = chosen.get(step.choice);
        if (!first) chosen.set(step.choice, { caseNode: step.caseNode, el: child });
        else if (first.caseNode !== step.caseNode) {
          this.report(
            nameRange(child),
            'error',
            'choice-conflict',
            `<${child.localName}> and <${first.el.localName}> (line ${lineOf(this.text, first.el.start)}) are alternatives of choice ${step.choice.name}: keep one.`,
          );
        }
      }

      if (c.node.status === 'obsolete') {
        this.report(
          nameRange(child),
          'warning',
          'status',
          `<${child.localName}> is obsolete in this NSO version: NSO no longer uses it.`,
        );
      } else if (c.node.status === 'deprecated') {
        this.report(
          nameRange(child),
          'information',
          'status',
          `<${child.localName}> is deprecated in this NSO version.`,
        );
      }

      switch (c.kind) {
        case 'leaf':
        case 'leaf-list':
          this.leafValue(child, c);
          break;
        case 'container':
        case 'list':
          this.strayText(child);
          this.children(child, c, false);
          break;
        default:
          break;
      }
    }

    this.repeats(rt, present);
    if (!isFragmentRoot) this.mandatory(el, rt, present, chosen);
  }

  private unknownElement(child: XmlElement, rt: RtNode): void {
    const name = child.localName;
    // Another vocabulary altogether: a name guess from NSO's schema would only mislead.
    const known = this.schema?.schema.modules.some((m) => m.namespace === child.namespace);
    if (this.schema && child.namespace !== '' && !known) {
      this.report(
        nameRange(child),
        'error',
        'unknown-element',
        `<${child.name}> is in namespace ${child.namespace}, which the ncs.conf schema does not use: NSO refuses it in ${rt.path}.`,
      );
      return;
    }
    const change = this.schema?.schema.history?.find(
      (h) => h.path === `${rt.path}/${name}` && (h.change === 'removed' || h.change === 'renamed'),
    );
    if (change) {
      const when = change.release ? `in ${change.release}` : `in revision ${change.revision}`;
      const module = this.schema?.schema.modules[0]?.name ?? 'the schema';
      const to = change.change === 'renamed' ? change.to : undefined;
      const newName = to?.slice(to.lastIndexOf('/') + 1);
      const sameParent = to !== undefined && to.slice(0, to.lastIndexOf('/')) === rt.path;
      this.report(
        nameRange(child),
        'error',
        'removed-element',
        to
          ? `<${name}> is not in this schema: ${module} renamed it to ${to} ${when}.`
          : `<${name}> is not in this schema: ${module} removed it ${when}; an NSO of this version refuses it.`,
        newName && sameParent && rt.children.has(newName)
          ? { title: `Rename to <${newName}>`, edits: renameEdits(child, newName) }
          : undefined,
      );
      return;
    }
    const guess = closest(name, rt.children.keys());
    if (guess) {
      this.report(
        nameRange(child),
        'error',
        'unknown-element',
        `Unknown element <${name}> in ${rt.path}: did you mean <${guess}>?`,
        { title: `Change to <${guess}>`, edits: renameEdits(child, guess) },
      );
      return;
    }
    const elsewhere = (this.schema?.byName.get(name) ?? []).filter((n) => n.parent !== rt);
    if (elsewhere.length > 0) {
      const here = rt.path;
      const shared = (p: string): number => {
        let i = 0;
        while (i < p.length && i < here.length && p[i] === here[i]) i++;
        return i;
      };
      const places = elsewhere
        .map((n) => n.parent?.path ?? '/')
        .sort((a, b) => shared(b) - shared(a) || a.length - b.length);
      const shown = places.slice(0, 3).join(', ');
      const more = places.length > 3 ? ` and ${places.length - 3} more places` : '';
      this.report(
        nameRange(child),
        'error',
        'misplaced-element',
        `<${name}> does not belong in ${here}; it belongs in ${shown}${more}.`,
      );
      return;
    }
    const allowed = [...rt.children.keys()];
    const hint =
      allowed.length === 0
        ? `${rt.path} holds no elements`
        : allowed.length <= 8
          ? `${rt.path} allows ${allowed.map((a) => `<${a}>`).join(', ')}`
          : `${rt.path} allows ${allowed.length} elements: use completion to see them`;
    this.report(
      nameRange(child),
      'error',
      'unknown-element',
      `Unknown element <${name}>: ${hint}.`,
    );
  }

  private strayText(el: XmlElement): void {
    if (el.text.trim() === '') return;
    this.report(
      valueRange(this.text, el),
      'error',
      'unexpected-text',
      `<${el.localName}> holds elements, not text.`,
    );
  }

  private leafValue(el: XmlElement, rt: RtNode): void {
    const first = el.children[0];
    if (first) {
      this.report(
        nameRange(first),
        'error',
        'not-a-leaf',
        `<${el.localName}> holds a value, not elements.`,
      );
      return;
    }
    const t = rt.type;
    if (!t) return;
    const value = el.text.trim();
    // NSO expands variables when it reads the file; the expanded value is not known here,
    // but a value whose every variable has a default must be valid with those defaults.
    if (value.includes('${')) {
      this.fallbackValue(el, t, value);
      return;
    }
    if (valueMatches(t, value)) return;

    const typeName = t.info.name === t.info.base ? t.info.base : `${t.info.name}, ${t.info.base}`;
    const expected = describeType(t);
    const range = valueRange(this.text, el);
    let fix: QuickFix | undefined;
    const choices = enumeratedValues(t).map((e) => e.name);
    const guess = value === '' ? undefined : closest(value, choices);
    if (guess) {
      fix = {
        title: `Change to ${guess}`,
        edits: [{ offset: range.offset, length: range.length, newText: guess }],
      };
    }
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    const message =
      value === ''
        ? `<${el.localName}> is empty: expected ${expected} (${typeName}).`
        : `'${shown}' is not a valid <${el.localName}>: expected ${expected} (${typeName}).${guess ? ` Did you mean ${guess}?` : ''}`;
    this.report(range, 'error', 'invalid-value', message, fix);
  }

  /** `${NCS_CLI_SSH:-false}`: NSO reads the default where the variable is not set. */
  private fallbackValue(el: XmlElement, t: RtType, value: string): void {
    const fallback = valueWithFallbacks(value);
    if (fallback === undefined || valueMatches(t, fallback.trim())) return;
    const names = findVariables(value, 0, value.length).map((v) => `\${${v.name}}`);
    const typeName = t.info.name === t.info.base ? t.info.base : `${t.info.name}, ${t.info.base}`;
    this.report(
      valueRange(this.text, el),
      'error',
      'invalid-value',
      `Where ${names.join(' and ')} ${names.length === 1 ? 'is' : 'are'} not set, <${el.localName}> is '${fallback}', which is not valid: expected ${describeType(t)} (${typeName}).`,
    );
  }

  // ---- repeats: singletons, list keys, leaf-list values, max-elements -------------

  private repeats(rt: RtNode, present: Map<RtNode, XmlElement[]>): void {
    for (const [c, els] of present) {
      if (c.kind === 'leaf' || c.kind === 'container' || c.kind === 'anydata') {
        if (els.length === 1) continue;
        const firstLine = lineOf(this.text, els[0]!.start);
        for (const dup of els.slice(1)) {
          this.report(
            nameRange(dup),
            'error',
            'duplicate',
            `<${dup.localName}> is given twice in ${rt.path} (first on line ${firstLine}); NSO allows it once.`,
            removeElementFix(this.text, dup, `Remove this second <${dup.localName}>`),
          );
        }
        continue;
      }
      if (c.kind === 'list') this.listEntries(c, els);
      if (c.kind === 'leaf-list') {
        const seen = new Map<string, XmlElement>();
        for (const e of els) {
          const value = e.text.trim();
          const first = seen.get(value);
          if (first) {
            this.report(
              valueRange(this.text, e),
              'warning',
              'duplicate',
              `'${value}' is already given in <${c.name}> on line ${lineOf(this.text, first.start)}.`,
              removeElementFix(this.text, e, `Remove the repeated '${value}'`),
            );
          } else seen.set(value, e);
        }
      }
      const max = c.node.maxElements;
      if (max !== undefined && els.length > max) {
        this.report(
          nameRange(els[max]!),
          'error',
          'too-many',
          `${rt.path} allows at most ${max} <${c.name}>; this is number ${max + 1} of ${els.length}.`,
        );
      }
    }
  }

  private listEntries(c: RtNode, entries: XmlElement[]): void {
    const keys = c.node.key ?? [];
    const tuples = (
      paths: string[][],
      e: XmlElement,
    ): { value: string; at: XmlElement } | undefined => {
      const parts: string[] = [];
      let at: XmlElement | undefined;
      for (const p of paths) {
        let cur: XmlElement | undefined = e;
        for (const step of p) cur = cur?.children.find((x) => x.localName === step);
        if (!cur) return undefined;
        at ??= cur;
        parts.push(cur.text.trim());
      }
      return at ? { value: parts.join('\u0000'), at } : undefined;
    };
    const check = (paths: string[][], what: string): void => {
      const seen = new Map<string, XmlElement>();
      for (const e of entries) {
        const t = tuples(paths, e);
        if (!t) continue;
        const first = seen.get(t.value);
        if (!first) {
          seen.set(t.value, e);
          continue;
        }
        const shown = t.value.split('\u0000').join(' ');
        this.report(
          valueRange(this.text, t.at),
          'error',
          'duplicate-key',
          `Duplicate <${c.name}> entry: ${what} '${shown}' is already used on line ${lineOf(this.text, first.start)}.`,
        );
      }
    };
    if (keys.length > 0)
      check(
        keys.map((k) => [k]),
        keys.length === 1 ? `key ${keys[0]}` : `key (${keys.join(' ')})`,
      );
    for (const u of c.node.unique ?? []) {
      check(
        u.map((p) => p.split('/')),
        `unique (${u.join(' ')})`,
      );
    }
  }

  // ---- mandatory --------------------------------------------------------------------

  private mandatory(
    el: XmlElement,
    rt: RtNode,
    present: Map<RtNode, XmlElement[]>,
    chosen: Map<RtNode, { caseNode: RtNode; el: XmlElement }>,
  ): void {
    const chosenCases = new Set([...chosen.values()].map((v) => v.caseNode));
    for (const m of missingMandatory(rt, present, chosenCases)) {
      const direct = !m.path.includes('/');
      const fix =
        direct && m.leaf
          ? insertChildFix(this.text, el, `<${m.path}></${m.path}>`, `Add <${m.path}>`)
          : undefined;
      this.report(
        nameRange(el),
        'error',
        'missing-mandatory',
        m.choice
          ? `<${el.localName}> needs one of ${m.path} (choice ${m.choice}).`
          : m.min !== undefined
            ? `<${el.localName}> needs at least ${m.min} <${m.path}> entr${m.min === 1 ? 'y' : 'ies'}.`
            : `<${el.localName}> is missing <${m.path}>, which is mandatory.`,
        fix,
      );
    }
  }

  // ---- ${VAR} ------------------------------------------------------------------------

  private variables(): void {
    const { text } = this;
    for (const el of this.doc.elements) {
      if (el.selfClosing || !el.text.includes('${')) continue;
      // Only the first text run: values are single runs in practice.
      let end = text.indexOf('<', el.startTagEnd);
      if (end < 0) end = text.length;
      for (const v of findVariables(text, el.startTagEnd, end)) {
        if (!v.closed) {
          this.report(
            { offset: v.offset, length: v.length },
            'error',
            'unknown-variable',
            `\${${v.name} is not closed: add }.`,
          );
          continue;
        }
        // NSO uses the default where the variable is not set: nothing to expand is missing.
        if (this.knownVariables.has(v.name) || v.fallback !== undefined) continue;
        const guess = closest(v.name, this.knownVariables);
        this.report(
          { offset: v.offset, length: v.length },
          'warning',
          'unknown-variable',
          `\${${v.name}} is neither an NSO variable (${Object.keys(nsoVariables).join(', ')}) nor a known environment variable: NSO cannot expand it.${guess ? ` Did you mean \${${guess}}?` : ''}`,
          guess
            ? {
                title: `Change to \${${guess}}`,
                edits: [{ offset: v.nameOffset, length: v.name.length, newText: guess }],
              }
            : undefined,
        );
      }
    }
  }
}

const requires = new WeakMap<RtNode, boolean>();

/** Whether anything below the node can be mandatory: most of the schema cannot, and is skipped. */
function requiresSomething(rt: RtNode): boolean {
  let r = requires.get(rt);
  if (r === undefined) {
    r = rt.choices.some((c) => c.node.mandatory === true);
    for (const c of rt.children.values()) {
      if (r) break;
      if (c.kind === 'leaf')
        r = c.node.mandatory === true || (rt.node.key?.includes(c.name) ?? false);
      else if (c.kind === 'list' || c.kind === 'leaf-list') r = (c.node.minElements ?? 0) > 0;
      else if (c.kind === 'container' && c.node.presence === undefined) r = requiresSomething(c);
    }
    requires.set(rt, r);
  }
  return r;
}

export interface MissingChild {
  /** Element path below the checked element, e.g. `port` or `ssh/port`. */
  path: string;
  leaf?: boolean;
  /** Set when a list or leaf-list has too few entries. */
  min?: number;
  /** Set when a mandatory choice has no case: the choice's name. */
  choice?: string;
}

/**
 * Mandatory children of a present element that are missing. A non-presence
 * container exists whenever its parent does, so its mandatory children count
 * too; nodes with `when` or `if-feature` may not exist, so they are left out.
 */
export function missingMandatory(
  rt: RtNode,
  present: Map<RtNode, XmlElement[]>,
  chosenCases: Set<RtNode>,
): MissingChild[] {
  if (!requiresSomething(rt)) return [];
  const out: MissingChild[] = [];
  const keys = rt.kind === 'list' ? new Set(rt.node.key ?? []) : undefined;
  for (const c of rt.children.values()) {
    if (c.node.when !== undefined || c.node.ifFeature || c.node.status === 'obsolete') continue;
    if (!c.choicePath.every((s) => chosenCases.has(s.caseNode))) continue;
    const count = present.get(c)?.length ?? 0;
    if (c.kind === 'leaf') {
      if (count === 0 && (c.node.mandatory || keys?.has(c.name)))
        out.push({ path: c.name, leaf: true });
    } else if (c.kind === 'list' || c.kind === 'leaf-list') {
      const min = c.node.minElements;
      if (min !== undefined && count < min) out.push({ path: c.name, min });
    } else if (c.kind === 'container' && count === 0 && c.node.presence === undefined) {
      for (const m of missingMandatory(c, new Map(), new Set()))
        out.push({ ...m, path: `${c.name}/${m.path}` });
    }
  }
  for (const ch of rt.choices) {
    if (!ch.node.mandatory || ch.node.when !== undefined || ch.node.ifFeature) continue;
    if (ch.cases.some((cs) => chosenCases.has(cs))) continue;
    const names = ch.cases.flatMap((cs) =>
      cs.caseMembers
        .filter((m) => m.choicePath.length === ch.choicePath.length + 1)
        .map((m) => `<${m.name}>`),
    );
    out.push({ path: names.join(', '), choice: ch.name });
  }
  return out;
}
