import type { XmlDocument } from './xmlScanner';
import { validateConf } from './validator';
import type { ConfProblem } from './problems';

export {
  ncsConfigNamespace,
  type ConfProblem,
  type QuickFix,
  type Severity,
  type TextEdit,
} from './problems';

/**
 * Checks that need no schema: well-formedness, and that the root is
 * `<ncs-config>` in NSO's config namespace. validateConf adds the schema checks.
 */
export function validateNcsConf(text: string): { doc: XmlDocument; problems: ConfProblem[] } {
  return validateConf(text, {});
}
