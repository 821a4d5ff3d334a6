// The deploy state machine: lock, preflight (with server-side dry-runs), update, rollout, smoke,
// switch (blue-green) or the traffic steps and promote (canary), release. State is saved after
// every step. A failed rollout, smoke check or canary gate restores the previous version
// automatically; an interruption (cancel, lost connection, crash) leaves a resumable state:
// deploy --continue picks it up, rollback undoes it.

import { checkImageReference } from '../image-ref';
import type { RolloutInfo } from '../rollouts/info';
import { remedy, type Remedy } from '../remedy';
import { failed, type Failed } from '../result';
import { record, type DeployContext } from './context';
import { preflightCanary, runCanarySteps, updateCanary } from './canary';
import { promoteCanaryStep } from './canary-finish';
import { acquireLock, isLockLost, type DeployLock } from './lock';
import { isRefusal } from './ports';
import { protectionRefusal, unfinished } from './guards';
import { retireStep } from './retire';
import { restoreAfterFailure } from './rollback';
import { preflight, rollout, smoke, switchTraffic, update } from './steps';
import { helmDeployedMessage, helmForDeploy, helmStep } from './helm';
import { deployKey, helmPlan, planFor, type DeployMeta, type DeployState, type DeployStep } from './state';

export interface DeployInput {
  readonly image: string;
  readonly meta?: DeployMeta;
  /** A protected target (production) needs the person's explicit confirmation. */
  readonly confirmed?: boolean;
}

/** `rollout`: an argo-rollout deploy's Rollout as it ended (rollouts/deploy.ts). */
export type DeployOutcome =
  | { readonly kind: 'deployed'; readonly state: DeployState; readonly message: string; readonly rollout?: RolloutInfo }
  | { readonly kind: 'rolled-back'; readonly state: DeployState; readonly reason: string; readonly message: string; readonly rollout?: RolloutInfo }
  | { readonly kind: 'stopped'; readonly state: DeployState; readonly reason: string; readonly rollout?: RolloutInfo }
  | (Failed & { readonly kind: 'refused' });

const refused = (reason: string, hint?: string, remedies?: readonly Remedy[]): DeployOutcome => ({ ...failed(reason, hint, remedies), kind: 'refused' });

export async function deploy(ctx: DeployContext, input: DeployInput): Promise<DeployOutcome> {
  const denied = protectionRefusal(ctx, input.confirmed, `deploying ${input.image}`);
  if (denied) return { ...denied, kind: 'refused' };
  const image = checkImageReference(input.image);
  if (!image.ok) return refused(image.reason, image.hint);
  const reach = await reachable(ctx);
  if (reach) return reach;
  const open = await unfinished(ctx);
  if (open) {
    return refused(
      `A ${open.strategy} deploy of ${open.image} to ${open.target} started ${open.startedAt} by ${open.actor} is unfinished (${open.stopped?.reason ?? 'interrupted'}).`,
      'Resume it, or undo it with a rollback.',
      [remedy('deploy', { target: ctx.target.name, continue: true }), remedy('rollback', { target: ctx.target.name })],
    );
  }
  // A Helm release is upgraded through helm (helm.ts); refused here, before any state or record, when it cannot be.
  const helm = await helmForDeploy(ctx, input.image);
  if (helm && !helm.ok) return { ...helm, kind: 'refused' };
  const state: DeployState = {
    version: 1,
    id: globalThis.crypto.randomUUID(),
    target: ctx.target.name,
    strategy: ctx.target.strategy,
    context: ctx.cluster.identity.context,
    namespace: ctx.target.namespace,
    image: input.image,
    startedAt: ctx.clock.now().toISOString(),
    actor: ctx.actor,
    meta: input.meta ?? {},
    plan: helm ? helmPlan(ctx.target.smoke !== undefined) : planFor(ctx.target.strategy, ctx.target.smoke !== undefined, ctx.target.keepOldForMs === 0),
    done: [],
    ...(helm ? { helm: helm.value } : {}),
  };
  await ctx.store.write(deployKey(ctx.target.name), state);
  await record(ctx, 'deploy.start', { image: input.image, strategy: state.strategy, operation: state.id });
  return drive(ctx, state);
}

