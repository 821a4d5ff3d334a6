// The verbs of `kubectl argo rollouts` on a target's Rollout: promote (--full), abort, retry, pause,
// resume, undo (--to-revision) and restart, each sent as the plugin sends it (patches.ts), audited,
// and refused with the reason when it would do nothing (promote a Healthy Rollout, retry one that is
// not aborted), before anything is written.

import { record, type DeployContext } from '../deploy/context';
import { protectionRefusal } from '../deploy/guards';
import { isRefusal } from '../deploy/ports';
import { failed, type Failed } from '../result';
import { readRollout, statusLine, stepLine, type RolloutInfo, type RolloutRead } from './info';
import { abortWrites, pauseWrites, promoteWrites, restartWrites, resumeWrites, retryWrites, type VerbWrites } from './patches';
import { planUndo, type UndoPlan } from './undo';

export type RolloutAction = 'promote' | 'promote-full' | 'abort' | 'retry' | 'pause' | 'resume' | 'undo' | 'restart';
export const ROLLOUT_ACTIONS: readonly RolloutAction[] = ['promote', 'promote-full', 'abort', 'retry', 'pause', 'resume', 'undo', 'restart'];

export type ActionOutcome =
  | { readonly kind: 'done'; readonly action: RolloutAction; readonly message: string; readonly info: RolloutInfo; readonly before: RolloutInfo; readonly undo?: UndoPlan }
  | (Failed & { readonly kind: 'refused' });

const refused = (reason: string, hint?: string): ActionOutcome => ({ ...failed(reason, hint), kind: 'refused', failure: 'input' });

export const rolloutOf = (ctx: DeployContext): string => ctx.target.rollout ?? ctx.target.app;

/** The Rollout is between revisions: a canary or preview is up beside stable. */
export const updating = (read: RolloutRead): boolean => read.view.status.currentPodHash !== undefined && read.view.status.currentPodHash !== read.view.status.stableRS;

/** Sends one verb's writes: the status patch first, its unified form on the main resource when the status subresource 404s, then the spec patch. */
export async function send(ctx: DeployContext, name: string, writes: VerbWrites): Promise<void> {
  const rollouts = ctx.cluster.rollouts;
  let spec = writes.spec;
  if (writes.status) {
    try {
      await rollouts.patchRollout(ctx.target.namespace, name, writes.status, { dryRun: false });
    } catch (error) {
      if (!isRefusal(error, 404) || !writes.unified) throw error;
      spec = writes.unified;
    }
  }
  if (spec) await rollouts.patchRollout(ctx.target.namespace, name, spec, { dryRun: false });
}

/** Why the verb would do nothing here; undefined when it applies. */
function pointless(action: RolloutAction, read: RolloutRead): string | undefined {
  const { view, info } = read;
  const where = `Rollout ${view.name} is ${statusLine(info)}`;
  switch (action) {
    case 'promote':
      return !updating(read) && !view.paused && view.status.pauseConditions.length === 0 ? `${where}: there is no paused step or update to promote.` : undefined;
    case 'promote-full':
      return !updating(read) && !view.paused ? `${where}: its desired revision already is stable, nothing to promote.` : undefined;
    case 'abort':
      return view.status.abort ? `${where}: it is already aborted.` : !updating(read) ? `${where}: no update is in progress to abort.` : undefined;
    case 'retry':
      return !view.status.abort ? `${where}: it is not aborted, so there is nothing to retry.` : undefined;
    case 'pause':
      return view.paused ? `${where}: it is already paused by hand.` : undefined;
    case 'resume':
      return !view.paused
        ? `${where}: it is not paused by hand${view.status.pauseConditions.length > 0 ? ` (it waits at ${view.status.pauseConditions.map((c) => c.reason).join(', ')}: promote moves it on)` : ''}.`
        : undefined;
    default:
      return undefined;
  }
}

const DOING: Readonly<Record<RolloutAction, string>> = {
  promote: 'promoting',
  'promote-full': 'fully promoting',
  abort: 'aborting',
  retry: 'retrying',
  pause: 'pausing',
  resume: 'resuming',
  undo: 'undoing',
  restart: 'restarting',
};

