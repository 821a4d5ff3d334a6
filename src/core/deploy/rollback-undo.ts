// A rolling rollback's undo (`kubectl rollout undo` semantics): planned from one read of the Deployment
// and its ReplicaSets, written as a compare-and-swap on that read, saved (rollback-state.ts) before its
// write so a run killed half-way continues to the same end. Which revision runs is judged by template
// (rollout.ts runningTemplate), a paused Deployment is resumed by the same write, and a template the
// Deployment already has is skipped, as kubectl skips it. Part of rollback.ts, which starts it.

import { failed, type Failed } from '../result';
import type { DeployContext } from './context';
import type { DeployLock } from './lock';
import { helmRollback } from './helm-rollback';
import { helmReleaseOf } from './helm-values';
import { isRefusal, type DeploymentView, type ReplicaSetView } from './ports';
import { hasTemplateOf, planUndo, runningTemplate } from './rollout';
import { CONTINUED, type RollbackPlan } from './rollback-state';
import type { Done, RollbackInput, Run } from './rollback';
import { waitForRollout } from './wait';
import { undoWorkload } from './workload-rollback';
import { inPlaceKind } from './workload-steps';

export interface UndoReads {
  readonly d?: DeploymentView;
  readonly replicaSets: readonly ReplicaSetView[];
}

/** The Deployment and its ReplicaSets, the two reads an undo plans from. */
export async function readUndo(ctx: DeployContext): Promise<UndoReads> {
  const d = await ctx.cluster.getDeployment(ctx.target.namespace, ctx.target.app);
  return d ? { d, replicaSets: await ctx.cluster.replicaSets(d) } : { replicaSets: [] };
}

export async function undo(ctx: DeployContext, input: RollbackInput, lock: DeployLock, run: Run, reads?: Promise<UndoReads>): Promise<Done> {
  const inPlace = inPlaceKind(ctx);
  if (inPlace) return undoWorkload(ctx, inPlace, input, lock, run);
  const { cluster, target } = ctx;
  // The first reads went out with the lock request, and the write is a compare-and-swap on them: a
  // Deployment that moved since (a writer, its controller's status) is read again, under the lock, and
  // swapped once more. A rollout in progress keeps changing the status, so the third time reads and
  // writes without the condition, as under the lock alone (which keeps other deploys and rollbacks out).
  for (let attempt = 0; ; attempt++) {
    const { d, replicaSets } = attempt === 0 && reads ? await reads : await readUndo(ctx);
    if (!d) return failed(`Deployment ${target.namespace}/${target.app} was not found in context ${cluster.identity.context}.`);
    // Installed by Helm (its annotations, on the Deployment read anyway): helm rollback, so helm history agrees.
    const release = target.strategy === 'rolling' ? helmReleaseOf(target, d.annotations) : undefined;
    if (release) return helmRollback(ctx, input, lock, run, d, release);
    const done = await undoFrom(ctx, input, lock, run, d, replicaSets, attempt < 2 ? d : undefined);
    if (done !== MOVED) return done;
  }
}

/** Where an undo comes from: a revision, or a template its controller had not rolled out. */
const fromWhat = (intent: Extract<RollbackPlan, { kind: 'undo' }>): string =>
  intent.from.revision !== undefined ? `revision ${intent.from.revision}` : intent.from.replicaSet === undefined ? `${intent.from.images.join(', ')} (not rolled out yet)` : 'revision ?';

/** A compare-and-swap write refused: the Deployment moved since it was read (409). */
const MOVED = Symbol('moved');

/** Runs a compare-and-swap write: false when the object moved since it was read; other refusals are thrown. */
async function swapped(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isRefusal(error, 409)) return false;
    throw error;
  }
}

/** The undo planned from one read of the Deployment and its ReplicaSets; with `expected`, written only over that read. */
async function undoFrom(
  ctx: DeployContext,
  input: RollbackInput,
  lock: DeployLock,
  run: Run,
  d: DeploymentView,
  replicaSets: readonly ReplicaSetView[],
  expected: DeploymentView | undefined,
): Promise<Done | typeof MOVED> {
  const done = await undoWrite(ctx, input, run, d, replicaSets, expected);
  if (done === MOVED || !done.ok) return done;
  if (input.immediate) return { ok: true, message: done.pending ? `${done.message}; the rollout continues in the cluster` : done.message };
  const waited = await waitForRollout(ctx, ctx.target.app, lock);
  return waited.ok ? { ok: true, message: `${done.message}; ${waited.value}` } : failed(`${done.message}, but ${waited.reason}`);
}

