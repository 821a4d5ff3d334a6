// What a view shows, loaded once per change, and the view told of a change only once the change is
// loaded. VS Code drops every node of a tree view when it asks for the top level again; a node's
// children asked for in the meantime (an expanded row's) are "not found", stay empty and are not asked
// again. A top level answered at once, from what is already loaded, leaves no such window.

export class Reloading<T> {
  private current: Promise<T> | undefined;

  constructor(
    private readonly load: () => Promise<T>,
    /** Tells the views (an EventEmitter's fire). */
    private readonly tell: () => void,
  ) {}

  /** The value loaded for the latest change (loaded now if nobody has asked yet). */
  get(): Promise<T> {
    this.current ??= this.load();
    return this.current;
  }

  /**
   * Something it shows changed. Never asked for yet: the views are told at once (they load it when
   * they ask). Otherwise it is loaded again first, and the views are told when it is ready, whether
   * the load succeeded or not; of changes in a burst, only the newest load tells them.
   */
  changed(): void {
    if (this.current === undefined) {
      this.tell();
      return;
    }
    const loading = this.load();
    this.current = loading;
    const told = () => {
      if (this.current === loading) this.tell();
    };
    void loading.then(told, told);
  }
}
