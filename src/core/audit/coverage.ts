// Cross-checks the incident store against the audit log by event id: every stored event must be named
// by an audit record (`details.eventIds`), and every event a record names must still be stored.
//
// Why a cross-check and not one atomic write: an incident change lands in two files (the incident
// document, then the audit log) and no file system commits two files at once, so a process killed
// between the two leaves events without their record. The engine stamps event ids before it writes
// and the audit record carries them, so the gap is exact: verify names each unrecorded event, and a
// record naming an event the store lacks shows an event removed from an incident by hand. Writing the
// record first (write-ahead) would move the window, not close it: a kill after the record and before
// the store leaves a record for events that never happened, which looks the same as a deleted event.
// Checked only when the store is this clone's files; a cluster store is shared by the whole team,
// while each clone's audit log holds only its own records.

import type { AuditRecord } from '../ports';
import { parseLine } from './chain';

export interface StoredIncidentEvents {
  readonly incident: string;
  /** As stored: each should carry `id`, `type`, `at` and `actor`, but a person may have edited the file. */
  readonly events: readonly unknown[];
}

export interface UnrecordedEvent {
  readonly incident: string;
  /** The event's id, or `(no id)` when the stored event has none. */
  readonly event: string;
  readonly type: string;
  readonly at: string;
  readonly actor: string;
}

export interface UnstoredEvent {
  readonly incident: string;
  readonly event: string;
  /** 1-based line of the audit record that names it. */
  readonly line: number;
}

export interface Coverage {
  /** Events in the store. */
  readonly events: number;
  /** Stored events that an audit record names. */
  readonly recorded: number;
  /** Stored events no audit record names: a process stopped between the two writes, or a hand edit. */
  readonly missing: readonly UnrecordedEvent[];
  /** Events a record names in an incident that is stored, but that the incident no longer holds. */
  readonly unstored: readonly UnstoredEvent[];
}

/** Event ids the log's records name, with the incident and line of the first record naming each. */
function recordedEvents(log: string): Map<string, { incident: string; line: number }> {
  const named = new Map<string, { incident: string; line: number }>();
  log.split('\n').forEach((text, i) => {
    const parsed = parseLine(text);
    if (parsed.kind !== 'chained' && parsed.kind !== 'unchained') return; // verify reports the rest
    const details = parsed.entry.details;
    const ids = details?.eventIds;
    if (typeof ids !== 'string' || ids === '') return;
    const incident = typeof details?.incident === 'string' ? details.incident : parsed.entry.subject;
    for (const id of ids.split(',')) {
      if (id !== '' && !named.has(id)) named.set(id, { incident: String(incident), line: i + 1 });
    }
  });
  return named;
}

const field = (event: unknown, key: string): string => {
  const value = event !== null && typeof event === 'object' ? (event as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : '';
};

export function auditCoverage(log: string, incidents: readonly StoredIncidentEvents[]): Coverage {
  const named = recordedEvents(log);
  const missing: UnrecordedEvent[] = [];
  const stored = new Map<string, Set<string>>();
  let events = 0;
  for (const { incident, events: timeline } of incidents) {
    const ids = new Set<string>();
    stored.set(incident, ids);
    for (const event of timeline) {
      events++;
      const id = field(event, 'id');
      ids.add(id);
      if (id === '' || !named.has(id)) {
        missing.push({ incident, event: id === '' ? '(no id)' : id, type: field(event, 'type'), at: field(event, 'at'), actor: field(event, 'actor') });
      }
    }
  }
  const unstored: UnstoredEvent[] = [];
  for (const [event, { incident, line }] of named) {
    // An incident missing altogether may live in another store (incidents.store was changed): only
    // an event gone from an incident that is still here says the incident file was edited.
    if (stored.get(incident)?.has(event) === false) unstored.push({ incident, event, line });
  }
  return { events, recorded: events - missing.length, missing, unstored };
}

/** The action of a record written afterwards for events stored without one. */
export const RECONCILE_ACTION = 'audit.reconcile';

/**
 * The records that account for stored events no record names, one per incident, each naming its
 * events by id (so coverage counts them) and saying they were recorded afterwards: the gap stays
 * visible in the chain, it is just no longer unexplained. Events without an id cannot be named.
 */
export function reconcileRecords(missing: readonly UnrecordedEvent[], at: string, actor: string): AuditRecord[] {
  const byIncident = new Map<string, UnrecordedEvent[]>();
  for (const m of missing) {
    if (m.event === '(no id)') continue;
    byIncident.set(m.incident, [...(byIncident.get(m.incident) ?? []), m]);
  }
  return [...byIncident].map(([incident, events]) => ({
    at,
    actor,
    action: RECONCILE_ACTION,
    subject: incident,
    details: {
      incident,
      eventIds: events.map((e) => e.event).join(','),
      types: events.map((e) => e.type).join(','),
      storedAt: events.map((e) => e.at).join(','),
      storedBy: [...new Set(events.map((e) => e.actor))].join(', '),
      reason: 'stored without an audit record (the process stopped between the two writes); recorded afterwards',
    },
  }));
}
