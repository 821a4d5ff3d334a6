// The Lease part of the Cluster port in memory (the deploy lock): create refuses an existing Lease
// (409), replace and delete are compare-and-swap on the resourceVersion (409 when it moved, 404
// when it is gone), as the API server does for coordination.k8s.io Leases.

import { ClusterRefusal, type LeaseSpec, type LeaseView } from '../../../src/core/deploy/ports';

interface StoredLease extends LeaseView {
  readonly namespace: string;
}

export class MemoryLeases {
  private readonly leases = new Map<string, StoredLease>();
  private version = 100;

  get(namespace: string, name: string): LeaseView | undefined {
    const found = this.leases.get(`${namespace}/${name}`);
    return found ? structuredClone(found) : undefined;
  }

  create(namespace: string, name: string, spec: LeaseSpec): LeaseView {
    const key = `${namespace}/${name}`;
    if (this.leases.has(key)) throw new ClusterRefusal(`leases.coordination.k8s.io "${name}" already exists`, 409, 'AlreadyExists');
    return this.put(namespace, name, spec);
  }

  replace(namespace: string, name: string, spec: LeaseSpec, resourceVersion: string): LeaseView {
    this.expect(namespace, name, resourceVersion);
    return this.put(namespace, name, spec);
  }

  delete(namespace: string, name: string, resourceVersion: string): void {
    this.expect(namespace, name, resourceVersion);
    this.leases.delete(`${namespace}/${name}`);
  }

  /** Every Lease, for the end state: name, holder and the operation it names. */
  all(): { readonly name: string; readonly resourceVersion: string; readonly holder?: string; readonly operation?: string; readonly renewedAt?: string; readonly durationSeconds?: number }[] {
    return [...this.leases.values()]
      .map((l) => ({
        name: `${l.namespace}/${l.name}`,
        resourceVersion: l.resourceVersion,
        ...(l.holder !== undefined ? { holder: l.holder } : {}),
        ...(l.annotations['hotfix-deployer.io/operation'] !== undefined ? { operation: l.annotations['hotfix-deployer.io/operation'] } : {}),
        ...(l.renewedAt !== undefined ? { renewedAt: l.renewedAt } : {}),
        ...(l.durationSeconds !== undefined ? { durationSeconds: l.durationSeconds } : {}),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Leases still held at `now` (renewed + duration is later), but for those at `except` resourceVersions. */
  held(now: Date, except: ReadonlySet<string> = new Set()): string[] {
    return this.all()
      .filter((l) => !except.has(l.resourceVersion) && Date.parse(l.renewedAt ?? '') + (l.durationSeconds ?? 0) * 1000 >= now.getTime())
      .map((l) => l.name);
  }

  private expect(namespace: string, name: string, resourceVersion: string): void {
    const found = this.leases.get(`${namespace}/${name}`);
    if (!found) throw new ClusterRefusal(`leases.coordination.k8s.io "${name}" not found`, 404, 'NotFound');
    if (found.resourceVersion !== resourceVersion) {
      throw new ClusterRefusal(`Operation cannot be fulfilled on leases.coordination.k8s.io "${name}": the object has been modified`, 409, 'Conflict');
    }
  }

  private put(namespace: string, name: string, spec: LeaseSpec): LeaseView {
    const lease: StoredLease = {
      namespace,
      name,
      holder: spec.holder,
      acquiredAt: spec.acquiredAt.toISOString(),
      renewedAt: spec.renewedAt.toISOString(),
      durationSeconds: spec.durationSeconds,
      resourceVersion: String(++this.version),
      labels: { ...spec.labels },
      annotations: { ...spec.annotations },
    };
    this.leases.set(`${namespace}/${name}`, lease);
    return structuredClone(lease);
  }
}