/** The cluster answers and the target's namespace exists: checked before any state or lock is written. */
async function reachable(ctx: DeployContext): Promise<DeployOutcome | undefined> {
  const { cluster, target } = ctx;
  try {
    if (await cluster.namespaceExists(target.namespace)) return undefined;
    return refused(`Namespace ${target.namespace} does not exist in context ${cluster.identity.context} (${cluster.identity.server}).`, `Check targets.${target.name}.namespace and the kube context.`);
  } catch (error) {
    return refused(`Cannot reach the cluster of context ${cluster.identity.context} (${cluster.identity.server}): ${error instanceof Error ? error.message : String(error)}`, 'Check the kube context, your VPN and credentials.');
  }
}

export async function continueDeploy(ctx: DeployContext, confirmed?: boolean): Promise<DeployOutcome> {
  const state = await unfinished(ctx);
  if (!state) return refused(`No deploy of ${ctx.target.name} is unfinished.`, 'Start one with deploy.');
  const denied = protectionRefusal(ctx, confirmed, `resuming the deploy of ${state.image}`);
  if (denied) return { ...denied, kind: 'refused' };
  await record(ctx, 'deploy.continue', { operation: state.id, step: state.stopped?.step ?? '' });
  return drive(ctx, state);
}

/** Skips a canary's remaining steps and promotes it now: stable takes the new image, the canary goes to 0. */
export async function promoteCanary(ctx: DeployContext, confirmed?: boolean): Promise<DeployOutcome> {
  const state = await unfinished(ctx);
  if (!state || state.strategy !== 'canary') return refused(`No canary deploy of ${ctx.target.name} is unfinished.`, 'Start one with deploy (strategy canary).');
  if (!state.canary) return refused(`The canary of ${state.image} on ${ctx.target.name} has not reached its traffic steps yet.`, 'Resume it, or undo it with a rollback.', [remedy('deploy', { target: ctx.target.name, continue: true }), remedy('rollback', { target: ctx.target.name })]);
  const denied = protectionRefusal(ctx, confirmed, `promoting the canary of ${state.image}`);
  if (denied) return { ...denied, kind: 'refused' };
  const next: DeployState = { ...state, canary: { ...state.canary, promote: true } };
  await ctx.store.write(deployKey(ctx.target.name), next);
  await record(ctx, 'deploy.canary.promote', { operation: state.id, step: state.canary.index + 1, weight: state.canary.weight });
  ctx.progress?.(`Promoting the canary of ${state.image} at step ${state.canary.index + 1} of ${state.canary.steps.length} (${state.canary.weight}%)`);
  return drive(ctx, next);
}

