// A target's revisions, written once for every front end: `hotfix-deployer history` and the
// Deployments view's History rows. A Helm release lists its revisions as `helm history` does; a
// Deployment, StatefulSet or DaemonSet lists what `kubectl rollout history` lists (ReplicaSets or
// ControllerRevisions). Reads only; a rollback to one of them is `rollback --to-revision`.

import type { OpenDeploy } from '../adapters/deploy-workspace';
import { targetHistory, type TargetHistory } from '../core/deploy/target-history';
import { remedy } from '../core/remedy';
import { openTarget, refusedWith, stopped, type Refused } from './deploy-steps';
import type { AppEnv } from './env';
import { resolveRollout } from './rollout';

export type { TargetHistory };

export type HistoryResult = { readonly kind: 'history'; readonly opened: OpenDeploy; readonly history: TargetHistory } | Refused;

export async function historyOperation(env: AppEnv, request: { readonly target: string }): Promise<HistoryResult> {
  const found = await openTarget(env, request.target);
  if (stopped(found)) return found;
  const opened = await resolveRollout(found);
  if (stopped(opened)) return opened;
  const history = await targetHistory(opened.context);
  if (!history.ok) return refusedWith(history);
  return { kind: 'history', opened, history: history.value };
}

/** The remedy that rolls the target back to one revision of its history. */
export const rollbackTo = (target: string, revision: number) => remedy('rollback', { target, toRevision: revision });
