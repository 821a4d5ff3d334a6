// What the incident engine needs from the world: a store with optimistic concurrency (files under
// .git/hotfix/incidents/ today, labelled ConfigMaps on the team's cluster later) and sinks that hear
// about every change (the notifier: Slack, Teams, PagerDuty, Statuspage, webhooks).

import type { AuditLog, Clock } from '../ports';
import type { IncidentEvent } from './events';
import type { Incident, SeverityDescriptions } from './model';

export interface StoredIncident {
  readonly id: string;
  /** Opaque to the engine: a counter in the file store, a resourceVersion on the cluster. */
  readonly version: string;
  /** As stored: foldIncident checks each one's shape, since a person may have edited the file. */
  readonly events: readonly unknown[];
  /** Why the stored document cannot be read at all (not JSON, wrong shape), when it cannot. */
  readonly unreadable?: string;
}

export type StoreWrite =
  | { readonly ok: true; readonly version: string }
  /** `exists`: create found the id taken. `moved`: the version is not the one expected. `missing`: no such incident. */
  | { readonly ok: false; readonly conflict: 'exists' | 'moved' | 'missing' };

/**
 * Append-only timelines with a version each. An append is a compare-and-swap: it writes only when
 * the incident is still at the version the caller read, else it answers `moved` and writes nothing,
 * and the engine re-reads and re-applies its events (appendEvents). Stores never rewrite or drop an
 * event. I/O failures (a full disk, a lock that never frees) throw.
 */
export interface IncidentStore {
  /** Where the incidents are, for messages: a folder, or `ConfigMaps in namespace ops`. */
  readonly location: string;
  read(id: string): Promise<StoredIncident | undefined>;
  /** Every incident id, in no particular order. */
  list(): Promise<string[]>;
  create(id: string, events: readonly IncidentEvent[]): Promise<StoreWrite>;
  append(id: string, expectedVersion: string, events: readonly IncidentEvent[]): Promise<StoreWrite>;
}

/** One change as the notifier sees it: the events just stored and the view before and after. */
export interface IncidentChange {
  readonly incident: Incident;
  /** Undefined for a declaration. */
  readonly previous?: Incident;
  readonly events: readonly IncidentEvent[];
  /** The person asked for it to go to every configured channel (`--broadcast`). */
  readonly broadcast: boolean;
}

export interface SinkReport {
  /** The channel: `slack`, `pagerduty`, ... */
  readonly channel: string;
  readonly ok: boolean;
  /** What happened, for the person and the audit trail; never a secret (a webhook URL, a key). */
  readonly detail: string;
}

/**
 * Hears every stored change. Called after the write, so a slow or dead channel never blocks or
 * undoes the incident: what it returns (or throws) is reported back to the person.
 */
export interface IncidentSink {
  readonly name: string;
  publish(change: IncidentChange): Promise<readonly SinkReport[]>;
}

export interface IncidentContext {
  readonly store: IncidentStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** `Name <email>` (git identity) or the OS user: who is acting. */
  readonly actor: string;
  /** Cryptographic random bytes, for incident and event ids and retry jitter. */
  readonly random: (bytes: number) => Uint8Array;
  readonly sinks?: readonly IncidentSink[];
  readonly severities?: SeverityDescriptions;
  /** How many times a write that lost a race is re-applied before giving up (default 50). */
  readonly attempts?: number;
}
