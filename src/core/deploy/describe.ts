// The live state of a target, for `targets`, the Deployments view and the panel: what runs, which
// revision or colour, how many replicas are available, the canary's step and weight, and any deploy
// left unfinished.

import type { CanaryTraffic, WorkloadKind } from '../config/types';
import { readRollout, type RolloutInfo } from '../rollouts/info';
import { resolveRolloutTarget } from '../rollouts/detect';
import { describeAutoscalers, type AutoscalerInfo } from './autoscaler';
import type { DeployContext } from './context';
import { helmReleaseOf, type HelmRelease } from './helm-values';
import { canaryName, replicaShare } from './canary-plan';
import { readRoute, resolveRoute } from './canary-traffic';
import type { DeploymentView } from './ports';
import { colours, revisionOf } from './rollout';
import { deployKey, type DeployState } from './state';
import type { InPlaceKind } from './workload-ports';
import { currentRevision } from './workload-status';
import { inPlaceKind } from './workload-steps';

export interface CanaryLiveState {
  readonly traffic: CanaryTraffic;
  /** The canary's share of traffic now: the route's weights (mesh) or the replica ratio. */
  readonly weight: number;
  readonly steps: readonly number[];
  /** The 1-based step of an unfinished canary deploy, and where it is in that step. */
  readonly step?: number;
  readonly phase?: string;
  /** Why the live weight could not be read (then `weight` is the saved one). */
  readonly error?: string;
}

/** One workload of a target: a Deployment, or the StatefulSet or DaemonSet the target names. */
export interface WorkloadRow {
  readonly name: string;
  /** A Rollout's rows are its ReplicaSets. */
  readonly kind: WorkloadKind | 'ReplicaSet';
  readonly images: readonly string[];
  readonly revision?: number;
  /** A DaemonSet: the pods it should run (one per matching node). */
  readonly replicas: number;
  readonly available: number;
  /** StatefulSet and DaemonSet: ready pods, and pods on the current template. */
  readonly ready?: number;
  readonly updated?: number;
  readonly live: boolean;
}

export interface TargetLiveState {
  readonly target: string;
  readonly strategy: string;
  readonly context: string;
  readonly server: string;
  readonly namespace: string;
  readonly protected: boolean;
  readonly deployments: readonly WorkloadRow[];
  readonly liveColour?: string;
  readonly canary?: CanaryLiveState;
  /** The Helm release the app is (configured, or from its workload's annotations: no helm process runs to say so). */
  readonly helm?: HelmRelease;
  /** The HPAs that scale the target's Deployments, with their bounds and any pin of this tool. */
  readonly autoscalers?: readonly AutoscalerInfo[];
  /** Strategy argo-rollout: the Rollout's phase, step, weights, ReplicaSets and analysis. */
  readonly rollout?: RolloutInfo;
  readonly error?: string;
  /** The cluster could not be read at all (as opposed to: read, and nothing deployed there). */
  readonly unreachable?: boolean;
  readonly last?: DeployState;
}

export async function describeTarget(ctx: DeployContext): Promise<TargetLiveState> {
  const { cluster, target } = ctx;
  const base = {
    target: target.name,
    strategy: target.strategy,
    context: cluster.identity.context,
    server: cluster.identity.server,
    namespace: target.namespace,
    protected: target.protected,
  };
  const last = await ctx.store.read<DeployState>(deployKey(target.name));
  const withLast = last ? { last } : {};
  try {
    // A Rollout found for a target whose strategy was left out makes it argo-rollout (one LIST).
    // Unreadable here (a cluster that does not answer yet): the Deployment's read below says why in its own words.
    const resolved = await resolveRolloutTarget(cluster, target).catch(() => undefined);
    if (resolved?.ok && resolved.value.strategy === 'argo-rollout') return await describeRollout({ ...ctx, target: resolved.value }, { ...base, strategy: 'argo-rollout' }, withLast);
    if (resolved && !resolved.ok) return { ...base, deployments: [], error: resolved.reason, ...withLast };
    const inPlace = inPlaceKind(ctx);
    if (inPlace) {
      const found = await describeWorkload(ctx, inPlace);
      const helm = found && helmReleaseOf(target, found.annotations);
      const row = found?.row;
      return row ? { ...base, deployments: [row], ...(helm ? { helm } : {}), ...withLast } : { ...base, deployments: [], error: `no ${inPlace} ${target.app} in ${target.namespace}`, ...withLast };
    }
    const names = target.strategy === 'blue-green' ? [`${target.app}-blue`, `${target.app}-green`] : target.strategy === 'canary' ? [target.app, `${target.app}-canary`] : [target.app];
    const found = await Promise.all(names.map((name) => cluster.getDeployment(target.namespace, name)));
    let liveColour: string | undefined;
    if (target.strategy === 'blue-green' && found[0] && found[1]) {
      const service = await cluster.getService(target.namespace, target.service);
      const c = service ? colours(service, found[0], found[1]) : undefined;
      if (c && !('error' in c)) liveColour = c.live;
    }
    const deployments = found.flatMap((d) => {
      if (!d) return [];
      const revision = revisionOf(d);
      return [{
        name: d.name,
        kind: 'Deployment' as const,
        images: d.containers.map((c) => c.image),
        replicas: d.replicas,
        available: d.status.availableReplicas,
        live: liveColour === undefined ? d.name === target.app : d.name === `${target.app}-${liveColour}`,
        ...(revision !== undefined ? { revision } : {}),
      }];
    });
    if (deployments.length === 0) return { ...base, deployments, error: `no Deployment ${names.join(' or ')} in ${target.namespace}`, ...withLast };
    const [canary, autoscalers] = await Promise.all([
      target.strategy === 'canary' ? describeCanary(ctx, found[0], found[1], last) : undefined,
      // Shown when an HPA scales them; a namespace where HPAs cannot be listed just shows none.
      describeAutoscalers(ctx).then((all) => all.filter((a) => a.name !== undefined), () => []),
    ]);
    const helm = target.strategy === 'rolling' ? helmReleaseOf(target, found[0]?.annotations) : undefined;
    return {
      ...base,
      deployments,
      ...(liveColour ? { liveColour } : {}),
      ...(canary ? { canary } : {}),
      ...(helm ? { helm } : {}),
      ...(autoscalers.length > 0 ? { autoscalers } : {}),
      ...withLast,
    };
  } catch (error) {
    return { ...base, deployments: [], error: error instanceof Error ? error.message : String(error), unreachable: true, ...withLast };
  }
}

