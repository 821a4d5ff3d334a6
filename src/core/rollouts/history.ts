// A Rollout's revisions as `kubectl argo rollouts get` lists its ReplicaSets: revision, images, which
// is stable and which the canary, newest first. An undo (rollback --to-revision) goes to one of them.

import { failed, succeeded, type Result } from '../result';
import type { DeployContext } from '../deploy/context';
import type { TargetHistory } from '../deploy/target-history';
import { rolloutOf } from './actions';
import { readRollout } from './info';

export async function rolloutHistory(ctx: DeployContext): Promise<Result<TargetHistory>> {
  const name = rolloutOf(ctx);
  const read = await readRollout(ctx.cluster.rollouts, ctx.target.namespace, name);
  if (!read) return failed(`There is no Argo Rollout ${name} in ${ctx.target.namespace} (context ${ctx.cluster.identity.context}).`, `Check targets.${ctx.target.name}.app.`);
  const { stableRS, currentPodHash } = read.view.status;
  const revisions = read.replicaSets
    .filter((rs): rs is typeof rs & { revision: number } => rs.revision !== undefined)
    .sort((a, b) => b.revision - a.revision)
    .map((rs) => {
      const role = rs.hash === stableRS ? (rs.hash === currentPodHash ? 'stable' : 'stable (canary beside it)') : rs.hash === currentPodHash ? 'canary' : undefined;
      return {
        revision: rs.revision,
        current: rs.hash === currentPodHash,
        images: rs.images,
        rollbackable: rs.hash !== currentPodHash,
        description: `${rs.name}${role ? `, ${role}` : ''}, ${rs.available}/${rs.replicas} available`,
        ...(rs.createdAt ? { updated: rs.createdAt } : {}),
      };
    });
  return succeeded({ target: ctx.target.name, subject: `Argo Rollout ${name} in ${ctx.target.namespace}`, source: 'Rollout', revisions });
}
