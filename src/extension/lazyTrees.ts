// Tree views that exist from activation while the feature that fills them is
// not loaded yet: VS Code needs the view registered to show it, but its
// provider (and the bundle it lives in) is only needed once the view is shown.
// Each view here is created at activation with a stand-in provider; the first
// time the view becomes visible or VS Code asks for its items, `load` runs and
// the feature attaches its real provider through WorkbenchContext.treeView().
import * as vscode from 'vscode';

type TreeOptions = Omit<vscode.TreeViewOptions<unknown>, 'treeDataProvider'>;

class LazyTree implements vscode.TreeDataProvider<unknown>, vscode.Disposable {
  private target: vscode.TreeDataProvider<unknown> | undefined;
  private targetChanges: vscode.Disposable | undefined;
  private readonly changed = new vscode.EventEmitter<unknown>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly visibility = new vscode.EventEmitter<vscode.TreeViewVisibilityChangeEvent>();
  readonly view: vscode.TreeView<unknown>;
  private readonly visibilityChanges: vscode.Disposable;

  constructor(
    id: string,
    options: TreeOptions,
    private readonly load: () => void,
  ) {
    this.view = vscode.window.createTreeView(id, { ...options, treeDataProvider: this });
    this.visibilityChanges = this.view.onDidChangeVisibility((e) => {
      // Shown: the feature is needed now. It subscribes while loading, and
      // still gets this very event below.
      if (e.visible && !this.target) this.load();
      this.visibility.fire(e);
    });
  }

  /**
   * The feature's provider takes over. The feature gets the view itself, but
   * with the visibility event relayed from here (so the event that loaded it
   * reaches it too) and without dispose: the view lives as long as the
   * extension, and is disposed with it here.
   */
  attach<T>(provider: vscode.TreeDataProvider<T>): vscode.TreeView<T> {
    if (this.target) throw new Error('a provider is already attached to this view');
    this.target = provider;
    this.targetChanges = provider.onDidChangeTreeData?.((e) => this.changed.fire(e));
    const view = this.view;
    const visibility = this.visibility.event;
    return new Proxy(view, {
      get: (_, prop) => {
        if (prop === 'onDidChangeVisibility') return visibility;
        if (prop === 'dispose') return () => undefined;
        const value: unknown = Reflect.get(view, prop, view);
        return typeof value === 'function' ? (value as () => unknown).bind(view) : value;
      },
      set: (_, prop, value) => Reflect.set(view, prop, value, view),
    }) as vscode.TreeView<T>;
  }

  getTreeItem(element: unknown): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return this.provider().getTreeItem(element);
  }

  getChildren(element?: unknown): vscode.ProviderResult<unknown[]> {
    return this.provider().getChildren(element);
  }

  dispose(): void {
    this.visibilityChanges.dispose();
    this.targetChanges?.dispose();
    this.view.dispose();
    this.changed.dispose();
    this.visibility.dispose();
  }

  private provider(): vscode.TreeDataProvider<unknown> {
    if (!this.target) this.load();
    if (!this.target) throw new Error('the feature of this view attached no provider');
    return this.target;
  }
}

/** The lazily filled tree views, by view id. */
export class LazyTrees implements vscode.Disposable {
  private readonly trees = new Map<string, LazyTree>();

  /** `views`: view id and the options VS Code needs at creation; `load` loads their feature. */
  constructor(views: readonly (readonly [string, TreeOptions])[], load: () => void) {
    for (const [id, options] of views) this.trees.set(id, new LazyTree(id, options, load));
  }

  /** The view `id` with `provider` as its provider (see LazyTree.attach). */
  attach<T>(id: string, provider: vscode.TreeDataProvider<T>): vscode.TreeView<T> {
    const tree = this.trees.get(id);
    if (!tree) throw new Error(`${id} is not a lazily filled view`);
    return tree.attach(provider);
  }

  dispose(): void {
    for (const tree of this.trees.values()) tree.dispose();
  }
}