async function describeRollout(ctx: DeployContext, base: Omit<TargetLiveState, 'deployments'>, withLast: { last?: DeployState }): Promise<TargetLiveState> {
  const name = ctx.target.rollout ?? ctx.target.app;
  const read = await readRollout(ctx.cluster.rollouts, ctx.target.namespace, name);
  if (!read) return { ...base, deployments: [], error: `no Rollout ${name} in ${ctx.target.namespace}`, ...withLast };
  const { info } = read;
  const deployments = info.replicaSets
    .filter((rs) => rs.role !== 'old' || rs.replicas > 0)
    .map((rs): WorkloadRow => ({ name: rs.name, kind: 'ReplicaSet', images: rs.images, replicas: rs.replicas, available: rs.available, ready: rs.ready, live: rs.role === 'stable', ...(rs.revision !== undefined ? { revision: rs.revision } : {}) }));
  return { ...base, deployments, rollout: info, ...withLast };
}

async function describeWorkload(ctx: DeployContext, kind: InPlaceKind): Promise<{ readonly row: WorkloadRow; readonly annotations: Readonly<Record<string, string>> } | undefined> {
  const { cluster, target } = ctx;
  const w = await cluster.workloads.getWorkload(kind, target.namespace, target.app);
  if (!w) return undefined;
  const revision = currentRevision(w, await cluster.workloads.controllerRevisions(w))?.revision;
  const counts =
    w.kind === 'StatefulSet'
      ? { replicas: w.replicas, available: w.status.availableReplicas, ready: w.status.readyReplicas, updated: w.status.updatedReplicas }
      : { replicas: w.status.desiredNumberScheduled, available: w.status.numberAvailable, ready: w.status.numberReady, updated: w.status.updatedNumberScheduled };
  return { row: { name: w.name, kind, images: w.containers.map((c) => c.image), live: true, ...counts, ...(revision !== undefined ? { revision } : {}) }, annotations: w.annotations };
}

async function describeCanary(ctx: DeployContext, stable: DeploymentView | undefined, canary: DeploymentView | undefined, last: DeployState | undefined): Promise<CanaryLiveState> {
  const open = last && last.finishedAt === undefined && last.strategy === 'canary' ? last.canary : undefined;
  const plan = open ?? ctx.target.canary;
  const base = {
    traffic: plan.traffic,
    steps: plan.steps,
    ...(open && open.index >= 0 ? { step: open.index + 1, phase: open.phase } : {}),
  };
  if (plan.traffic === 'replicas') return { ...base, weight: replicaShare({ stable: stable?.replicas ?? 0, canary: canary?.replicas ?? 0 }) };
  try {
    const route = open?.route ? { ok: true as const, value: open.route } : await resolveRoute(ctx, plan.traffic);
    if (!route.ok) return { ...base, weight: open?.weight ?? 0, error: route.reason };
    if (!route.value) return { ...base, weight: open?.weight ?? 0, error: `no route for ${canaryName(ctx.target.app)}` };
    const weights = await readRoute(ctx, route.value);
    return weights.ok ? { ...base, weight: weights.value.current } : { ...base, weight: open?.weight ?? 0, error: weights.reason };
  } catch (error) {
    return { ...base, weight: open?.weight ?? 0, error: error instanceof Error ? error.message : String(error) };
  }
}
