// The steps of a rolling or blue-green deploy (the canary's are in canary.ts). Preflight reads
// everything and dry-runs every write on the server before anything changes; update, rollout, smoke
// and switch each do one thing and can be run again after an interruption (they look before they write).

import { failed, succeeded, type Failed, type Result } from '../result';
import type { DeployContext } from './context';
import type { DeployLock } from './lock';
import { MANAGED_BY } from './lock';
import type { DeploymentView } from './ports';
import { colours, revisionOf } from './rollout';
import { BRANCH, GIT_SHA, IMAGE } from '../running/types';
import type { DeployState } from './state';
import { waitForRollout } from './wait';
import { pinColour, preflightColours, restoreAutoscalers } from './autoscaler-pin';
import { inPlaceKind, preflightWorkload, rolloutWorkload, updateWorkload } from './workload-steps';

type StepResult = Result<DeployState>;

/** Annotations every write carries: what was deployed, from which commit and branch, for which incident. */
export function writeAnnotations(ctx: DeployContext, state: DeployState): Record<string, string> {
  return {
    'hotfix-deployer.io/operation': state.id,
    'hotfix-deployer.io/deployed-by': ctx.actor,
    'hotfix-deployer.io/deployed-at': ctx.clock.now().toISOString(),
    'kubernetes.io/change-cause': `hotfix-deployer ${state.strategy} ${state.image}${state.meta.branch ? ` (${state.meta.branch})` : ''}`,
    ...(state.meta.gitSha ? { 'hotfix-deployer.io/git-sha': state.meta.gitSha } : {}),
    ...(state.meta.branch ? { 'hotfix-deployer.io/branch': state.meta.branch } : {}),
    ...(state.meta.incident ? { 'hotfix-deployer.io/incident': state.meta.incident } : {}),
  };
}

/**
 * Pod-template annotations: the commit, branch and image deployed. ReplicaSets keep them (and rollout
 * undo restores them), unlike the Deployment's; the image lets a reader see when `kubectl set image`
 * has made them stale. Without a known commit none are written, so older ones turn stale by the image.
 */
export function commitAnnotations(state: DeployState): Record<string, string> | undefined {
  return state.meta.gitSha ? { [GIT_SHA]: state.meta.gitSha, [BRANCH]: state.meta.branch ?? '', [IMAGE]: state.image } : undefined;
}

/** Our managed-by label, unless another manager (Helm, Argo CD, ...) owns the object: never take it from them. */
export function managedByLabel(d: { readonly labels: Readonly<Record<string, string>> }): Record<string, string> | undefined {
  const current = d.labels['app.kubernetes.io/managed-by'];
  return current === undefined || current === MANAGED_BY['app.kubernetes.io/managed-by'] ? { ...MANAGED_BY } : undefined;
}

export function containerOf(ctx: DeployContext, d: DeploymentView): Result<string> {
  const wanted = ctx.target.container;
  if (wanted !== undefined) {
    return d.containers.some((c) => c.name === wanted)
      ? succeeded(wanted)
      : failed(`Deployment ${d.name} has no container "${wanted}" (it has ${d.containers.map((c) => c.name).join(', ')}).`, `Fix targets.${ctx.target.name}.container in .hotfix/config.yaml.`);
  }
  const [only, ...others] = d.containers;
  if (!only || others.length > 0) {
    return failed(`Deployment ${d.name} has ${d.containers.length} containers; which one gets the new image?`, `Set targets.${ctx.target.name}.container in .hotfix/config.yaml.`);
  }
  return succeeded(only.name);
}

export async function mustGet(ctx: DeployContext, name: string): Promise<Result<DeploymentView>> {
  const { cluster, target } = ctx;
  const d = await cluster.getDeployment(target.namespace, name);
  return d ? succeeded(d) : failed(`Deployment ${target.namespace}/${name} was not found in context ${cluster.identity.context}.`, `Check targets.${target.name} (namespace, app) and the kube context.`);
}

