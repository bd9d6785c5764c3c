// What the activation bench's driver (activate.ts) and its extension host
// payload (activatePayload.ts) share; no vscode import, so the driver can load it.

export interface ActivationSample {
  /** Wall-clock time of ext.activate(). */
  activateMs: number;
  /** CPU time the extension host spent meanwhile (user + system): less sensitive to a busy machine. */
  activateCpuMs: number;
  /** How long the extension host took to become idle before the measurement. */
  settleMs: number;
  /**
   * The extension's own figure for the body of activate(), from the line it
   * writes to its log channel; activateMs minus this is mostly loading the bundle.
   */
  activateBodyMs?: number;
}

/** The window's user-data folder, where VS Code keeps the extension's log channel. */
export const userDataDirEnv = 'NSO_BENCH_USER_DATA_DIR';
