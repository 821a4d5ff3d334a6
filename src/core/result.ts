// Expected failures are values, not exceptions: a refused input, a conflict or a failed gate comes
// back as a Failed with a reason a person can act on. Exceptions are kept for bugs.

export interface Succeeded<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Failed {
  readonly ok: false;
  /** What went wrong, in words for the person at the keyboard. */
  readonly reason: string;
  /** What to do about it, when there is something to do. */
  readonly hint?: string;
}

export type Result<T> = Succeeded<T> | Failed;

export function succeeded<T>(value: T): Succeeded<T> {
  return { ok: true, value };
}

export function failed(reason: string, hint?: string): Failed {
  return hint === undefined ? { ok: false, reason } : { ok: false, reason, hint };
}