export async function preflight(ctx: DeployContext, state: DeployState): Promise<StepResult> {
  const inPlace = inPlaceKind(ctx);
  if (inPlace) return preflightWorkload(ctx, state, inPlace);
  const { cluster, target } = ctx;
  if (!(await cluster.namespaceExists(target.namespace))) {
    return failed(`Namespace ${target.namespace} does not exist in context ${cluster.identity.context} (${cluster.identity.server}).`, `Check targets.${target.name}.namespace and the kube context.`);
  }
  let d: DeploymentView;
  let extra: Partial<NonNullable<DeployState['before']>> = {};
  if (state.strategy === 'blue-green') {
    const service = await cluster.getService(target.namespace, target.service);
    if (!service) return failed(`Service ${target.namespace}/${target.service} was not found.`, `Check targets.${target.name}.service.`);
    const blue = await mustGet(ctx, `${target.app}-blue`);
    if (!blue.ok) return blue;
    const green = await mustGet(ctx, `${target.app}-green`);
    if (!green.ok) return green;
    const c = colours(service, blue.value, green.value);
    if ('error' in c) return failed(c.error, 'Blue-green needs <app>-blue and <app>-green behind one Service.');
    d = c.idle === 'blue' ? blue.value : green.value;
    const live = c.live === 'blue' ? blue.value : green.value;
    await cluster.setServiceSelector(target.namespace, target.service, c.selectors[c.idle], {}, { dryRun: true });
    // live.replicas is what the live colour runs now (its HPA's count, if it has one), not its manifest's.
    const hpas = await preflightColours(ctx, state, d.name, live);
    if (!hpas.ok) return hpas;
    extra = { liveColour: c.live, selector: service.selector, idleReplicas: d.replicas, availableReplicas: live.status.availableReplicas, autoscalers: hpas.value };
    if (d.replicas < live.replicas) await cluster.scale(target.namespace, d.name, live.replicas, { dryRun: true });
  } else {
    const found = await mustGet(ctx, target.app);
    if (!found.ok) return found;
    d = found.value;
  }
  if (d.paused) {
    return failed(
      `Deployment ${target.namespace}/${d.name} is paused (kubectl rollout pause): a deploy would change its template and roll nothing out.`,
      `Resume it first (kubectl rollout resume deployment/${d.name} -n ${target.namespace}: it then rolls out the template it has now), or roll back, which resumes it.`,
    );
  }
  const container = containerOf(ctx, d);
  if (!container.ok) return container;
  if (state.strategy === 'rolling' && d.containers.find((c) => c.name === container.value)?.image === state.image) {
    return failed(`${d.name} already runs ${state.image}.`, 'Nothing to deploy; give another image.');
  }
  // The server checks the write (admission, validation, quota) without making it.
  const templateAnnotations = commitAnnotations(state);
  await cluster.setImages(
    target.namespace,
    d.name,
    { images: { [container.value]: state.image }, annotations: writeAnnotations(ctx, state), ...(templateAnnotations ? { templateAnnotations } : {}) },
    { dryRun: true },
  );
  const images = Object.fromEntries(d.containers.map((c) => [c.name, c.image]));
  const revision = revisionOf(d);
  return succeeded({
    ...state,
    deployment: d.name,
    container: container.value,
    before: { images, availableReplicas: d.status.availableReplicas, ...(revision !== undefined ? { revision } : {}), ...extra },
  });
}

