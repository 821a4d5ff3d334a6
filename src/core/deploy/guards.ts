// Checks every deploy and rollback makes before touching the cluster: a protected target needs
// confirmation, and an unfinished operation must be resumed or rolled back first.

import { unconfirmed, type Failed } from '../result';
import type { DeployContext } from './context';
import { deployKey, type DeployState } from './state';

export function protectionRefusal(ctx: DeployContext, confirmed: boolean | undefined, verb: string): Failed | undefined {
  if (ctx.target.protected && confirmed !== true) {
    const { context, server } = ctx.cluster.identity;
    return unconfirmed(
      `${ctx.target.name} is protected: ${verb} in ${context} (${server}), namespace ${ctx.target.namespace}, needs your confirmation.`,
      'Confirm it: a protected target is confirmed each time it is changed.',
    );
  }
  return undefined;
}

export async function unfinished(ctx: DeployContext): Promise<DeployState | undefined> {
  const state = await ctx.store.read<DeployState>(deployKey(ctx.target.name));
  return state && state.finishedAt === undefined ? state : undefined;
}
