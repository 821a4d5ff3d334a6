// The baseline Deployment of a canary (canary.baseline: deployment): `<app>-baseline`, stable's spec
// and image with its pods labelled track: baseline, run at the canary's size at each step so the
// metrics compare the canary with pods of the same age and the same share of traffic (as Kayenta's
// baseline cluster). Made at preflight's plan, scaled up beside the canary before stable shrinks, and
// scaled to 0 whenever the canary ends: promotion, abort, or a rollback after a crash (the state names
// it). Like the canary, it stays at 0 for the next canary; the tool deletes nothing.

import { failed, succeeded, type Result } from '../result';
import type { DeployContext } from './context';
import { BASELINE_OF, BASELINE_TRACK, baselineDeployment, baselineName, canarySelector, canaryTemplate } from './canary-plan';
import { MANAGED_BY, type DeployLock } from './lock';
import type { DeploymentView } from './ports';
import { waitForRollout } from './wait';

const ours = (d: DeploymentView, app: string) => d.labels['app.kubernetes.io/managed-by'] === MANAGED_BY['app.kubernetes.io/managed-by'] && d.labels[BASELINE_OF] === app;
const same = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) => Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/**
 * Preflight: whether `<app>-baseline` can be made or refreshed (ours, at 0, selecting the baseline
 * track of stable's pods), the write dry-run; its name, or undefined when the target compares with stable.
 */
export async function checkBaseline(ctx: DeployContext, stable: DeploymentView, annotations: Readonly<Record<string, string>>): Promise<Result<string | undefined>> {
  const { cluster, target } = ctx;
  if (target.canary.baseline !== 'deployment') return succeeded(undefined);
  const name = baselineName(target.app);
  const existing = await cluster.getDeployment(target.namespace, name);
  if (existing && !ours(existing, target.app)) {
    return failed(`Deployment ${target.namespace}/${name} exists and was not created by Hotfix Deployer as ${target.app}'s baseline, so the tool will not change it.`, 'Rename or remove it, then deploy again.');
  }
  if (existing && existing.replicas > 0) {
    return failed(`${name} still runs ${existing.replicas} replica(s) from an earlier canary.`, `Scale ${name} to 0 (or roll back the earlier canary), then deploy again.`);
  }
  if (existing && !same(existing.selector, canarySelector(stable.selector, BASELINE_TRACK))) {
    return failed(`${name}'s selector ${JSON.stringify(existing.selector)} no longer matches ${target.app}'s pods.`, `Delete ${name} (the tool made it and makes it again).`);
  }
  if (existing) await cluster.replaceTemplate(target.namespace, name, canaryTemplate(stable.template, '', undefined, BASELINE_TRACK), { ...existing.annotations, ...annotations }, { dryRun: true });
  else await cluster.createDeployment(target.namespace, baselineDeployment(stable, annotations), { dryRun: true });
  return succeeded(name);
}

/** `<app>-baseline` made (or refreshed) from stable's spec as it is before the canary, at 0 replicas. */
export async function updateBaseline(ctx: DeployContext, stable: DeploymentView, operation: string, annotations: Readonly<Record<string, string>>): Promise<void> {
  const { cluster, target } = ctx;
  const name = baselineName(target.app);
  const existing = await cluster.getDeployment(target.namespace, name);
  if (!existing) {
    ctx.progress?.(`Creating ${name} from ${stable.name}'s spec and image, at 0 replicas: the canary's baseline`);
    await cluster.createDeployment(target.namespace, baselineDeployment(stable, annotations), { dryRun: false });
  } else if (existing.annotations['hotfix-deployer.io/operation'] !== operation) {
    ctx.progress?.(`Refreshing ${name} from ${stable.name}'s spec and image`);
    await cluster.replaceTemplate(target.namespace, name, canaryTemplate(stable.template, '', undefined, BASELINE_TRACK), { ...existing.annotations, ...annotations }, { dryRun: false });
  }
}

/** The baseline at `replicas` (the canary's size at this step), ready before stable shrinks. */
export async function scaleBaseline(ctx: DeployContext, name: string, replicas: number, lock: DeployLock | undefined): Promise<Result<string>> {
  const { cluster, target } = ctx;
  const baseline = await cluster.getDeployment(target.namespace, name);
  if (!baseline) return failed(`Deployment ${target.namespace}/${name} (the canary's baseline) disappeared during the canary.`);
  if (baseline.replicas === replicas) return succeeded(name);
  ctx.progress?.(`Scaling ${name} to ${replicas}: the baseline at the canary's size`);
  await cluster.scale(target.namespace, name, replicas, { dryRun: false });
  if (replicas === 0) return succeeded(name);
  return waitForRollout(ctx, name, lock, target.progressDeadlineMs ?? (baseline.progressDeadlineSeconds ?? 600) * 1000);
}

/** Whenever the canary ends: the baseline (if the target has one) to 0. What it did, for the message. */
export async function parkBaseline(ctx: DeployContext): Promise<string[]> {
  const { cluster, target } = ctx;
  const name = baselineName(target.app);
  const baseline = await cluster.getDeployment(target.namespace, name);
  if (!baseline || baseline.replicas === 0 || !ours(baseline, target.app)) return [];
  ctx.progress?.(`Scaling ${name} to 0`);
  await cluster.scale(target.namespace, name, 0, { dryRun: false });
  return [`${name} scaled to 0`];
}
