// A workload target's revisions, as `kubectl rollout history` lists them: a Deployment's ReplicaSets
// or a StatefulSet's or DaemonSet's ControllerRevisions, each with its images, change-cause and
// creation time, newest first, the current one marked. Reads only; target-history.ts puts a Helm
// release's beside it for the front ends.

import { failed, succeeded, type Result } from '../result';
import type { DeployContext } from './context';
import { readBlueGreen } from './rollback';
import { colours, revisionOf } from './rollout';
import type { RevisionEntry, TargetHistory } from './target-history';
import { currentRevision } from './workload-status';
import { inPlaceKind } from './workload-steps';

/** The annotation `kubectl rollout history` shows as CHANGE-CAUSE (our writes set it too). */
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';

interface Revision {
  readonly revision: number;
  readonly images: readonly string[];
  readonly annotations: Readonly<Record<string, string>>;
  readonly createdAt?: string;
}

function entries(revisions: readonly Revision[], current: number | undefined): RevisionEntry[] {
  return revisions
    .filter((r) => r.revision > 0)
    .sort((a, b) => b.revision - a.revision)
    .map((r) => {
      const cause = r.annotations[CHANGE_CAUSE];
      return {
        revision: r.revision,
        current: r.revision === current,
        images: r.images,
        rollbackable: r.revision !== current,
        ...(r.createdAt !== undefined ? { updated: r.createdAt } : {}),
        ...(cause !== undefined ? { description: cause } : {}),
      };
    });
}

export async function workloadHistory(ctx: DeployContext): Promise<Result<TargetHistory>> {
  const { cluster, target } = ctx;
  const kind = inPlaceKind(ctx);
  const subject = `${kind ?? 'Deployment'} ${target.app} in ${target.namespace}`;
  const missing = () => failed(`${subject} was not found in context ${cluster.identity.context}.`, `Check targets.${target.name} (namespace, app, kind) and the kube context.`);
  if (kind) {
    const w = await cluster.workloads.getWorkload(kind, target.namespace, target.app);
    if (!w) return missing();
    const revisions = await cluster.workloads.controllerRevisions(w);
    return succeeded({ target: target.name, subject, source: kind, revisions: entries(revisions, currentRevision(w, revisions)?.revision) });
  }
  if (target.strategy === 'blue-green') return liveColourHistory(ctx);
  // A canary target's stable Deployment is the app itself (the canary is the tool's own).
  const d = await cluster.getDeployment(target.namespace, target.app);
  if (!d) return missing();
  return succeeded({ target: target.name, subject, source: 'Deployment', revisions: entries(await cluster.replicaSets(d), revisionOf(d)) });
}

/**
 * Blue-green: the live colour's revisions. A rollback there switches the Service back to the other
 * colour, never to one of these revisions, so none is offered as a rollback target.
 */
async function liveColourHistory(ctx: DeployContext): Promise<Result<TargetHistory>> {
  const { cluster, target } = ctx;
  const { service, blue, green } = await readBlueGreen(ctx);
  if (!service || !blue || !green) return failed(`${target.name} needs Service ${target.service} and Deployments ${target.app}-blue and ${target.app}-green in ${target.namespace}.`);
  const c = colours(service, blue, green);
  if ('error' in c) return failed(c.error);
  const live = c.live === 'blue' ? blue : green;
  const revisions = entries(await cluster.replicaSets(live), revisionOf(live)).map((r) => ({ ...r, rollbackable: false }));
  return succeeded({ target: target.name, subject: `Deployment ${live.name} in ${target.namespace} (the live colour; rollback switches to ${c.idle})`, source: 'Deployment', revisions });
}
