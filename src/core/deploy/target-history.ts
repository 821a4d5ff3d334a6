// A target's revisions in one shape for every kind: a Helm release's (as `helm history` lists them)
// or a workload's (as `kubectl rollout history` does: a Deployment's ReplicaSets, a StatefulSet's or
// DaemonSet's ControllerRevisions). Reads only.

import { succeeded, type Result } from '../result';
import type { DeployContext } from './context';
import { helmHistory } from './helm-rollback';
import { workloadHistory } from './history';
import { rolloutHistory } from '../rollouts/history';

export interface RevisionEntry {
  readonly revision: number;
  /** The revision that runs now (Helm: the deployed one). */
  readonly current: boolean;
  /** The images of its pod template; empty when not known (a Helm revision lists its chart instead). */
  readonly images: readonly string[];
  /** Helm: when it was updated; a workload revision: when it was created. ISO 8601. */
  readonly updated?: string;
  /** Helm: deployed, superseded, failed, pending-upgrade, ... */
  readonly status?: string;
  /** Helm: chart name-version. */
  readonly chart?: string;
  readonly appVersion?: string;
  /** Helm: its description ("Upgrade complete", "Rollback to 2"); a workload: its change-cause. */
  readonly description?: string;
  /** False when a rollback cannot go there (the current revision itself). */
  readonly rollbackable?: boolean;
}

export interface TargetHistory {
  readonly target: string;
  /** What the revisions are of: "Helm release web in shop", "Deployment web in shop". */
  readonly subject: string;
  readonly source: 'helm' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Rollout';
  /** Newest first. */
  readonly revisions: readonly RevisionEntry[];
}

/** A Helm release's history when the target is one (configured, or by its workload's annotations), else the workload's. */
export async function targetHistory(ctx: DeployContext): Promise<Result<TargetHistory>> {
  if (ctx.target.strategy === 'argo-rollout') return rolloutHistory(ctx);
  const helm = await helmHistory(ctx);
  if (!helm) return workloadHistory(ctx);
  if (!helm.ok) return helm;
  const { release, namespace, revisions } = helm.value;
  return succeeded({
    target: ctx.target.name,
    subject: `Helm release ${release} in ${namespace}`,
    source: 'helm',
    revisions: revisions.map((r) => ({
      revision: r.revision,
      current: r.current,
      images: [],
      rollbackable: !r.current,
      ...(r.updated ? { updated: r.updated } : {}),
      ...(r.status ? { status: r.status } : {}),
      ...(r.chart ? { chart: r.chart } : {}),
      ...(r.appVersion ? { appVersion: r.appVersion } : {}),
      ...(r.description ? { description: r.description } : {}),
    })),
  });
}
