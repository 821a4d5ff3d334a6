// Expected failures are values, not exceptions: a refused input, a conflict or a failed gate comes
// back as a Failed with a reason a person can act on. Exceptions are kept for bugs.

export interface Succeeded<T> {
  readonly ok: true;
  readonly value: T;
}

/**
 * What kind of failure, so front ends choose an exit code or a button without reading the words.
 * `input`: what the person gave is wrong (an unknown target, an invalid config, a malformed image),
 * refused before anything was touched. `ambiguous`: several things could be meant; say which.
 * `state`, `not-found`, `conflict`: the operation could not be done now. Absent: it failed.
 */
export type FailureKind = 'input' | 'ambiguous' | 'state' | 'not-found' | 'conflict';

export interface Failed {
  readonly ok: false;
  /** What went wrong, in words for the person at the keyboard. */
  readonly reason: string;
  /** What to do about it, when there is something to do. */
  readonly hint?: string;
  readonly failure?: FailureKind;
}

export type Result<T> = Succeeded<T> | Failed;

export function succeeded<T>(value: T): Succeeded<T> {
  return { ok: true, value };
}

export function failed(reason: string, hint?: string): Failed {
  return hint === undefined ? { ok: false, reason } : { ok: false, reason, hint };
}

/** A failure of what the person gave (kind `input`): refused before anything was touched. */
export function badInput(reason: string, hint?: string): Failed {
  return { ...failed(reason, hint), failure: 'input' };
}

/** True when the person must change what they gave (or say which they meant) and run again. */
export function isInputFailure(failure: Failed): boolean {
  return failure.failure === 'input' || failure.failure === 'ambiguous';
}
