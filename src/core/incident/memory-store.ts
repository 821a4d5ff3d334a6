// An IncidentStore in memory, with the same compare-and-swap rules as the real ones: for unit tests
// and for front ends' tests that need incidents without a disk.

import type { IncidentEvent } from './events';
import type { IncidentStore, StoredIncident, StoreWrite } from './ports';

export class MemoryIncidentStore implements IncidentStore {
  readonly location = 'memory';
  private readonly incidents = new Map<string, { version: number; events: IncidentEvent[] }>();

  read(id: string): Promise<StoredIncident | undefined> {
    const stored = this.incidents.get(id);
    // Copies, so a caller cannot change what is stored.
    return Promise.resolve(stored ? { id, version: String(stored.version), events: structuredClone(stored.events) } : undefined);
  }

  list(): Promise<string[]> {
    return Promise.resolve([...this.incidents.keys()]);
  }

  create(id: string, events: readonly IncidentEvent[]): Promise<StoreWrite> {
    if (this.incidents.has(id)) return Promise.resolve({ ok: false, conflict: 'exists' });
    this.incidents.set(id, { version: 1, events: structuredClone([...events]) });
    return Promise.resolve({ ok: true, version: '1' });
  }

  append(id: string, expectedVersion: string, events: readonly IncidentEvent[]): Promise<StoreWrite> {
    const stored = this.incidents.get(id);
    if (!stored) return Promise.resolve({ ok: false, conflict: 'missing' });
    if (String(stored.version) !== expectedVersion) return Promise.resolve({ ok: false, conflict: 'moved' });
    stored.version += 1;
    stored.events.push(...structuredClone([...events]));
    return Promise.resolve({ ok: true, version: String(stored.version) });
  }
}
