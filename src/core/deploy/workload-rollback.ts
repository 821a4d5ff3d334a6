// Rollback of a StatefulSet or DaemonSet through its ControllerRevisions, as `kubectl rollout undo`
// does it: the revision's data (its pod template) written back as a strategic merge patch; the
// previous revision (the second highest), or --to-revision. The plan is saved before the write, by
// ControllerRevision name, so a killed rollback run again continues instead of undoing itself.
// Also the automatic restore after a failed deploy of one (rollback.ts dispatches here).

import { failed, type Failed } from '../result';
import { record, type DeployContext } from './context';
import type { DeployLock } from './lock';
import { CONTINUED, type RollbackPlan } from './rollback-state';
import type { DeployState } from './state';
import { writeAnnotations } from './steps';
import type { ControllerRevisionView, InPlaceKind, WorkloadView } from './workload-ports';
import { currentRevision, planRevisionUndo } from './workload-status';
import { waitForWorkload } from './workload-steps';

type UndoPlan = Extract<RollbackPlan, { kind: 'undo' }>;
type Done = { readonly ok: true; readonly message: string } | Failed;

/** What rollback.ts's run gives this path: its id, the saved plan it continues, and the save before the write. */
export interface UndoRun {
  readonly operation: string;
  resumed(kind: 'undo'): UndoPlan | undefined;
  begin(plan: RollbackPlan): Promise<void>;
}

export interface WorkloadUndoInput {
  readonly toRevision?: number;
  readonly immediate?: boolean;
}

/** How long to wait for the controller to observe a write before judging what it did. */
const OBSERVE_MS = 30_000;

export async function undoWorkload(ctx: DeployContext, kind: InPlaceKind, input: WorkloadUndoInput, lock: DeployLock, run: UndoRun): Promise<Done> {
  const { cluster, target } = ctx;
  const w = await observed(ctx, kind, target.app);
  if (!w) return failed(`${kind} ${target.namespace}/${target.app} was not found in context ${cluster.identity.context}.`, `Check targets.${target.name} (namespace, app, kind) and the kube context.`);
  const revisions = await cluster.workloads.controllerRevisions(w);
  const current = currentRevision(w, revisions);
  const saved = run.resumed('undo');
  const resumed = saved?.deployment === target.app && saved.workload === kind && 'controllerRevision' in saved.to ? saved : undefined;
  const savedTo = resumed && 'controllerRevision' in resumed.to ? resumed.to.controllerRevision : undefined;
  let intent: UndoPlan;
  let continued = false;
  if (resumed && current && current.name === savedTo) {
    // The interrupted run's write had landed (its revision is the current one): only the rollout to
    // wait for, and the stuck pods it may not have got to.
    intent = resumed;
    continued = true;
    await unstick(ctx, kind, target.app, current, revisions.find((r) => r.name === resumed.from.controllerRevision));
  } else {
    // Not landed: write the same revision again, while the workload is still where the interrupted
    // run found it; changed since (by someone else), plan afresh.
    const back = resumed && current?.name === resumed.from.controllerRevision ? revisions.find((r) => r.name === savedTo) : undefined;
    const plan = planRevisionUndo(w, revisions, back ? back.revision : input.toRevision);
    if ('error' in plan) return failed(plan.error, 'Nothing was changed.');
    const annotations = { 'hotfix-deployer.io/rolled-back-by': ctx.actor, 'hotfix-deployer.io/operation': run.operation };
    await cluster.workloads.restoreRevision(kind, target.namespace, target.app, plan.to, annotations, { dryRun: true });
    if (back && resumed) {
      intent = resumed;
      continued = true;
    } else {
      intent = {
        kind: 'undo',
        deployment: target.app,
        workload: kind,
        ...(input.toRevision !== undefined ? { requested: input.toRevision } : {}),
        from: { ...(plan.from ? { controllerRevision: plan.from.name, revision: plan.from.revision } : {}), images: w.containers.map((c) => c.image) },
        to: { controllerRevision: plan.to.name, revision: plan.to.revision, images: plan.to.images },
      };
      await run.begin(intent);
    }
    ctx.progress?.(`Rolling ${kind} ${target.app} back from revision ${intent.from.revision ?? '?'} to ${intent.to.revision} (${intent.to.images.join(', ')})`);
    await cluster.workloads.restoreRevision(kind, target.namespace, target.app, plan.to, annotations, { dryRun: false });
    await unstick(ctx, kind, target.app, plan.to, plan.from);
  }
  const what = `${continued ? CONTINUED : ''}rolled ${target.app} back from revision ${intent.from.revision ?? '?'} to the template of revision ${intent.to.revision} (${intent.to.images.join(', ')})`;
  if (input.immediate) return { ok: true, message: `${what}; the rollout continues in the cluster` };
  const waited = await waitForWorkload(ctx, kind, target.app, lock);
  return waited.ok ? { ok: true, message: `${what}; ${waited.value}` } : failed(`${what}, but ${waited.reason}`);
}

