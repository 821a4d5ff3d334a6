// The audit log and the incident store with secrets redacted on the way in: records and events are
// permanent (hash-chained, shared with the team), so a secret must be gone before they are written.

import type { IncidentStore } from '../incident/ports';
import type { AuditLog } from '../ports';
import { redactDeep, type Redact } from './redact';

/** Redacts every string of a record before the wrapped log chains and writes it. */
export function redactingAuditLog(log: AuditLog, redact: Redact): AuditLog {
  return { append: (record) => log.append(redactDeep(record, redact)) };
}

/**
 * Redacts the events written; reads pass through. Event ids are kept, so a retried append still
 * recognises its own events (core/incident/engine appendEvents).
 */
export function redactingIncidentStore(store: IncidentStore, redact: Redact): IncidentStore {
  return {
    get location() {
      return store.location;
    },
    read: (id) => store.read(id),
    list: () => store.list(),
    create: (id, events) => store.create(id, redactDeep(events, redact)),
    append: (id, expectedVersion, events) => store.append(id, expectedVersion, redactDeep(events, redact)),
  };
}
