// What every ncs.conf check reports: a range in the text, a severity, a
// message a user can act on, and a quick fix when one is clear.

export const ncsConfigNamespace = 'http://tail-f.com/yang/tailf-ncs-config';

export type Severity = 'error' | 'warning' | 'information';

/** One text replacement: `length` characters at `offset` become `newText`. */
export interface TextEdit {
  offset: number;
  length: number;
  newText: string;
}

/** A fix that is clear enough to offer as a code action. */
export interface QuickFix {
  title: string;
  edits: TextEdit[];
}

export interface ConfProblem {
  offset: number;
  length: number;
  severity: Severity;
  message: string;
  /** Stable identifier of the kind of problem, e.g. `unknown-element`. */
  code?: string;
  fix?: QuickFix;
}