/** What the undo wrote (or found written), in words, and whether a rollout of it may still be on its way. */
type Written = { readonly ok: true; readonly message: string; readonly pending: boolean } | Failed;

async function undoWrite(
  ctx: DeployContext,
  input: RollbackInput,
  run: Run,
  d: DeploymentView,
  replicaSets: readonly ReplicaSetView[],
  expected: DeploymentView | undefined,
): Promise<Written | typeof MOVED> {
  const { cluster, target } = ctx;
  // What runs, which its revision annotation alone can misname: rollout.ts runningTemplate.
  const { current, unrolled } = runningTemplate(d, replicaSets);
  const saved = run.resumed('undo');
  const resumed = saved?.deployment === target.app ? saved : undefined;
  const rolled = (intent: Extract<RollbackPlan, { kind: 'undo' }>, continued: boolean, unpaused: boolean) =>
    `${continued ? CONTINUED : ''}rolled ${target.app} back from ${fromWhat(intent)} to the template of revision ${intent.to.revision} (${intent.to.images.join(', ')})${unpaused ? '; it was paused and is resumed' : ''}`;
  if (resumed && (current?.name === resumed.to.replicaSet || hasTemplateOf(d, replicaSets.find((rs) => rs.name === resumed.to.replicaSet)))) {
    // The interrupted run's write had landed (its template is the Deployment's, its controller may not
    // have made it the current revision yet): nothing to write again, only the rollout to wait for.
    return { ok: true, message: rolled(resumed, true, false), pending: true };
  }
  // Not landed yet: write the same template again. The saved plan stands only while the Deployment
  // is still where the interrupted run found it; changed since (by someone else), plan afresh.
  const back = resumed && current?.name === resumed.from.replicaSet ? replicaSets.find((rs) => rs.name === resumed.to.replicaSet) : undefined;
  const plan = planUndo(d, replicaSets, back ? back.revision : input.toRevision);
  if ('error' in plan) return failed(plan.error, 'Nothing was changed.');
  if (plan.unchanged && d.paused !== true) {
    // Someone's rollback on its way, or the revision it runs asked for by number: as kubectl, skipped.
    // Paused, that rollback would never roll out: the write below resumes it.
    return { ok: true, message: `skipped: ${target.app} already has the template of revision ${plan.toRevision} (${plan.images.join(', ')}), so nothing was written`, pending: d.status.observedGeneration < d.generation };
  }
  const annotations = { ...plan.annotations, 'hotfix-deployer.io/rolled-back-by': ctx.actor, 'hotfix-deployer.io/operation': run.operation };
  // Paused (kubectl rollout pause, maybe to stop this very rollout): the undo would never roll out,
  // so the same write resumes it, and the controller goes straight to the template written back.
  const resume = d.paused === true;
  if (!(await swapped(() => cluster.replaceTemplate(target.namespace, target.app, plan.template, annotations, { dryRun: true, resume }, expected)))) return MOVED;
  let intent: Extract<RollbackPlan, { kind: 'undo' }>;
  if (back && resumed) {
    intent = resumed;
  } else {
    const to = replicaSets.find((rs) => rs.revision === plan.toRevision);
    intent = {
      kind: 'undo',
      deployment: target.app,
      ...(input.toRevision !== undefined ? { requested: input.toRevision } : {}),
      from: { ...(current && !unrolled ? { replicaSet: current.name } : {}), ...(plan.fromRevision !== undefined ? { revision: plan.fromRevision } : {}), images: d.containers.map((c) => c.image) },
      to: { replicaSet: to?.name ?? '', revision: plan.toRevision, images: plan.images },
    };
    await run.begin(intent);
  }
  ctx.progress?.(`Rolling ${target.app} back from ${fromWhat(intent)} to revision ${intent.to.revision} (${intent.to.images.join(', ')})${resume ? ', resuming it (it is paused)' : ''}`);
  if (!(await swapped(() => cluster.replaceTemplate(target.namespace, target.app, plan.template, annotations, { dryRun: false, resume }, expected)))) return MOVED;
  return { ok: true, message: rolled(intent, Boolean(back && resumed), resume), pending: true };
}
