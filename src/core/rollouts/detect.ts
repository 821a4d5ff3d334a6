// Which Argo Rollout a target drives. A target with strategy argo-rollout names the Rollout, or the
// Deployment a Rollout's workloadRef references; a target whose strategy was left out becomes
// argo-rollout when such a Rollout is found; and a target configured (or overridden) to another
// strategy is refused when a Rollout manages what it would write: patching those Deployments or
// scaling their ReplicaSets would fight the Rollout's controller.

import type { Target } from '../config/targets';
import { remedy } from '../remedy';
import { failed, succeeded, type Result } from '../result';
import type { Cluster } from '../deploy/ports';
import { rolloutView } from './model';

/** The Deployments a strategy writes for a target (blue-green: both colours; canary: stable and canary). */
function writtenNames(target: Target): string[] {
  if (target.strategy === 'blue-green') return [`${target.app}-blue`, `${target.app}-green`];
  if (target.strategy === 'canary') return [target.app, `${target.app}-canary`];
  return [target.app];
}

/**
 * The target as the operation should see it: strategy argo-rollout with `rollout` set when a Rollout
 * is (or must be) in charge, unchanged when none is. One read (a GET, or a LIST of the namespace's
 * Rollouts); a cluster without the Rollout CRD answers "none" at once.
 */
export async function resolveRolloutTarget(cluster: Cluster, target: Target): Promise<Result<Target>> {
  if (target.kind !== 'Deployment' || target.helm) return succeeded(target);
  const ns = target.namespace;
  if (target.strategy === 'argo-rollout') {
    if (await cluster.rollouts.getRollout(ns, target.app)) return succeeded({ ...target, rollout: target.app });
    const referencing = (await cluster.rollouts.listRollouts(ns)).map(rolloutView).find((r) => r.workloadRef?.kind === 'Deployment' && r.workloadRef.name === target.app);
    if (referencing) return succeeded({ ...target, rollout: referencing.name });
    return failed(
      `There is no Argo Rollout ${target.app} in ${ns} (context ${cluster.identity.context}), nor one whose workloadRef names Deployment ${target.app}.`,
      `Check targets.${target.name}.app and namespace, and that Argo Rollouts is installed there (kubectl get rollouts -n ${ns}).`,
    );
  }
  const names = writtenNames(target);
  const all = await cluster.rollouts.listRollouts(ns);
  for (const raw of all) {
    const r = rolloutView(raw);
    const owns = names.includes(r.name) ? 'is' : r.workloadRef && names.includes(r.workloadRef.name) ? `references ${r.workloadRef.kind} ${r.workloadRef.name} (workloadRef)` : undefined;
    if (!owns) continue;
    if (target.strategyDefaulted && target.strategy === 'rolling') return succeeded({ ...target, strategy: 'argo-rollout', rollout: r.name });
    const what = owns === 'is' ? `${r.name} is an Argo Rollout` : `Argo Rollout ${r.name} ${owns}`;
    return {
      ...failed(
        `${what}: a ${target.strategy} deploy of ${target.name} would write what the Rollout's controller manages, and fight it.`,
        `Deploy through the Rollout: set targets.${target.name}.strategy: argo-rollout (or leave strategy out to detect it).`,
        [remedy('targets')],
      ),
      failure: 'input',
    };
  }
  return succeeded(target);
}

