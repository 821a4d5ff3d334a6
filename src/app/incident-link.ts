// Fills an incident's timeline from what the tool does (a hotfix branch, a deploy, a rollback): into
// the incident named, else the only open one. With none open nothing is recorded; with several open
// and none named, the caller is told to say which (nothing is guessed). Deploys and rollbacks
// recorded there are also sent to the notification channels (core/notify/policy); a channel that
// fails is reported and audited, never undoes or blocks what was recorded.

import type { FinishOutcome } from '../core/hotfix/finish';
import type { EventPayload } from '../core/incident/events';
import type { SinkReport } from '../core/incident/ports';
import { recordIncidentEvents } from '../core/incident/engine';
import { pickIncident, readIncident } from '../core/incident/query';
import type { LinkedSeverity } from '../core/verify/validate-gate';
import type { AppEnv } from './env';


export interface IncidentLink {
  /** The incident the events went to, if any. */
  readonly incident?: string;
  /** Why nothing was recorded although something could have been (several open, a store error). */
  readonly note?: string;
  /**
   * Several incidents are (or, unreadable, may be) open and none was named: the action must not
   * guess. Front ends refuse (the CLI) or ask which (VS Code) before anything is touched.
   */
  readonly ambiguous?: { readonly reason: string };
  /** What each notification channel reported for the recorded events (none when no channel sends them). */
  readonly notified?: readonly SinkReport[];
  /** Which channels failed and why, in one line, when any did: the events are recorded regardless. */
  readonly notifyNote?: string;
}

/** The value of an incident option that links an action to no incident. */
export const NO_INCIDENT = 'none';

/** linkedIncident, from the operation's environment: the store through the kubeconfig the person chose. */
export async function linkIncident(env: AppEnv, named?: string): Promise<IncidentLink> {
  const opened = await env.incidents();
  if (!opened.ok) return { note: opened.reason };
  if (named !== undefined && named.trim().toLowerCase() === NO_INCIDENT) return {};
  const picked = await pickIncident(opened.value.context, named, { prefer: 'open' });
  if (picked.ok) return { incident: picked.value.incident.id };
  if (picked.kind === 'not-found' && named === undefined) return {};
  return { note: `${picked.reason}${picked.hint ? ` ${picked.hint}` : ''}`, ...(picked.kind === 'ambiguous' && named === undefined ? { ambiguous: { reason: picked.reason } } : {}) };
}

/** The linked incident's severity, for emergency mode and the validation override rule. */
export async function severityOf(env: AppEnv, id: string | undefined): Promise<{ value?: LinkedSeverity; note?: string }> {
  if (id === undefined) return {};
  const opened = await env.incidents();
  if (!opened.ok) return { note: opened.reason };
  const read = await readIncident(opened.value.context, id);
  return read.ok ? { value: { id, severity: read.value.incident.severity, title: read.value.incident.title } } : { note: read.reason };
}

/** recordInIncident, from the operation's environment: its store, its channels and their secrets. */
export async function recordEvents(env: AppEnv, incident: string | undefined, payloads: readonly EventPayload[]): Promise<IncidentLink> {
  if (incident === undefined) return {};
  const opened = await env.incidents();
  if (!opened.ok) return { note: opened.reason };
  return recorded(incident, await recordIncidentEvents(opened.value.context, incident, payloads));
}

function recorded(incident: string, result: Awaited<ReturnType<typeof recordIncidentEvents>>): IncidentLink {
  if (!result.ok) return { note: `${incident}: ${result.reason}` };
  const notified = result.value.published;
  const failed = notified.filter((p) => !p.ok);
  return {
    incident,
    ...(notified.length > 0 ? { notified } : {}),
    ...(failed.length > 0 ? { notifyNote: `${failed.length} of ${notified.length} notification channel${notified.length === 1 ? '' : 's'} failed: ${failed.map((p) => `${p.channel} (${p.detail})`).join('; ')}` } : {}),
  };
}

/** A finished hotfix as a timeline event: the tag, the branches it went into, its commits. */
export function finishedEvent(outcome: Extract<FinishOutcome, { kind: 'finished' }>): EventPayload {
  const { state } = outcome;
  return { type: 'hotfix-finished', branch: state.branch, ...(state.tag ? { tag: state.tag } : {}), into: outcome.into, commits: outcome.commits, pushed: outcome.pushed };
}
