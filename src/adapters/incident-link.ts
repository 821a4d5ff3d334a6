// Fills an incident's timeline from what the tool does (a hotfix branch, a deploy, a rollback): into
// the incident named, else the only open one. With none open nothing is recorded; with several open
// and none named, the caller is told to say which (nothing is guessed).

import type { EventPayload } from '../core/incident/events';
import { recordIncidentEvents } from '../core/incident/engine';
import { pickIncident } from '../core/incident/query';
import { openIncidents } from './incident-workspace';

export interface IncidentLink {
  /** The incident the events went to, if any. */
  readonly incident?: string;
  /** Why nothing was recorded although something could have been (several open, a store error). */
  readonly note?: string;
}

/** The incident an action belongs to: the one named, else the only open one (undefined: none open). */
export async function linkedIncident(dir: string, named?: string): Promise<IncidentLink> {
  const opened = await openIncidents(dir);
  if (!opened.ok) return { note: opened.reason };
  const picked = await pickIncident(opened.value.context, named, { prefer: 'open' });
  if (picked.ok) return { incident: picked.value.incident.id };
  return picked.kind === 'not-found' && named === undefined ? {} : { note: `${picked.reason}${picked.hint ? ` ${picked.hint}` : ''}` };
}

export async function recordInIncident(dir: string, incident: string | undefined, payloads: readonly EventPayload[]): Promise<IncidentLink> {
  if (incident === undefined) return {};
  const opened = await openIncidents(dir);
  if (!opened.ok) return { note: opened.reason };
  const recorded = await recordIncidentEvents(opened.value.context, incident, payloads);
  return recorded.ok ? { incident } : { note: `${incident}: ${recorded.reason}` };
}
