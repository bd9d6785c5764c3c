// What a payload running inside the extension host writes to the file named by
// NSO_EXTHOST_RESULT_FILE. Written first as 'started' and again when run()
// settles, so the driver can tell passing tests from an extension host that
// crashed or called process.exit() (the workbench reports those as success).

export const resultFileEnv = 'NSO_EXTHOST_RESULT_FILE';

export interface TestOutcome {
  title: string;
  state: 'passed' | 'failed';
  durationMs: number;
  error?: string;
}

export interface PayloadResult {
  state: 'started' | 'passed' | 'failed';
  pid: number;
  at: string;
  passes?: number;
  failures?: number;
  tests?: TestOutcome[];
  error?: string;
  /** Whatever else a payload reports (the bench payload's timings). */
  data?: unknown;
}
