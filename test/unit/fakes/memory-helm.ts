// Helm's release history in memory, for the engine's tests of a killed Helm rollback: a rollback makes a
// new revision "Rollback to N" (the previous one superseded), as helm does. `dieAfterRollback` throws
// once the rollback has been recorded, as a process killed right after helm returned would.

import type { HelmReleases, HelmRevision, HelmUpgraded } from '../../../src/core/deploy/helm-ports';

export class MemoryHelm implements HelmReleases {
  readonly revisions: HelmRevision[] = [];
  readonly calls: string[] = [];
  dieAfterRollback = false;

  constructor(revisions: readonly Pick<HelmRevision, 'revision' | 'status' | 'description'>[]) {
    for (const r of revisions) this.revisions.push({ ...r, updated: '2026-12-06T05:00:00Z', chart: 'web-0.1.0', appVersion: '1.0' });
  }

  version(): Promise<string> {
    return Promise.resolve('4.3.2');
  }

  history(): Promise<HelmRevision[] | undefined> {
    this.calls.push('history');
    return Promise.resolve(this.revisions.map((r) => ({ ...r })));
  }

  values(): Promise<Record<string, unknown>> {
    return Promise.resolve({});
  }

  upgrade(): Promise<HelmUpgraded> {
    return Promise.reject(new Error('not used here'));
  }

  rollback(_namespace: string, _release: string, revision: number): Promise<void> {
    this.calls.push(`rollback ${revision}`);
    for (const r of this.revisions) if (r.status === 'deployed') Object.assign(r, { status: 'superseded' });
    this.revisions.push({ revision: this.revisions.length + 1, status: 'deployed', description: `Rollback to ${revision}`, updated: '2026-12-06T05:01:00Z', chart: 'web-0.1.0', appVersion: '1.0' });
    if (this.dieAfterRollback) {
      this.dieAfterRollback = false;
      return Promise.reject(new Error('killed'));
    }
    return Promise.resolve();
  }
}
