// Waiting for a Deployment to roll out, as `kubectl rollout status` does, while keeping the deploy
// lock alive and stopping at once when the person cancels.

import { failed, succeeded, type Result } from '../result';
import type { DeployContext } from './context';
import type { DeployLock } from './lock';
import { rolloutStatus } from './rollout';

/** How often a wait renews the deploy lock (its lease lasts longer). */
export const RENEW_EVERY_MS = 20_000;

export async function waitForRollout(ctx: DeployContext, name: string, lock: DeployLock | undefined, deadlineMs?: number): Promise<Result<string>> {
  const { cluster, clock, target } = ctx;
  const started = clock.now().getTime();
  let renewed = started;
  let last = '';
  let limit = deadlineMs ?? target.progressDeadlineMs;
  for (;;) {
    const d = await cluster.getDeployment(target.namespace, name);
    if (!d) return failed(`Deployment ${target.namespace}/${name} disappeared during the rollout.`);
    // The controller judges the deadline itself; ours only guards against a controller that is not running.
    limit ??= ((d.progressDeadlineSeconds ?? 600) + 30) * 1000;
    const status = rolloutStatus(d);
    if (status.message !== last) {
      ctx.progress?.(status.message);
      last = status.message;
    }
    if (status.state === 'complete') return succeeded(status.message);
    if (status.state === 'failed') return failed(status.message, 'The rollout failed; the previous version is restored.');
    const now = clock.now().getTime();
    if (now - started > limit) {
      return failed(`${name} did not finish rolling out within ${Math.round(limit / 1000)}s (${status.message}).`);
    }
    if (lock && now - renewed > RENEW_EVERY_MS) {
      await lock.renew();
      renewed = now;
    }
    await clock.sleep(ctx.pollMs ?? 500, ctx.signal);
  }
}
