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
  /**
   * From the start of ext.activate() to the status bar's first NSO state
   * (leaving `connecting`): the watcher starts right after activation, loads
   * the Docker bundle and asks the engine. What the user waits for before the
   * status bar says something; undefined when it did not within the timeout.
   */
  firstHealthMs?: number;
  /**
   * The first deferred load: `NSO: Refresh Packages` run once the window is
   * idle again, which loads dist/features.js, sets the features up and
   * lists the (empty) workspace's packages.
   */
  firstFeatureCommandMs: number;
  /** The extension's own log line: requiring dist/features.js and setting the features up. */
  featuresLoadMs?: number;
  /** What the log says loaded the features (a command, a view, an editor...). */
  featuresLoadedBy?: string;
}

/** The window's user-data folder, where VS Code keeps the extension's log channel. */
export const userDataDirEnv = 'NSO_BENCH_USER_DATA_DIR';
