// Which status moves are allowed, as incident.io and Statuspage allow them, and PagerDuty's rule that
// a resolved incident stays resolved unless someone deliberately reopens it.
//
// - Forward moves may skip a status: investigating -> monitoring when a rollback fixed it at once.
// - Backward moves between open statuses are allowed (the fix did not hold: monitoring -> identified;
//   the theory was wrong: identified -> investigating) but need a reason, so the timeline says why.
// - Resolving is its own event (`resolved`) from any open status, and needs a root cause: a
//   status-changed never moves to resolved. A post-mortem without a cause is not worth drafting;
//   "unknown, investigation continues in PROD-2900" is an honest root cause.
// - A resolved incident changes status only through `reopened`, with a reason.
// - Setting the status it already has is a no-op, not an error: two responders who both say
//   "identified" at once agree; the second event is kept in the timeline and changes nothing.

import { FILL_IN, remedy, type Remedy } from '../remedy';
import { failed, succeeded, type Result } from '../result';
import { STATUSES, type IncidentStatus, type OpenStatus } from './model';

export type Move = 'same' | 'forward' | 'backward';

/** How to give a root cause that is not known yet. */
export const ROOT_CAUSE_HINT = 'Give the root cause; if it is not known yet, say so: "unknown, investigation continues in PROD-2900".';
/** What a reopening's note says. */
export const REOPEN_HINT = 'Say why in the note: "the errors are back: …".';

/** Resolve the incident, with its root cause and action items for the person to fill in. */
export function resolveRemedy(id: string): Remedy {
  return remedy('incident.resolve', { incident: id, rootCause: FILL_IN, actionItems: FILL_IN });
}

/** Reopen the incident, with the reason for the person to fill in. */
export function reopenRemedy(id: string): Remedy {
  return remedy('incident.update', { incident: id, reopen: true, note: FILL_IN });
}

export function statusMove(from: IncidentStatus, to: IncidentStatus): Move {
  const a = STATUSES.indexOf(from);
  const b = STATUSES.indexOf(to);
  return a === b ? 'same' : b > a ? 'forward' : 'backward';
}

export function checkStatusChange(id: string, from: IncidentStatus, to: OpenStatus | 'resolved', reason: string | undefined): Result<Move> {
  if (to === 'resolved') {
    return failed(`${id} is resolved with its root cause, not by a status change.`, 'Resolve it with its root cause and action items.', [resolveRemedy(id)]);
  }
  if (from === 'resolved') {
    return failed(`${id} is resolved; it cannot go back to ${to} without being reopened.`, 'Reopen it and say why in the note.', [remedy('incident.update', { incident: id, reopen: true, status: to, note: FILL_IN })]);
  }
  const move = statusMove(from, to);
  if (move === 'backward' && !reason?.trim()) {
    return failed(`${id} would go back from ${from} to ${to}; say why so the timeline explains it.`, 'Say why in the note: "the fix did not hold: …".', [remedy('incident.update', { incident: id, status: to, note: FILL_IN })]);
  }
  return succeeded(move);
}

export function checkReopen(id: string, from: IncidentStatus, reason: string): Result<true> {
  if (from !== 'resolved') return failed(`${id} is not resolved (it is ${from}); there is nothing to reopen.`, 'Update it without reopening it, or name the incident you meant.');
  if (!reason.trim()) return failed(`Reopening ${id} needs a reason.`, REOPEN_HINT, [reopenRemedy(id)]);
  return succeeded(true);
}

export function checkResolve(id: string, from: IncidentStatus, rootCause: string): Result<true> {
  if (from === 'resolved') return failed(`${id} is already resolved.`, 'To change what was recorded, add a note or a correction; to resolve it again, reopen it first.');
  if (!rootCause.trim()) {
    return failed(`Resolving ${id} needs a root cause.`, ROOT_CAUSE_HINT, [resolveRemedy(id)]);
  }
  return succeeded(true);
}
