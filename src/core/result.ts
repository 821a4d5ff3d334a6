// Expected failures are values, not exceptions: a refused input, a conflict or a failed gate comes
// back as a Failed with a reason a person can act on. Exceptions are kept for bugs.

import type { Remedy } from './remedy';

export interface Succeeded<T> {
  readonly ok: true;
  readonly value: T;
}

/**
 * What kind of failure, so front ends choose an exit code or a button without reading the words.
 * `input`: what the person gave is wrong (an unknown target, an invalid config, a malformed image),
 * refused before anything was touched. `ambiguous`: several things could be meant; say which.
 * `unconfirmed`: a protected target, and the person has not confirmed (nothing was touched).
 * `state`, `not-found`, `conflict`: the operation could not be done now. Absent: it failed.
 */
export type FailureKind = 'input' | 'ambiguous' | 'unconfirmed' | 'state' | 'not-found' | 'conflict';

export interface Failed {
  readonly ok: false;
  /** What went wrong, in words for the person at the keyboard. */
  readonly reason: string;
  /** What to do about it, when there is something to do. */
  readonly hint?: string;
  readonly failure?: FailureKind;
  /** Operations that would help, as data: each front end renders them (flags, buttons). */
  readonly remedies?: readonly Remedy[];
}

export type Result<T> = Succeeded<T> | Failed;

export function succeeded<T>(value: T): Succeeded<T> {
  return { ok: true, value };
}

export function failed(reason: string, hint?: string, remedies?: readonly Remedy[]): Failed {
  return { ok: false, reason, ...(hint !== undefined ? { hint } : {}), ...(remedies !== undefined && remedies.length > 0 ? { remedies } : {}) };
}

/** A failure of what the person gave (kind `input`): refused before anything was touched. */
export function badInput(reason: string, hint?: string): Failed {
  return { ...failed(reason, hint), failure: 'input' };
}

/** True when the person must change what they gave (say which they meant, confirm) and run again. */
export function isInputFailure(failure: Pick<Failed, 'failure'>): boolean {
  return failure.failure === 'input' || failure.failure === 'ambiguous' || failure.failure === 'unconfirmed';
}

/** A protected target the person has not confirmed (kind `unconfirmed`): refused before anything was touched. */
export function unconfirmed(reason: string, hint?: string): Failed {
  return { ...failed(reason, hint), failure: 'unconfirmed' };
}
