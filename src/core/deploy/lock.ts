// The deploy lock: one coordination.k8s.io Lease per target, so two people cannot deploy the same
// target at once. It names its holder and is renewed while the operation runs; a lock whose holder
// crashed expires after its duration, and the next deploy takes it over atomically (resourceVersion).

import type { Clock } from '../ports';
import { remedy } from '../remedy';
import { failed, succeeded, type Result } from '../result';
import { isRefusal, type Cluster, type LeaseSpec, type LeaseView } from './ports';

export const LOCK_DURATION_SECONDS = 60;
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'hotfix-deployer' } as const;
const OPERATION = 'hotfix-deployer.io/operation';

export function lockName(target: string): string {
  return `hotfix-deployer-lock-${target}`;
}

export interface LockHolder {
  /** Who, for the refusal message: `Ada Oncall <ada@example.com> on laptop-7 (pid 4242)`. */
  readonly holder: string;
  /** The operation id: the same operation resuming takes its own lock back. */
  readonly operation: string;
}

export interface DeployLock {
  readonly namespace: string;
  readonly name: string;
  renew(): Promise<void>;
  release(): Promise<void>;
}

export async function acquireLock(cluster: Cluster, clock: Clock, namespace: string, target: string, who: LockHolder): Promise<Result<DeployLock>> {
  const name = lockName(target);
  const spec = (acquiredAt: Date): LeaseSpec => ({
    holder: who.holder,
    durationSeconds: LOCK_DURATION_SECONDS,
    acquiredAt,
    renewedAt: clock.now(),
    labels: { ...MANAGED_BY, 'hotfix-deployer.io/target': target },
    annotations: { [OPERATION]: who.operation },
  });
  let lease: LeaseView;
  try {
    lease = await cluster.createLease(namespace, name, spec(clock.now()));
  } catch (error) {
    if (!isRefusal(error, 409)) throw error;
    const existing = await cluster.getLease(namespace, name);
    if (!existing) {
      return acquireLock(cluster, clock, namespace, target, who); // released in between: try again
    }
    const ours = existing.annotations[OPERATION] === who.operation;
    if (!ours && !expired(existing, clock.now())) {
      return failed(
        `${target} is being deployed by ${existing.holder ?? 'someone'} since ${existing.acquiredAt ?? 'an unknown time'} (lock ${namespace}/${name}, renewed ${existing.renewedAt ?? 'never'}).`,
        `Wait for that operation to finish, or ask its owner; a lock whose holder stopped expires ${LOCK_DURATION_SECONDS}s after its last renewal.`,
      );
    }
    try {
      lease = await cluster.replaceLease(namespace, name, spec(clock.now()), existing.resourceVersion);
    } catch (raced) {
      if (isRefusal(raced, 409)) {
        return failed(`Someone else took the lock on ${target} at the same moment.`, 'Check who is deploying (the targets\' live state shows it) before trying again.', [remedy('targets')]);
      }
      throw raced;
    }
  }
  let version = lease.resourceVersion;
  return succeeded({
    namespace,
    name,
    renew: async () => {
      try {
        version = (await cluster.replaceLease(namespace, name, { ...spec(new Date(lease.acquiredAt ?? clock.now())), renewedAt: clock.now() }, version)).resourceVersion;
      } catch (error) {
        // Changed or deleted under us: another process took the operation over (deploy --continue,
        // a promote or a rollback). This one must stop without writing anything more.
        if (isRefusal(error, 409, 404)) throw new LockLost(`the deploy lock on ${target} was taken over by another process`);
        throw error;
      }
    },
    release: async () => {
      try {
        await cluster.deleteLease(namespace, name, version);
      } catch (error) {
        // Taken over after expiry by someone else: it is theirs now, not ours to delete.
        if (!isRefusal(error, 409, 404)) throw error;
      }
    },
  });
}

/** Thrown by renew() when another process holds the lock now. Checked by name, as refusals are. */
export class LockLost extends Error {
  override readonly name = 'LockLost';
}

export function isLockLost(error: unknown): error is LockLost {
  return error instanceof Error && error.name === 'LockLost';
}

function expired(lease: LeaseView, now: Date): boolean {
  const renewed = Date.parse(lease.renewedAt ?? lease.acquiredAt ?? '');
  if (Number.isNaN(renewed)) return true;
  return renewed + (lease.durationSeconds ?? LOCK_DURATION_SECONDS) * 1000 < now.getTime();
}
