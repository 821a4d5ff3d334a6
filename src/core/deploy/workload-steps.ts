// The rolling deploy of a StatefulSet or DaemonSet: the same steps as a Deployment's (steps.ts
// dispatches here), on the object itself. These kinds have no progressDeadlineSeconds, so the wait
// applies the target's own deadline (progressDeadline, default 10m); a partition or maxUnavailable
// in the update strategy is the team's and is never changed.

import { failed, succeeded, type Result } from '../result';
import type { DeployContext } from './context';
import type { DeployLock } from './lock';
import type { DeployState } from './state';
import { commitAnnotations, managedByLabel, writeAnnotations } from './steps';
import { RENEW_EVERY_MS } from './wait';
import type { InPlaceKind, WorkloadView } from './workload-ports';
import { currentRevision, partitionOf, workloadStatus } from './workload-status';

type StepResult = Result<DeployState>;

/** What a StatefulSet or DaemonSet waits for when the target sets no progressDeadline. */
export const DEFAULT_DEADLINE_MS = 600_000;

/** The target's kind when it rolls out in place (StatefulSet, DaemonSet); undefined for a Deployment. */
export function inPlaceKind(ctx: DeployContext): InPlaceKind | undefined {
  return ctx.target.kind === 'Deployment' ? undefined : ctx.target.kind;
}

export async function mustGetWorkload(ctx: DeployContext, kind: InPlaceKind, name: string): Promise<Result<WorkloadView>> {
  const { cluster, target } = ctx;
  const w = await cluster.workloads.getWorkload(kind, target.namespace, name);
  return w ? succeeded(w) : failed(`${kind} ${target.namespace}/${name} was not found in context ${cluster.identity.context}.`, `Check targets.${target.name} (namespace, app, kind) and the kube context.`);
}

function containerOf(ctx: DeployContext, w: WorkloadView): Result<string> {
  const wanted = ctx.target.container;
  const names = w.containers.map((c) => c.name);
  if (wanted !== undefined) {
    return names.includes(wanted) ? succeeded(wanted) : failed(`${w.kind} ${w.name} has no container "${wanted}" (it has ${names.join(', ')}).`, `Fix targets.${ctx.target.name}.container in .hotfix/config.yaml.`);
  }
  const [only, ...others] = names;
  return only !== undefined && others.length === 0 ? succeeded(only) : failed(`${w.kind} ${w.name} has ${names.length} containers; which one gets the new image?`, `Set targets.${ctx.target.name}.container in .hotfix/config.yaml.`);
}

const available = (w: WorkloadView) => (w.kind === 'StatefulSet' ? w.status.availableReplicas : w.status.numberAvailable);

export async function preflightWorkload(ctx: DeployContext, state: DeployState, kind: InPlaceKind): Promise<StepResult> {
  const { cluster, target } = ctx;
  if (!(await cluster.namespaceExists(target.namespace))) {
    return failed(`Namespace ${target.namespace} does not exist in context ${cluster.identity.context} (${cluster.identity.server}).`, `Check targets.${target.name}.namespace and the kube context.`);
  }
  const found = await mustGetWorkload(ctx, kind, target.app);
  if (!found.ok) return found;
  const w = found.value;
  const status = workloadStatus(w);
  if (status.state === 'not-waitable') {
    return failed(status.message, `Set its updateStrategy to RollingUpdate to deploy it here (the tool never changes it), or roll it out by hand.`);
  }
  const container = containerOf(ctx, w);
  if (!container.ok) return container;
  if (w.containers.find((c) => c.name === container.value)?.image === state.image) {
    return failed(`${w.name} already runs ${state.image}.`, 'Nothing to deploy; give another image.');
  }
  // The server checks the write (admission, validation, quota) without making it.
  const templateAnnotations = commitAnnotations(state);
  await cluster.workloads.setImages(
    kind,
    target.namespace,
    w.name,
    { images: { [container.value]: state.image }, annotations: writeAnnotations(ctx, state), ...(templateAnnotations ? { templateAnnotations } : {}) },
    { dryRun: true },
  );
  // The revision to restore after a failure, by name: an undo renumbers revisions, never renames them.
  const current = currentRevision(w, await cluster.workloads.controllerRevisions(w));
  return succeeded({
    ...state,
    deployment: w.name,
    container: container.value,
    before: {
      images: Object.fromEntries(w.containers.map((c) => [c.name, c.image])),
      availableReplicas: available(w),
      ...(current ? { revision: current.revision, controllerRevision: current.name } : {}),
    },
  });
}

