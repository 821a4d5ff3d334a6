// The AuditLog port in memory: append-only records, shared by every process of one fake world.

import type { AuditLog, AuditRecord } from '../../../src/core/ports';
import { guarded, named, type KillSwitch } from './kill-switch';

export class MemoryAudit implements AuditLog {
  readonly records: AuditRecord[] = [];

  append(record: AuditRecord): Promise<void> {
    this.records.push(structuredClone(record));
    return Promise.resolve();
  }

  actions(): string[] {
    return this.records.map((r) => r.action);
  }

  port(kill: KillSwitch): AuditLog {
    return guarded<AuditLog>(this, 'audit', kill, named('append'));
  }
}
