// A deploy's preflight alone, for validation: the strategy's reads and server-side dry-runs of every
// write it would make, with no lock, no state saved, no audit record and nothing written.

import { failed, succeeded, type Result } from '../result';
import { preflightCanary } from './canary';
import type { DeployContext } from './context';
import { isRefusal } from './ports';
import { preflight } from './steps';
import { planFor, type DeployState } from './state';

/** What the preflight found: the Deployment and container a deploy would write. */
export interface PreflightFindings {
  readonly deployment?: string;
  readonly container?: string;
}

export async function preflightOnly(ctx: DeployContext, image: string): Promise<Result<PreflightFindings>> {
  const { target } = ctx;
  const state: DeployState = {
    version: 1,
    id: 'preflight',
    target: target.name,
    strategy: target.strategy,
    context: ctx.cluster.identity.context,
    namespace: target.namespace,
    image,
    startedAt: ctx.clock.now().toISOString(),
    actor: ctx.actor,
    meta: {},
    plan: planFor(target.strategy, target.smoke !== undefined, target.keepOldForMs === 0),
    done: [],
  };
  try {
    const result = target.strategy === 'canary' ? await preflightCanary(ctx, state) : await preflight(ctx, state);
    if (!result.ok) return result;
    return succeeded({
      ...(result.value.deployment !== undefined ? { deployment: result.value.deployment } : {}),
      ...(result.value.container !== undefined ? { container: result.value.container } : {}),
    });
  } catch (error) {
    // The server refused a dry-run (admission, validation, quota, RBAC): its words are the reason.
    if (isRefusal(error)) return failed(`The server refused a dry-run write: ${error.message}`, 'Nothing was written.');
    throw error;
  }
}
