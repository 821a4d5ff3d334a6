// From what a person asked (raw text from the CLI or an input box) to the events to record: every
// field checked, nothing written on any refusal. Front ends pass the strings; the rules live here.

import { FILL_IN, remedy } from '../remedy';
import { failed, succeeded, type Failed, type Result } from '../result';
import { parseSeverity } from '../severity';
import type { EventPayload } from './events';
import { STATUSES, type Incident, type OpenStatus } from './model';
import { cleanLine, cleanText, LIMITS, parseActionItems, parseEta, parseImpact, parseLink, parseList } from './parse';
import { REOPEN_HINT, ROOT_CAUSE_HINT, reopenRemedy, resolveRemedy, statusMove } from './transitions';

export interface DeclareInput {
  readonly title: string;
  readonly severity: string;
  readonly impact: string;
  readonly commander?: string;
  /** Comma-separated names. */
  readonly responders?: string;
  readonly warRoom?: string;
  readonly statusPage?: string;
  /** Comma-separated components: `api, checkout`. */
  readonly components?: string;
  readonly note?: string;
}

export interface UpdateInput {
  readonly status?: string;
  readonly eta?: string;
  readonly note?: string;
  readonly commander?: string;
  readonly responders?: string;
  readonly severity?: string;
  readonly impact?: string;
  readonly title?: string;
  readonly components?: string;
  readonly warRoom?: string;
  readonly statusPage?: string;
  /** Move a resolved incident back to `status` (default investigating); `note` says why. */
  readonly reopen?: boolean;
  /** The number (1-based, as `incident show` prints) or id of an event that `note` corrects. */
  readonly correct?: string;
}

export interface ResolveInput {
  readonly rootCause?: string;
  /** `a; b` or `a @ada; b @bo`. */
  readonly actionItems?: string;
  readonly note?: string;
}

export interface Plan {
  readonly payloads: readonly EventPayload[];
  /** Things worth saying that are not refusals: `already identified`. */
  readonly notices: readonly string[];
}

const SEVERITY_HINT = 'Use SEV0, SEV1, SEV2 or SEV3 (or critical, high, medium, low).';

function severityOf(text: string): Result<EventPayload & { type: 'severity-changed' }> {
  const severity = parseSeverity(text);
  return severity ? succeeded({ type: 'severity-changed', to: severity }) : failed(`"${text}" is not a severity.`, SEVERITY_HINT);
}

function openStatusOf(id: string, text: string): Result<OpenStatus> {
  const status = text.trim().toLowerCase();
  if (status === 'resolved') return failed(`${id} is resolved with its root cause, not by a status change.`, 'Resolve it with its root cause and action items.', [resolveRemedy(id)]);
  if (!(STATUSES as readonly string[]).includes(status)) return failed(`"${text}" is not a status.`, 'Use investigating, identified or monitoring (then resolve it, with its root cause).');
  return succeeded(status as OpenStatus);
}

/** Collects the first refusal, so a plan reads top to bottom. */
function take<T>(result: Result<T>, errors: Failed[]): T | undefined {
  if (result.ok) return result.value;
  errors.push(result);
  return undefined;
}

export function planDeclare(input: DeclareInput): Result<Plan> {
  const errors: Failed[] = [];
  const title = take(cleanLine('title', input.title, LIMITS.title), errors);
  const severity = take(input.severity.trim() === '' ? failed('No severity given.', SEVERITY_HINT) : severityOf(input.severity), errors)?.to;
  const impact = take(parseImpact(input.impact), errors);
  const commander = input.commander !== undefined ? take(cleanLine('commander', input.commander, LIMITS.name), errors) : undefined;
  const responders = input.responders !== undefined ? take(parseList('responders', input.responders), errors) : undefined;
  const warRoom = input.warRoom !== undefined ? take(parseLink('war room', input.warRoom), errors) : undefined;
  const statusPage = input.statusPage !== undefined ? take(parseLink('status page', input.statusPage), errors) : undefined;
  const components = input.components !== undefined ? take(parseList('components', input.components), errors) : undefined;
  const note = input.note !== undefined ? take(cleanText('note', input.note), errors) : undefined;
  if (errors[0] || !title || !severity || !impact) return errors[0] ?? failed('The declaration is incomplete.');
  const declared: EventPayload = {
    type: 'declared',
    title,
    severity,
    impact,
    ...(commander !== undefined ? { commander } : {}),
    ...(responders !== undefined ? { responders } : {}),
    ...(warRoom !== undefined ? { warRoom } : {}),
    ...(statusPage !== undefined ? { statusPage } : {}),
    ...(components !== undefined ? { components } : {}),
  };
  return succeeded({ payloads: note !== undefined ? [declared, { type: 'note', text: note }] : [declared], notices: [] });
}

