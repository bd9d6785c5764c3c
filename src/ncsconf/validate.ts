import { scanXml, type XmlDocument } from './xmlScanner';

export const ncsConfigNamespace = 'http://tail-f.com/yang/tailf-ncs-config';

export type Severity = 'error' | 'warning' | 'information';

export interface ConfProblem {
  offset: number;
  length: number;
  severity: Severity;
  message: string;
}

/**
 * Checks that need no schema: well-formedness, and that the root is
 * `<ncs-config>` in NSO's config namespace. Schema checks build on the same scan.
 */
export function validateNcsConf(text: string): { doc: XmlDocument; problems: ConfProblem[] } {
  const doc = scanXml(text);
  const problems: ConfProblem[] = doc.problems.map((p) => ({ ...p, severity: 'error' as const }));
  const root = doc.root;
  if (root) {
    if (root.localName !== 'ncs-config') {
      problems.push({
        offset: root.nameOffset,
        length: root.name.length,
        severity: 'error',
        message: `The root element of ncs.conf is <ncs-config>, not <${root.name}>.`,
      });
    } else if (root.namespace !== ncsConfigNamespace) {
      problems.push({
        offset: root.nameOffset,
        length: root.name.length,
        severity: 'error',
        message:
          root.namespace === ''
            ? `<ncs-config> needs xmlns="${ncsConfigNamespace}": NSO ignores it without.`
            : `<ncs-config> is in namespace ${root.namespace}; NSO expects ${ncsConfigNamespace}.`,
      });
    }
  }
  return { doc, problems };
}