export async function update(ctx: DeployContext, state: DeployState): Promise<StepResult> {
  const inPlace = inPlaceKind(ctx);
  if (inPlace) return updateWorkload(ctx, state, inPlace);
  const { cluster, target } = ctx;
  const name = state.deployment ?? target.app;
  const container = state.container ?? '';
  const d = await mustGet(ctx, name);
  if (!d.ok) return d;
  if (d.value.containers.find((c) => c.name === container)?.image !== state.image) {
    const labels = managedByLabel(d.value);
    ctx.progress?.(`Setting ${name} ${container} to ${state.image}`);
    const templateAnnotations = commitAnnotations(state);
    await cluster.setImages(
      target.namespace,
      name,
      { images: { [container]: state.image }, annotations: writeAnnotations(ctx, state), ...(templateAnnotations ? { templateAnnotations } : {}), ...(labels ? { labels } : {}) },
      { dryRun: false },
    );
  }
  if (state.strategy === 'blue-green') {
    const live = await mustGet(ctx, `${target.app}-${state.before?.liveColour ?? 'blue'}`);
    // Its HPA first: with no traffic yet, it would shrink the idle colour back to its minimum.
    if (live.ok) await pinColour(ctx, state, state.id, name, live.value.replicas, 'until the switch', { dryRun: false });
    if (live.ok && d.value.replicas < live.value.replicas) {
      ctx.progress?.(`Scaling ${name} to ${live.value.replicas} replicas, as many as the live colour`);
      await cluster.scale(target.namespace, name, live.value.replicas, { dryRun: false });
    }
  }
  return succeeded(state);
}

export async function rollout(ctx: DeployContext, state: DeployState, lock: DeployLock | undefined): Promise<StepResult> {
  const inPlace = inPlaceKind(ctx);
  if (inPlace) return rolloutWorkload(ctx, state, inPlace, lock);
  const name = state.deployment ?? ctx.target.app;
  const waited = await waitForRollout(ctx, name, lock);
  if (!waited.ok) return waited;
  // What rolled out must be this deploy's image: after a restore that a crash interrupted, the
  // Deployment rolls out the previous version, and that is no success of this deploy.
  const d = await mustGet(ctx, name);
  if (!d.ok) return d;
  return changedUnderUs(state, d.value) ?? succeeded(state);
}

/** A failure when `d` no longer runs this deploy's image (an interrupted restore put the old one back, or someone else). */
function changedUnderUs(state: DeployState, d: DeploymentView): Failed | undefined {
  const image = d.containers.find((c) => c.name === state.container)?.image;
  return image === state.image ? undefined : failed(`${d.name} runs ${image ?? 'another image'}, not ${state.image}: it was changed during the deploy.`);
}

export async function smoke(ctx: DeployContext, state: DeployState): Promise<StepResult> {
  const check = ctx.target.smoke;
  if (!check) return succeeded(state);
  if (!ctx.smoke) return failed('A smoke check is configured but no smoke runner is available here.');
  ctx.progress?.('Running the smoke check');
  const result = await ctx.smoke.run(check, ctx.signal);
  return result.ok ? succeeded(state) : failed(`Smoke check failed: ${result.reason}`);
}

export async function switchTraffic(ctx: DeployContext, state: DeployState): Promise<StepResult> {
  const { cluster, target } = ctx;
  const service = await cluster.getService(target.namespace, target.service);
  const blue = await mustGet(ctx, `${target.app}-blue`);
  const green = await mustGet(ctx, `${target.app}-green`);
  if (!service || !blue.ok || !green.ok) return failed(`The blue-green objects of ${target.name} changed during the deploy.`);
  const c = colours(service, blue.value, green.value);
  if ('error' in c) return failed(c.error);
  const to = state.deployment === blue.value.name ? 'blue' : 'green';
  const old = to === 'blue' ? green.value : blue.value;
  if (c.live !== to) {
    const changed = changedUnderUs(state, to === 'blue' ? blue.value : green.value);
    if (changed) return changed;
  }
  // The old colour loses its traffic: its HPA is held at its replicas first, so an instant rollback
  // finds it as it was, until it is retired.
  await pinColour(ctx, state, state.id, old.name, old.replicas, 'for an instant rollback, until it is retired', { dryRun: false });
  if (c.live !== to) {
    ctx.progress?.(`Switching Service ${target.service} to ${state.deployment ?? to}`);
    await cluster.setServiceSelector(target.namespace, target.service, c.selectors[to], writeAnnotations(ctx, state), { dryRun: false });
  }
  // The new colour takes the traffic: its HPA scales it again, within its own bounds.
  await restoreAutoscalers(ctx, state, [state.deployment ?? `${target.app}-${to}`]);
  return succeeded(state);
}
