// How a canary ends. Promote: stable takes the new template and rolls out to its full size, then all
// traffic goes back to stable and the canary scales to 0. Abort: traffic off the canary first, stable
// back to its template and size and ready, and only then the canary to 0, so the app never has fewer
// available replicas than before. The canary Deployment stays (at 0) for the next canary; the tool
// deletes nothing.

import { failed, succeeded, type Result } from '../result';
import type { DeployContext } from './context';
import { parkBaseline } from './canary-baseline';
import { canaryName } from './canary-plan';
import { readRoute, resolveRoute, setRouteWeight } from './canary-traffic';
import type { DeployLock } from './lock';
import { planUndo } from './rollout';
import type { DeployState, RouteRef } from './state';
import { commitAnnotations, managedByLabel, mustGet, writeAnnotations } from './steps';
import { waitForRollout } from './wait';
import type { Save } from './canary';
import { pinForCanary, restoreAutoscalers } from './autoscaler-pin';

export async function promoteCanaryStep(ctx: DeployContext, initial: DeployState, lock: DeployLock | undefined, save: Save): Promise<Result<DeployState>> {
  const { cluster, target } = ctx;
  const progress = initial.canary;
  const total = initial.before?.replicas;
  if (!progress || total === undefined) return failed('The canary was not prepared (no preflight state).');
  const state: DeployState = { ...initial, canary: { ...progress, phase: 'promoting' } };
  await save(state);
  const found = await mustGet(ctx, target.app);
  if (!found.ok) return found;
  const stable = found.value;
  const container = state.container ?? '';
  if (stable.containers.find((c) => c.name === container)?.image !== state.image) {
    ctx.progress?.(`Promoting: ${target.app} takes ${state.image}`);
    const labels = managedByLabel(stable);
    const templateAnnotations = commitAnnotations(state);
    await cluster.setImages(
      target.namespace,
      target.app,
      { images: { [container]: state.image }, annotations: writeAnnotations(ctx, state), ...(templateAnnotations ? { templateAnnotations } : {}), ...(labels ? { labels } : {}) },
      { dryRun: false },
    );
  }
  // Stable's HPA (if any) is held at the whole total first, or it would scale stable back down.
  const held = await pinForCanary(ctx, state, 0, { dryRun: false });
  if (!held.ok) return held;
  if (stable.replicas < total) {
    ctx.progress?.(`Scaling ${target.app} back to ${total} replicas`);
    await cluster.scale(target.namespace, target.app, total, { dryRun: false });
  }
  const rolled = await waitForRollout(ctx, target.app, lock);
  if (!rolled.ok) return failed(`Promoting ${state.image} on ${target.app} failed: ${rolled.reason}`);
  await toStable(ctx, writeAnnotations(ctx, state), progress.route);
  // The canary is over: the HPA scales stable again, within its own bounds.
  await restoreAutoscalers(ctx, state, [target.app]);
  return succeeded({ ...state, canary: { ...progress, phase: 'promoted', weight: 0, replicas: { stable: total, canary: 0 } } });
}

/** Route weights all to stable, then the canary to 0 replicas. What it did, for the message. */
async function toStable(ctx: DeployContext, annotations: Readonly<Record<string, string>>, route: RouteRef | undefined): Promise<string[]> {
  const { cluster, target } = ctx;
  const did: string[] = [];
  if (route) {
    const set = await setRouteWeight(ctx, route, 0, annotations, { dryRun: false });
    did.push(set.ok ? `${route.kind} ${route.name} sends the canary 0%` : `${route.kind} ${route.name} left as it was: ${set.reason}`);
  }
  const name = canaryName(target.app);
  const canary = await cluster.getDeployment(target.namespace, name);
  if (canary && canary.replicas > 0) {
    ctx.progress?.(`Scaling ${name} to 0`);
    await cluster.scale(target.namespace, name, 0, { dryRun: false });
    did.push(`${name} scaled to 0`);
  }
  // The baseline goes with the canary, whatever ended it (a crash's rollback too).
  did.push(...(await parkBaseline(ctx)));
  return did;
}

