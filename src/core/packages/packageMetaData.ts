// Reading package-meta-data.xml: the file NSO itself reads to learn a
// package's name, version, dependencies and components.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const packagesNamespace = 'http://tail-f.com/ns/ncs-packages';

export interface RequiredPackage {
  name: string;
  minVersion?: string;
}

export type ComponentKind = 'python' | 'java' | 'ned' | 'upgrade' | 'other';

export interface PackageComponent {
  name: string;
  kind: ComponentKind;
  /** python-class-name or java-class-name, when the component names one. */
  className?: string;
}

export interface PackageMetaData {
  name: string;
  version?: string;
  description?: string;
  ncsMinVersion: string[];
  requiredPackages: RequiredPackage[];
  components: PackageComponent[];
}

/** A problem in package-meta-data.xml, with a 1-based line and column. */
export interface MetaDataProblem {
  line: number;
  column: number;
  message: string;
}

export type MetaDataResult =
  { ok: true; metaData: PackageMetaData } | { ok: false; problem: MetaDataProblem };

const parser = new XMLParser({
  ignoreAttributes: false,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ['component', 'required-package', 'ncs-min-version'].includes(name),
});

type Node = Record<string, unknown>;

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object' && '#text' in v) return text((v as Node)['#text']);
  return undefined;
}

function lineOf(xml: string, needle: RegExp): { line: number; column: number } {
  const m = needle.exec(xml);
  if (!m) return { line: 1, column: 1 };
  const before = xml.slice(0, m.index);
  const line = before.split('\n').length;
  return { line, column: m.index - before.lastIndexOf('\n') };
}

function componentOf(node: Node): PackageComponent {
  const name = text(node.name) ?? '(unnamed)';
  const app = (node.application ?? node.callback) as Node | undefined;
  const py = app && text(app['python-class-name']);
  const java = app && text(app['java-class-name']);
  if (py) return { name, kind: 'python', className: py };
  if (java) return { name, kind: 'java', className: java };
  if (node.ned !== undefined) return { name, kind: 'ned' };
  if (node.upgrade !== undefined) {
    const up = node.upgrade as Node;
    const upPy = text(up['python-class-name']);
    const upJava = text(up['java-class-name']);
    return { name, kind: 'upgrade', ...(upPy || upJava ? { className: upPy ?? upJava } : {}) };
  }
  return { name, kind: 'other' };
}

/** Parses package-meta-data.xml text; a malformed file gives one problem at its line. */
export function parsePackageMetaData(xml: string): MetaDataResult {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    return {
      ok: false,
      problem: { line: valid.err.line, column: valid.err.col, message: valid.err.msg },
    };
  }
  const doc = parser.parse(xml) as Node;
  const rawRoot = doc['ncs-package'];
  // An empty <ncs-package/> parses as a string; it is still the right root.
  const root = (typeof rawRoot === 'string' ? {} : rawRoot) as Node | undefined;
  if (!root || typeof root !== 'object') {
    const first = Object.keys(doc).find((k) => !k.startsWith('?'));
    return {
      ok: false,
      problem: {
        ...lineOf(xml, /<[A-Za-z]/),
        message: `The root element must be <ncs-package xmlns="${packagesNamespace}">${first ? `, not <${first}>` : ''}.`,
      },
    };
  }
  const name = text(root.name);
  if (!name) {
    return {
      ok: false,
      problem: {
        ...lineOf(xml, /<(\w+:)?ncs-package\b/),
        message: 'The package has no <name>: NSO cannot load it.',
      },
    };
  }
  const version = text(root['package-version']);
  const description = text(root.description);
  const requiredPackages = ((root['required-package'] as Node[] | undefined) ?? []).flatMap(
    (r): RequiredPackage[] => {
      const rn = text(r.name) ?? text(r);
      if (!rn) return [];
      const mv = text(r['min-version']);
      return [mv ? { name: rn, minVersion: mv } : { name: rn }];
    },
  );
  return {
    ok: true,
    metaData: {
      name,
      ...(version ? { version } : {}),
      ...(description ? { description } : {}),
      ncsMinVersion: ((root['ncs-min-version'] as unknown[] | undefined) ?? []).flatMap((v) => {
        const t = text(v);
        return t ? [t] : [];
      }),
      requiredPackages,
      components: ((root.component as Node[] | undefined) ?? []).map(componentOf),
    },
  };
}
