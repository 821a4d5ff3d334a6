// Moving traffic between stable and the canary on the cluster, in the order that never lowers the
// app's available replicas: on the way to the canary, capacity first (canary scaled up and ready),
// then traffic (stable scaled down, or route weights); on the way back, the reverse. Route weights
// are read, changed and written back as a merge patch carrying the resourceVersion, so a concurrent
// edit of the route is never overwritten.

import type { CanaryTraffic } from '../config/types';
import { failed, succeeded, type Result } from '../result';
import type { DeployContext } from './context';
import type { DeployLock } from './lock';
import { pinForCanary } from './autoscaler-pin';
import { scaleBaseline } from './canary-baseline';
import { canaryName, canaryServiceName, plannedReplicas, replicaShare, type Split } from './canary-plan';
import { ROUTE_APIS, routeWeights, type Backends, type RouteWeights } from './canary-routes';
import { isRefusal, type CustomResource, type WriteOptions } from './ports';
import type { DeployState, RouteRef } from './state';
import { waitForRollout } from './wait';

/** The route a mesh mode writes weights to, at the version the server serves; undefined for replicas. */
export async function resolveRoute(ctx: DeployContext, traffic: CanaryTraffic): Promise<Result<RouteRef | undefined>> {
  if (traffic === 'replicas') return succeeded(undefined);
  const api = ROUTE_APIS[traffic];
  const version = await ctx.cluster.servedVersion(api.group, api.versions);
  if (!version) {
    return failed(
      `Context ${ctx.cluster.identity.context} does not serve ${api.kind} (${api.versions.map((v) => `${api.group}/${v}`).join(' or ')}), which canary traffic ${traffic} needs.`,
      `Install ${traffic === 'istio' ? 'Istio' : 'the Gateway API CRDs'}, or set targets.${ctx.target.name}.canary.traffic: replicas.`,
    );
  }
  return succeeded({ kind: api.kind, group: api.group, version, plural: api.plural, name: ctx.target.canary.route });
}

const resource = (ref: RouteRef): CustomResource => ({ group: ref.group, version: ref.version, plural: ref.plural, kind: ref.kind });

export function backends(ctx: DeployContext): Backends {
  return { stable: ctx.target.service, canary: canaryServiceName(ctx.target.service), namespace: ctx.target.namespace };
}

export async function readRoute(ctx: DeployContext, ref: RouteRef): Promise<Result<RouteWeights>> {
  const { target } = ctx;
  const found = await ctx.cluster.getCustomObject(target.namespace, ref.name, resource(ref));
  if (!found) return failed(`${ref.kind} ${target.namespace}/${ref.name} was not found.`, `Check targets.${target.name}.canary.route (default: the service name).`);
  return routeWeights(ref.kind, ref.name, found.spec, backends(ctx));
}

/** Gives the canary `weight` percent and stable the rest, in every route entry naming the two. */
export async function setRouteWeight(ctx: DeployContext, ref: RouteRef, weight: number, annotations: Readonly<Record<string, string>>, options: WriteOptions): Promise<Result<RouteWeights>> {
  const { cluster, target } = ctx;
  const key = ref.kind === 'HTTPRoute' ? 'rules' : 'http';
  for (let attempt = 1; ; attempt++) {
    const found = await cluster.getCustomObject(target.namespace, ref.name, resource(ref));
    if (!found) return failed(`${ref.kind} ${target.namespace}/${ref.name} disappeared.`);
    const next = routeWeights(ref.kind, ref.name, found.spec, backends(ctx), weight);
    if (!next.ok) return next;
    if (!options.dryRun && JSON.stringify(next.value.spec[key]) === JSON.stringify(found.spec[key])) return next;
    if (!options.dryRun) ctx.progress?.(`${ref.kind} ${ref.name}: canary ${weight}%, stable ${100 - weight}%`);
    const patch = {
      metadata: { resourceVersion: found.resourceVersion, annotations: { ...annotations, 'hotfix-deployer.io/canary-weight': String(weight) } },
      spec: { [key]: next.value.spec[key] },
    };
    try {
      await cluster.patchCustomObject(target.namespace, ref.name, resource(ref), patch, options);
      return next;
    } catch (error) {
      // Someone edited the route between our read and write: read it again rather than overwrite.
      if (!isRefusal(error, 409) || attempt >= 3) throw error;
    }
  }
}

/**
 * Sets the canary's share to `weight` on the way up: the canary gets its replicas and is waited for
 * first; only then does stable shrink (replicas) or the route move (mesh). A failure leaves stable
 * untouched, and the caller judges readiness to say why.
 */
export async function shiftTo(ctx: DeployContext, state: DeployState, weight: number, annotations: Readonly<Record<string, string>>, lock: DeployLock | undefined): Promise<Result<Split & { readonly baseline?: number }>> {
  const { cluster, target } = ctx;
  const progress = state.canary;
  const total = state.before?.replicas;
  if (!progress || total === undefined) return failed('The canary was not prepared (no preflight state).');
  const want = plannedReplicas(progress.traffic, total, weight);
  const name = canaryName(target.app);
  const canary = await cluster.getDeployment(target.namespace, name);
  if (!canary) return failed(`Deployment ${target.namespace}/${name} disappeared during the canary.`);
  if (canary.replicas < want.canary) {
    ctx.progress?.(`Scaling ${name} to ${want.canary} of ${total} replicas`);
    await cluster.scale(target.namespace, name, want.canary, { dryRun: false });
  }
  // Scaling is not a rollout to the controller, so it never marks a canary that cannot start with
  // ProgressDeadlineExceeded: the wait keeps the deadline itself.
  const ready = await waitForRollout(ctx, name, lock, target.progressDeadlineMs ?? (canary.progressDeadlineSeconds ?? 600) * 1000);
  if (!ready.ok) return ready;
  // The baseline beside it at the canary's size (none at 100%: nothing is left to compare with).
  const baselineReplicas = progress.baseline !== undefined ? (weight >= 100 ? 0 : want.canary) : undefined;
  if (progress.baseline !== undefined && baselineReplicas !== undefined) {
    const scaled = await scaleBaseline(ctx, progress.baseline, baselineReplicas, lock);
    if (!scaled.ok) return scaled;
  }
  // Stable's HPA first, so it never scales stable back up (or down) under the new split.
  const pinned = await pinForCanary(ctx, state, weight, { dryRun: false });
  if (!pinned.ok) return pinned;
  if (progress.route) {
    const set = await setRouteWeight(ctx, progress.route, weight, annotations, { dryRun: false });
    if (!set.ok) return set;
  }
  if (progress.traffic === 'replicas') {
    const stable = await cluster.getDeployment(target.namespace, target.app);
    if (!stable) return failed(`Deployment ${target.namespace}/${target.app} disappeared during the canary.`);
    if (stable.replicas > want.stable) {
      await lock?.renew(); // a process that lost the operation to another stops before it shrinks stable
      ctx.progress?.(`Scaling ${target.app} to ${want.stable}: the canary has ${replicaShare(want)}% of the replicas`);
      await cluster.scale(target.namespace, target.app, want.stable, { dryRun: false });
    }
  }
  return succeeded(baselineReplicas !== undefined ? { ...want, baseline: baselineReplicas } : want);
}