/** Event numbers as `incident show` prints them (1-based), or an event id. */
function eventRef(current: Incident, ref: string): Result<string> {
  const text = ref.trim().replace(/^#/, '');
  const byNumber = /^\d+$/.test(text) ? current.events[Number(text) - 1] : undefined;
  const event = byNumber ?? current.events.find((e) => e.id === text);
  return event ? succeeded(event.id) : failed(`${current.id} has no event ${ref}.`, 'Use an event number of its timeline (#n).', [remedy('incident.show', { incident: current.id })]);
}

export function planUpdate(current: Incident, input: UpdateInput, now: Date): Result<Plan> {
  const errors: Failed[] = [];
  const payloads: EventPayload[] = [];
  const notices: string[] = [];
  const note = input.note !== undefined ? take(cleanText('note', input.note), errors) : undefined;
  const status = input.status !== undefined ? take(openStatusOf(current.id, input.status), errors) : undefined;
  let noteUsed = false;

  if (input.correct !== undefined) {
    const corrects = take(eventRef(current, input.correct), errors);
    if (note === undefined) errors.push(failed('A correction needs its text.', 'Give what is right as the note, e.g. "it was the EU cluster, not US".', [remedy('incident.update', { incident: current.id, correct: input.correct, note: FILL_IN })]));
    if (corrects && note !== undefined) payloads.push({ type: 'correction', corrects, text: note });
    noteUsed = true;
  }
  if (input.reopen) {
    if (current.status !== 'resolved') errors.push(failed(`${current.id} is not resolved (it is ${current.status}); there is nothing to reopen.`, 'Update it without reopening it.'));
    else if (note === undefined) errors.push(failed(`Reopening ${current.id} needs a reason.`, REOPEN_HINT, [reopenRemedy(current.id)]));
    else if (noteUsed) errors.push(failed('A correction and a reopening each need their own note.', 'Make them two updates.'));
    else {
      payloads.push({ type: 'reopened', to: status ?? 'investigating', reason: note });
      noteUsed = true;
    }
  }
  if (input.title !== undefined) {
    const title = take(cleanLine('title', input.title, LIMITS.title), errors);
    if (title !== undefined && title !== current.title) payloads.push({ type: 'title-changed', title });
  }
  if (input.severity !== undefined) {
    const severity = take(severityOf(input.severity), errors);
    if (severity && severity.to !== current.severity) payloads.push(severity);
    else if (severity) notices.push(`${current.id} is already ${severity.to}.`);
  }
  if (input.impact !== undefined) {
    const impact = take(parseImpact(input.impact), errors);
    if (impact) payloads.push({ type: 'impact-set', impact });
  }
  if (input.commander !== undefined) {
    const name = take(cleanLine('commander', input.commander, LIMITS.name), errors);
    if (name !== undefined && name !== current.commander) payloads.push({ type: 'commander-set', name });
  }
  if (input.responders !== undefined) {
    for (const name of take(parseList('responders', input.responders), errors) ?? []) {
      if (!current.responders.includes(name)) payloads.push({ type: 'responder-added', name });
    }
  }
  if (input.components !== undefined) {
    const components = take(parseList('components', input.components), errors)?.filter((c) => !current.components.includes(c));
    if (components && components.length > 0) payloads.push({ type: 'components-affected', components });
  }
  for (const [kind, label, value] of [['war-room', 'war room', input.warRoom], ['status-page', 'status page', input.statusPage]] as const) {
    if (value === undefined) continue;
    const url = take(parseLink(label, value), errors);
    if (url !== undefined) payloads.push({ type: 'link-added', kind, url });
  }
  if (status !== undefined && !input.reopen) {
    const move = statusMove(current.status, status);
    if (move === 'same') notices.push(`${current.id} is already ${status}.`);
    else {
      // The note is the status update's message (and, going back, its required reason).
      payloads.push({ type: 'status-changed', to: status, ...(note !== undefined && !noteUsed ? { reason: note } : {}) });
      if (note !== undefined) noteUsed = true;
    }
  }
  if (input.eta !== undefined) {
    const eta = take(parseEta(input.eta, now), errors);
    if (eta) payloads.push({ type: 'eta-set', text: eta.text, ...(eta.until !== undefined ? { until: eta.until } : {}) });
  }
  if (note !== undefined && !noteUsed) payloads.push({ type: 'note', text: note });
  if (errors[0]) return errors[0];
  if (payloads.length === 0) {
    return notices.length > 0
      ? succeeded({ payloads, notices })
      : failed('Nothing to update.', 'Give a status, an ETA, a note, a commander, a severity, an impact, a title, responders, components, or a war-room or status-page link.');
  }
  return succeeded({ payloads, notices });
}

export function planResolve(current: Incident, input: ResolveInput): Result<Plan> {
  const rootCause = cleanText('root cause', input.rootCause);
  if (!rootCause.ok) {
    return failed(`Resolving ${current.id} needs a root cause.`, ROOT_CAUSE_HINT, [resolveRemedy(current.id)]);
  }
  const items = input.actionItems !== undefined ? parseActionItems(input.actionItems) : succeeded([]);
  if (!items.ok) return items;
  const note = input.note !== undefined ? cleanText('note', input.note) : undefined;
  if (note && !note.ok) return note;
  const notices = items.value.length === 0 ? ['No action items were recorded (what to do so it does not happen again: "a @owner; b"), so the post-mortem has none yet.'] : [];
  return succeeded({
    payloads: [...(note ? [{ type: 'note' as const, text: note.value }] : []), { type: 'resolved', rootCause: rootCause.value, actionItems: items.value }],
    notices,
  });
}