/**
 * Abort: after a failed gate, a failed promotion, or rollback of an unfinished canary. Traffic
 * leaves the canary first (mesh), stable gets back its template (if promotion had begun) and its
 * replicas and is waited for, and only then does the canary go to 0. Returns what it did.
 */
export async function abortCanaryRun(ctx: DeployContext, state: DeployState, lock: DeployLock | undefined): Promise<string> {
  const did = await abortTraffic(ctx, state, lock);
  // Last, whatever happened before: the HPA's own bounds back (and its annotations off).
  const restored = state.before && state.canary ? await restoreAutoscalers(ctx, state, [ctx.target.app]) : [];
  return [did, ...restored].join('; ');
}

async function abortTraffic(ctx: DeployContext, state: DeployState, lock: DeployLock | undefined): Promise<string> {
  const { cluster, target } = ctx;
  const before = state.before;
  if (!before || !state.canary) return 'nothing to restore: the canary had not changed the target';
  const did: string[] = [];
  const route = state.canary.route;
  if (route) {
    const set = await setRouteWeight(ctx, route, 0, writeAnnotations(ctx, state), { dryRun: false });
    did.push(set.ok ? `${route.kind} ${route.name} sends the canary 0%` : `${route.kind} ${route.name} not restored: ${set.reason}`);
  }
  const stable = await cluster.getDeployment(target.namespace, target.app);
  if (!stable) return `${did.join('; ')}; ${target.app} is missing, so ${canaryName(target.app)} keeps its replicas`;
  let changed = false;
  const wanted = Object.entries(before.images);
  if (wanted.some(([name, image]) => stable.containers.find((c) => c.name === name)?.image !== image)) {
    // Promotion had begun: stable goes back to its template of before, as rollout undo does.
    const plan = before.revision !== undefined ? planUndo(stable, await cluster.replicaSets(stable), before.revision) : { error: 'no revision' };
    if ('error' in plan) {
      await cluster.setImages(target.namespace, target.app, { images: before.images, annotations: writeAnnotations(ctx, state) }, { dryRun: false });
    } else {
      await cluster.replaceTemplate(target.namespace, target.app, plan.template, { ...plan.annotations, 'hotfix-deployer.io/operation': state.id }, { dryRun: false });
    }
    did.push(`${target.app} set back to ${Object.values(before.images).join(', ')}`);
    changed = true;
  }
  const replicas = before.replicas ?? stable.replicas;
  // Stable's HPA is held at the whole total before stable grows back, or it would shrink it again.
  await pinForCanary(ctx, state, 0, { dryRun: false });
  if (stable.replicas < replicas) {
    ctx.progress?.(`Scaling ${target.app} back to ${replicas} replicas before the canary goes`);
    await cluster.scale(target.namespace, target.app, replicas, { dryRun: false });
    did.push(`${target.app} back to ${replicas} replicas`);
    changed = true;
  }
  if (changed) {
    const waited = await waitForRollout(ctx, target.app, lock);
    if (!waited.ok) return `${did.join('; ')}; but ${waited.reason}, so ${canaryName(target.app)} keeps its replicas until ${target.app} is ready`;
  }
  did.push(...(await toStable(ctx, writeAnnotations(ctx, state), undefined)));
  return `traffic is back on ${target.app} only: ${did.length > 0 ? did.join('; ') : 'nothing had moved yet'}`;
}

/** After a rollback of a finished canary deploy: make sure no traffic or replicas are left on the canary. */
export async function parkCanary(ctx: DeployContext, annotations: Readonly<Record<string, string>>): Promise<Result<string[]>> {
  const route = await resolveRoute(ctx, ctx.target.canary.traffic);
  if (!route.ok) return route;
  if (route.value) {
    const weights = await readRoute(ctx, route.value);
    if (!weights.ok) return weights;
  }
  const did = await toStable(ctx, annotations, route.value);
  // A pin a crashed canary left on stable's HPA goes too.
  return succeeded([...did, ...(await restoreAutoscalers(ctx, undefined, [ctx.target.app]))]);
}