const done: Readonly<Record<RolloutAction, string>> = {
  promote: 'promoted',
  'promote-full': 'fully promoted (steps, pauses and analysis skipped)',
  abort: 'aborted: traffic back to stable, the canary scaled down',
  retry: 'retried: the aborted update starts again',
  pause: 'paused',
  resume: 'resumed',
  undo: 'undone',
  restart: 'restarting (its pods are replaced one at a time)',
};

export async function rolloutAction(ctx: DeployContext, action: RolloutAction, input: { readonly toRevision?: number; readonly confirmed?: boolean; readonly reason?: string } = {}): Promise<ActionOutcome> {
  const denied = protectionRefusal(ctx, input.confirmed, `${DOING[action]} Rollout ${rolloutOf(ctx)}`);
  if (denied) return { ...denied, kind: 'refused' };
  const name = rolloutOf(ctx);
  const read = await readRollout(ctx.cluster.rollouts, ctx.target.namespace, name);
  if (!read) return refused(`There is no Argo Rollout ${name} in ${ctx.target.namespace} (context ${ctx.cluster.identity.context}).`, `Check targets.${ctx.target.name}.app.`);
  if (input.toRevision !== undefined && action !== 'undo') return refused(`A revision only goes with undo, not ${action}.`, 'Leave the revision out, or undo.');
  const idle = pointless(action, read);
  if (idle) return refused(idle, action === 'resume' ? 'Promote it to move past its own pause.' : undefined);
  let undo: UndoPlan | undefined;
  if (action === 'undo') {
    const plan = planUndo(read, input.toRevision);
    if (typeof plan === 'string') return refused(plan, 'Pick a revision history lists.');
    undo = plan;
    await writeUndo(ctx, name, plan);
  } else {
    await send(ctx, name, writesFor(action, read, ctx.clock.now()));
  }
  const after = (await readRollout(ctx.cluster.rollouts, ctx.target.namespace, name)) ?? read;
  await record(ctx, `rollout.${action}`, {
    rollout: name,
    phase: read.info.phase,
    ...(read.info.stepIndex !== undefined ? { step: read.info.stepIndex } : {}),
    ...(undo ? { toRevision: undo.rs.revision, skipsSteps: undo.skipsSteps } : {}),
    ...(input.reason ? { reason: input.reason.slice(0, 300) } : {}),
  });
  const where = `${ctx.cluster.identity.context}/${ctx.target.namespace}`;
  const what = undo ? `undone to revision ${undo.rs.revision} (${undo.rs.images.join(', ')}): ${undo.willRun}` : done[action];
  const at = !undo && read.info.strategy === 'canary' && read.info.stepIndex !== undefined ? ` was at ${stepLine(read.info)};` : '';
  return { kind: 'done', action, message: `Rollout ${name} in ${where}${at} ${what}.`, info: after.info, before: read.info, ...(undo ? { undo } : {}) };
}

function writesFor(action: Exclude<RolloutAction, 'undo'>, read: RolloutRead, now: Date): VerbWrites {
  switch (action) {
    case 'promote':
      return promoteWrites(read.view, false);
    case 'promote-full':
      return promoteWrites(read.view, true);
    case 'abort':
      return abortWrites();
    case 'retry':
      return retryWrites();
    case 'pause':
      return pauseWrites();
    case 'resume':
      return resumeWrites();
    case 'restart':
      return restartWrites(now);
  }
}

/** undo.go: the JSON patch to the Rollout, or to the Deployment or ReplicaSet its workloadRef names. */
export async function writeUndo(ctx: DeployContext, name: string, plan: UndoPlan): Promise<void> {
  const ns = ctx.target.namespace;
  if (plan.to.kind === 'Rollout') await ctx.cluster.rollouts.patchRollout(ns, name, plan.patch, { dryRun: false });
  else await ctx.cluster.rollouts.patchReferenced(ns, plan.to.kind, plan.to.name, plan.patch, { dryRun: false });
}