export async function updateWorkload(ctx: DeployContext, state: DeployState, kind: InPlaceKind): Promise<StepResult> {
  const { cluster, target } = ctx;
  const name = state.deployment ?? target.app;
  const container = state.container ?? '';
  const w = await mustGetWorkload(ctx, kind, name);
  if (!w.ok) return w;
  if (w.value.containers.find((c) => c.name === container)?.image !== state.image) {
    const labels = managedByLabel(w.value);
    const templateAnnotations = commitAnnotations(state);
    ctx.progress?.(`Setting ${kind} ${name} ${container} to ${state.image}`);
    await cluster.workloads.setImages(
      kind,
      target.namespace,
      name,
      { images: { [container]: state.image }, annotations: writeAnnotations(ctx, state), ...(templateAnnotations ? { templateAnnotations } : {}), ...(labels ? { labels } : {}) },
      { dryRun: false },
    );
  }
  return succeeded(state);
}

export async function rolloutWorkload(ctx: DeployContext, state: DeployState, kind: InPlaceKind, lock: DeployLock | undefined): Promise<StepResult> {
  const name = state.deployment ?? ctx.target.app;
  const waited = await waitForWorkload(ctx, kind, name, lock);
  if (!waited.ok) return waited;
  const w = await mustGetWorkload(ctx, kind, name);
  if (!w.ok) return w;
  // After a restore that a crash interrupted, the old image rolls out: no success of this deploy.
  const image = w.value.containers.find((c) => c.name === state.container)?.image;
  if (image !== state.image) return failed(`${name} runs ${image ?? 'another image'}, not ${state.image}: it was changed during the deploy.`);
  const partition = partitionOf(w.value);
  if (partition === undefined) return succeeded(state);
  const old = state.before?.images[state.container ?? ''];
  return succeeded({
    ...state,
    rollout: `partition ${partition}: pods from ordinal ${partition} up were updated (${waited.value})${old ? `, the ones below keep ${old}` : ''}; the partition is left as set`,
  });
}

/**
 * Waits until the rollout is complete as `kubectl rollout status` judges it, renewing the lock, or
 * fails after the deadline naming the pods that are not ready and why.
 */
export async function waitForWorkload(ctx: DeployContext, kind: InPlaceKind, name: string, lock: DeployLock | undefined, deadlineMs?: number): Promise<Result<string>> {
  const { cluster, clock, target } = ctx;
  const started = clock.now().getTime();
  const limit = deadlineMs ?? target.progressDeadlineMs ?? DEFAULT_DEADLINE_MS;
  let renewed = started;
  let last = '';
  for (;;) {
    const w = await cluster.workloads.getWorkload(kind, target.namespace, name);
    if (!w) return failed(`${kind} ${target.namespace}/${name} disappeared during the rollout.`);
    const status = workloadStatus(w);
    if (status.message !== last) {
      ctx.progress?.(status.message);
      last = status.message;
    }
    if (status.state === 'complete') return succeeded(status.message);
    if (status.state === 'not-waitable') return failed(status.message, 'Delete its pods to roll them, or set its updateStrategy to RollingUpdate.');
    const now = clock.now().getTime();
    if (now - started > limit) {
      const stuck = (await cluster.workloads.pods(w)).filter((p) => !p.ready).map((p) => `${p.name}${p.waiting ? ` (${p.waiting})` : ''}`);
      const pods = stuck.length > 0 ? `; not ready: ${stuck.join(', ')}` : '';
      return failed(`${kind} ${name} did not finish rolling out within ${Math.round(limit / 1000)}s (${status.message}${pods}).`);
    }
    if (lock && now - renewed > RENEW_EVERY_MS) {
      await lock.renew();
      renewed = now;
    }
    await clock.sleep(ctx.pollMs ?? 500, ctx.signal);
  }
}