async function drive(ctx: DeployContext, initial: DeployState): Promise<DeployOutcome> {
  let state = initial;
  let lock: DeployLock | undefined;
  const save = async (next: DeployState) => {
    state = next;
    await ctx.store.write(deployKey(ctx.target.name), state);
  };
  const takeLock = async (): Promise<DeployOutcome | undefined> => {
    const acquired = await acquireLock(ctx.cluster, ctx.clock, ctx.target.namespace, ctx.target.name, { holder: `${ctx.actor} on ${ctx.origin}`, operation: state.id });
    if (!acquired.ok) return refused(acquired.reason, acquired.hint);
    lock = acquired.value;
    return undefined;
  };

  // Resuming after the lock was taken: take it back first (the same operation may).
  if (state.done.includes('lock') && !state.done.includes('release')) {
    const denied = await takeLock();
    if (denied) return denied;
  }

  for (const step of state.plan) {
    if (state.done.includes(step)) continue;
    let result;
    try {
      if (step === 'lock') {
        const denied = await takeLock();
        if (denied) {
          await save({ ...state, finishedAt: ctx.clock.now().toISOString(), outcome: 'failed', stopped: { step, reason: denied.kind === 'refused' ? denied.reason : '', at: ctx.clock.now().toISOString() } });
          return denied;
        }
        result = { ok: true as const, value: state };
      } else {
        result = await runStep(ctx, state, step, lock, save);
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (isLockLost(error)) {
        // Another process took this operation over: it owns the state and the target now.
        return { kind: 'stopped', state, reason: `Stopped at ${step}: ${reason}` };
      }
      if (isRefusal(error) && (step === 'lock' || step === 'preflight')) {
        // The server refused before anything was written (forbidden, invalid): nothing to resume.
        return fail(ctx, state, 'preflight', reason, 'Nothing was changed.', lock, save);
      }
      if (isRefusal(error)) {
        return fail(ctx, state, step, reason, undefined, lock, save);
      }
      // Cancelled, or the cluster could not be reached: stop where we are, resumable.
      await save({ ...state, stopped: { step, reason, at: ctx.clock.now().toISOString() } });
      await lock?.release().catch(() => undefined);
      await record(ctx, 'deploy.stopped', { operation: state.id, step, reason: reason.slice(0, 300) });
      return { kind: 'stopped', state, reason: `Stopped at ${step}: ${reason}` };
    }
    if (!result.ok) {
      return fail(ctx, state, step, result.reason, result.hint, lock, save);
    }
    const { stopped: _stopped, ...rest } = result.value;
    await save({ ...rest, done: [...state.done, step] });
    await record(ctx, `deploy.${step}`, { operation: state.id, image: state.image });
  }
  await lock?.release();
  await save({ ...state, finishedAt: ctx.clock.now().toISOString(), outcome: 'deployed' });
  const where = `${ctx.cluster.identity.context}/${ctx.target.namespace}`;
  const message = state.helm
    ? helmDeployedMessage({ ...state, helm: state.helm }, where)
    : state.strategy === 'blue-green'
      ? `${state.image} is live on ${state.deployment ?? ''} in ${where}; ${ctx.target.app}-${state.before?.liveColour ?? '?'} ${state.retiredAt ? 'was scaled down (keepOldFor: 0)' : `stays scaled for an instant rollback until ${new Date(ctx.clock.now().getTime() + ctx.target.keepOldForMs).toISOString()} (then retired: scaled down)`}.`
      : state.strategy === 'canary'
        ? canaryMessage(state, where)
        : `${state.deployment ?? ctx.target.app} in ${where} runs ${state.image}${state.rollout ? ` (${state.rollout})` : ''}.`;
  await record(ctx, 'deploy.done', { operation: state.id, image: state.image });
  return { kind: 'deployed', state, message };
}

function canaryMessage(state: DeployState, where: string): string {
  const app = state.deployment ?? '';
  const c = state.canary;
  const path = !c
    ? 'promoted'
    : c.promote
      ? c.index < 0
        ? 'promoted before its first step'
        : `promoted early, at step ${c.index + 1} of ${c.steps.length} (${c.steps[c.index] ?? 0}%)`
      : `promoted after steps ${c.steps.join(', ')}%`;
  return `${app} in ${where} runs ${state.image}: the canary was ${path}; ${app}-canary is scaled to 0 and all traffic is on ${app}.`;
}

function runStep(ctx: DeployContext, state: DeployState, step: DeployStep, lock: DeployLock | undefined, save: (s: DeployState) => Promise<void>) {
  if (state.helm && (step === 'preflight' || step === 'update')) return helmStep(ctx, { ...state, helm: state.helm }, step, lock);
  const canary = state.strategy === 'canary';
  switch (step) {
    case 'preflight':
      return canary ? preflightCanary(ctx, state) : preflight(ctx, state);
    case 'update':
      return canary ? updateCanary(ctx, state) : update(ctx, state);
    case 'canary':
      return runCanarySteps(ctx, state, lock, save);
    case 'promote':
      return promoteCanaryStep(ctx, state, lock, save);
    case 'rollout':
      return rollout(ctx, state, lock);
    case 'smoke':
      return smoke(ctx, state);
    case 'switch':
      return switchTraffic(ctx, state);
    case 'retire':
      return retireStep(ctx, state);
    case 'release':
      return lock ? lock.release().then(() => ({ ok: true as const, value: state })) : Promise.resolve({ ok: true as const, value: state });
    default:
      throw new Error(`unknown deploy step ${step}`);
  }
}

async function fail(
  ctx: DeployContext,
  state: DeployState,
  step: DeployStep,
  reason: string,
  hint: string | undefined,
  lock: DeployLock | undefined,
  save: (s: DeployState) => Promise<void>,
): Promise<DeployOutcome> {
  const at = ctx.clock.now().toISOString();
  await record(ctx, 'deploy.failed', { operation: state.id, step, reason: reason.slice(0, 300) });
  if (step === 'preflight') {
    // Nothing was written: the target is as it was.
    await lock?.release();
    await save({ ...state, finishedAt: at, outcome: 'failed', stopped: { step, reason, at } });
    return refused(reason, hint);
  }
  ctx.progress?.(`${reason} Restoring the previous version.`);
  const restored = await restoreAfterFailure(ctx, state, lock);
  await lock?.release();
  await save({ ...state, finishedAt: ctx.clock.now().toISOString(), outcome: 'rolled-back', rolledBack: restored, stopped: { step, reason, at } });
  await record(ctx, 'deploy.rolled-back', { operation: state.id, step, restored });
  return { kind: 'rolled-back', state, reason, message: restored };
}