/** After a failed rollout or smoke check: the revision the deploy found, written back. Returns what it did. */
export async function restoreWorkloadAfterFailure(ctx: DeployContext, kind: InPlaceKind, state: DeployState, lock: DeployLock | undefined): Promise<string> {
  const { cluster, target } = ctx;
  const name = state.deployment ?? target.app;
  const before = state.before;
  const w = await observed(ctx, kind, name);
  if (!w || !before) return 'nothing to restore: the deploy had not changed the target';
  const revisions = await cluster.workloads.controllerRevisions(w);
  const current = currentRevision(w, revisions);
  if (before.controllerRevision !== undefined && current?.name === before.controllerRevision) return `${name} was not changed`;
  const back = revisions.find((r) => r.name === before.controllerRevision);
  if (back) {
    await cluster.workloads.restoreRevision(kind, target.namespace, name, back, { 'hotfix-deployer.io/operation': state.id }, { dryRun: false });
    await unstick(ctx, kind, name, back, current);
  } else {
    // The revision is gone (history limit): put the images back, which makes a new revision of them.
    await cluster.workloads.setImages(kind, target.namespace, name, { images: before.images, annotations: writeAnnotations(ctx, state) }, { dryRun: false });
  }
  const waited = await waitForWorkload(ctx, kind, name, lock);
  return `rolled ${name} back to revision ${before.revision ?? '?'} (${Object.values(before.images).join(', ')})${waited.ok ? `; ${waited.value}` : `, but ${waited.reason}`}`;
}

/** The workload once its controller has observed its latest spec (or as it is after OBSERVE_MS). */
async function observed(ctx: DeployContext, kind: InPlaceKind, name: string): Promise<WorkloadView | undefined> {
  const { cluster, clock, target } = ctx;
  const started = clock.now().getTime();
  for (;;) {
    const w = await cluster.workloads.getWorkload(kind, target.namespace, name);
    if (!w || w.status.observedGeneration >= w.generation || clock.now().getTime() - started > OBSERVE_MS) return w;
    await clock.sleep(ctx.pollMs ?? 500, ctx.signal);
  }
}

/**
 * A StatefulSet (OrderedReady) waits for a pod that never becomes Ready before it replaces it, so a
 * template put back does not reach a pod stuck on the bad one: Kubernetes' documented "forced
 * rollback" is to delete the pods it had already started with the bad template. Only those are
 * deleted (not Ready, on the revision rolled back from), once the controller has taken the restored
 * revision as its update revision, so each comes back on it.
 */
async function unstick(ctx: DeployContext, kind: InPlaceKind, name: string, to: ControllerRevisionView, from: ControllerRevisionView | undefined): Promise<void> {
  if (kind !== 'StatefulSet' || !from) return;
  const { cluster, clock, target } = ctx;
  const started = clock.now().getTime();
  for (;;) {
    const w = await cluster.workloads.getWorkload(kind, target.namespace, name);
    if (!w || w.kind !== 'StatefulSet') return;
    if (w.status.observedGeneration >= w.generation && w.status.updateRevision === to.name) {
      for (const pod of await cluster.workloads.pods(w)) {
        if (pod.ready || pod.revision !== from.name) continue;
        ctx.progress?.(`Deleting pod ${pod.name}: it never became ready on revision ${from.revision}, and the StatefulSet would wait for it forever (forced rollback)`);
        await cluster.workloads.deletePod(target.namespace, pod.name);
        await record(ctx, 'rollback.pod-deleted', { pod: pod.name, revision: from.revision, reason: 'not ready on the revision rolled back from (forced rollback)' });
      }
      return;
    }
    if (clock.now().getTime() - started > OBSERVE_MS) return;
    await clock.sleep(ctx.pollMs ?? 500, ctx.signal);
  }
}
