// The live state of a target, for `targets`, the Deployments view and the panel: what runs, which
// revision or colour, how many replicas are available, the canary's step and weight, and any deploy
// left unfinished.

import type { CanaryTraffic } from '../config/types';
import type { DeployContext } from './context';
import { canaryName, replicaShare } from './canary-plan';
import { readRoute, resolveRoute } from './canary-traffic';
import type { DeploymentView } from './ports';
import { colours, revisionOf } from './rollout';
import { deployKey, type DeployState } from './state';

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

export interface TargetLiveState {
  readonly target: string;
  readonly strategy: string;
  readonly context: string;
  readonly server: string;
  readonly namespace: string;
  readonly protected: boolean;
  readonly deployments: readonly {
    readonly name: string;
    readonly images: readonly string[];
    readonly revision?: number;
    readonly replicas: number;
    readonly available: number;
    readonly live: boolean;
  }[];
  readonly liveColour?: string;
  readonly canary?: CanaryLiveState;
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
        images: d.containers.map((c) => c.image),
        replicas: d.replicas,
        available: d.status.availableReplicas,
        live: liveColour === undefined ? d.name === target.app : d.name === `${target.app}-${liveColour}`,
        ...(revision !== undefined ? { revision } : {}),
      }];
    });
    if (deployments.length === 0) return { ...base, deployments, error: `no Deployment ${names.join(' or ')} in ${target.namespace}`, ...withLast };
    const canary = target.strategy === 'canary' ? await describeCanary(ctx, found[0], found[1], last) : undefined;
    return { ...base, deployments, ...(liveColour ? { liveColour } : {}), ...(canary ? { canary } : {}), ...withLast };
  } catch (error) {
    return { ...base, deployments: [], error: error instanceof Error ? error.message : String(error), unreachable: true, ...withLast };
  }
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
