// Ports shared by every part of the engine: time, durable state, and the audit trail.
// The engine owns these interfaces; adapters implement them (files under .git/hotfix/, a cluster).

export interface Clock {
  now(): Date;
  /** Resolves after `ms`, or early (rejecting) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new Error('cancelled'));
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new Error('cancelled'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** Small JSON documents that must survive a crash: written whole or not at all. */
export interface StateStore {
  read<T>(key: string): Promise<T | undefined>;
  write(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
  list(prefix: string): Promise<string[]>;
}

export interface AuditRecord {
  readonly at: string;
  /** Who did it: the git identity, e.g. `Ada Oncall <ada@example.com>`. */
  readonly actor: string;
  /** The operating-system account that ran the tool, next to the git identity (filled by the audit adapter when absent). */
  readonly osUser?: string;
  /** What, as a dotted verb: `hotfix.create`, `hotfix.finish.merge`, ... */
  readonly action: string;
  readonly subject: string;
  readonly before?: string;
  readonly after?: string;
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

/** Append-only; the file adapter chains every record to the one before (src/core/audit). */
export interface AuditLog {
  append(record: AuditRecord): Promise<void>;
}
