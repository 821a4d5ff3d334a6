// A SIGKILL for in-memory ports: every port call goes through a KillSwitch, which counts the calls
// that change something and, at the one after its limit, kills the "process". From then on every
// port call of that process throws KilledError and changes nothing, so whatever the fakes hold at
// that moment is all a later process finds (as after a real SIGKILL). Fakes can also declare a kill
// point inside one call (between the picks of a cherry-pick, after the remote took a push).

export class KilledError extends Error {
  override readonly name = 'KilledError';
}

export function isKilled(error: unknown): boolean {
  return error instanceof Error && error.name === 'KilledError';
}

export class KillSwitch {
  private count = 0;
  private killed = false;
  /** The mutating calls that ran, in order: `git.checkout`, `cluster.scale`, ... */
  readonly log: string[] = [];

  /** `limit`: how many mutating calls may run; the next one kills. Infinity: never. */
  constructor(readonly limit = Number.POSITIVE_INFINITY) {}

  get dead(): boolean {
    return this.killed;
  }

  get mutations(): number {
    return this.count;
  }

  /** Before a port call (or a step inside one): refuses once dead; counts a mutation and kills at the limit. */
  enter(label: string, mutating: boolean): void {
    if (this.killed) throw new KilledError(`killed: ${label} after ${this.count} mutating calls`);
    if (!mutating) return;
    if (this.count >= this.limit) {
      this.killed = true;
      throw new KilledError(`killed before ${label}, after ${this.count} mutating calls`);
    }
    this.count++;
    this.log.push(label);
  }

  /** Throws when the process is dead: for test drivers between two operations. */
  check(): void {
    if (this.killed) throw new KilledError('killed');
  }
}


type AnyMethod = (...args: unknown[]) => unknown;

/**
 * The port `target` as a killed process would see it: each method first asks the switch.
 * `mutating(method, args)` says which calls change the world (a dry-run does not).
 */
export function guarded<T extends object>(
  target: T,
  name: string,
  kill: KillSwitch,
  mutating: (method: string, args: readonly unknown[]) => boolean,
  /** Methods that return a value rather than a promise: they throw rather than reject. */
  sync: readonly string[] = [],
): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        try {
          kill.enter(`${name}.${property}`, mutating(property, args));
        } catch (error) {
          if (sync.includes(property)) throw error;
          return Promise.reject(error instanceof Error ? error : new Error(String(error)));
        }
        return (value as AnyMethod).apply(object, args);
      };
    },
  });
}

/** Mutating when the method is one of `names`. */
export const named =
  (...names: string[]) =>
  (method: string): boolean =>
    names.includes(method);
