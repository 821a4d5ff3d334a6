// How the incident engine refuses: a Failed with a kind, so front ends pick the exit code or the
// kind of message (fix the input, pick an incident, try again) without parsing words.

import type { Remedy } from '../remedy';
import type { Failed, FailureKind } from '../result';

export type { FailureKind };

/*
 * `input`: what the person typed is wrong (exit 2). `ambiguous`: several incidents could be meant
 * (exit 2). `state`: not possible for this incident now, e.g. an illegal transition (exit 1).
 * `not-found`, and `conflict` (the incident kept changing under us): exit 1.
 */
export type IncidentFailed = Failed & { readonly kind: FailureKind };
export type IncidentResult<T> = { readonly ok: true; readonly value: T } | IncidentFailed;

export function refuse(kind: FailureKind, failure: Failed): IncidentFailed {
  return { ...failure, kind };
}

export function refusal(kind: FailureKind, reason: string, hint?: string, remedies?: readonly Remedy[]): IncidentFailed {
  return { ok: false, reason, ...(hint !== undefined ? { hint } : {}), ...(remedies !== undefined && remedies.length > 0 ? { remedies } : {}), kind };
}
