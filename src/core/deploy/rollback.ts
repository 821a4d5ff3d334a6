// Rollback, the fastest safe path for each strategy: rolling = `kubectl rollout undo` semantics
// (the previous revision's template and annotations, or --to-revision); blue-green = switch the
// Service back to the other colour (one API call); canary = abort an unfinished canary (traffic 0
// to it, stable restored), or undo a promoted one as rolling does. Also the automatic restore after
// a failed deploy.
//
// A rollback saves what it is going to write (rollback-state.ts) before its first write and marks it
// finished after its last step, so one killed half-way and run again continues to the same end state
// instead of computing "the previous revision" anew from a rollback that had landed (and undoing it).

import { remedy } from '../remedy';
import { failed, type Failed } from '../result';
import { record, type DeployContext } from './context';
import { protectionRefusal } from './guards';
import { abortCanaryRun, parkCanary } from './canary-finish';
import { acquireLock, type DeployLock } from './lock';
import { restoreHelm } from './helm';
import { helmRollback } from './helm-rollback';
import { isRefusal, type DeploymentView, type ServiceView } from './ports';
import { colours, planUndo, revisionOf, rolloutStatus, type Colour } from './rollout';
import { readUndo, undo } from './rollback-undo';
import { CONTINUED, resumable, rollbackKey, sameImages, type RollbackPlan, type RollbackState } from './rollback-state';
import { deployKey, type DeployState } from './state';
import { writeAnnotations } from './steps';
import { waitForRollout } from './wait';
import { freeAutoscalers, pinColour, restoreAutoscalers, restoreColours } from './autoscaler-pin';
import { restoreWorkloadAfterFailure } from './workload-rollback';
import { inPlaceKind } from './workload-steps';

export interface RollbackInput {
  /** A revision of the Deployment (rolling); default: the one before the current. */
  readonly toRevision?: number;
  /** Do not wait for the rolled-back version to be fully available. */
  readonly immediate?: boolean;
  readonly confirmed?: boolean;
}

export type RollbackOutcome = { readonly kind: 'rolled-back'; readonly message: string; readonly ms: number } | (Failed & { readonly kind: 'refused' });

const refused = (reason: string, hint?: string): RollbackOutcome => ({ ...failed(reason, hint), kind: 'refused' });


export async function rollback(ctx: DeployContext, input: RollbackInput = {}): Promise<RollbackOutcome> {
  const started = ctx.clock.now().getTime();
  const denied = protectionRefusal(ctx, input.confirmed, 'rolling back');
  if (denied) return { ...denied, kind: 'refused' };
  const { last, open, resuming } = await savedStates(ctx, input);
  const operation = open?.id ?? resuming?.id ?? globalThis.crypto.randomUUID();
  const strategy = open?.strategy === 'canary' || resuming?.plan.kind === 'abort' ? 'canary' : ctx.target.strategy;
  // The reads go out with the lock request (one round trip, not three); the write checks them (a
  // compare-and-swap on what was read), so a change in between is read again, under the lock.
  const reads = strategy === 'blue-green' ? readBlueGreen(ctx) : undefined;
  reads?.catch(() => undefined);
  const undoReads = strategy === 'rolling' && !ctx.target.helm && !inPlaceKind(ctx) ? readUndo(ctx) : undefined;
  undoReads?.catch(() => undefined);
  const lock = await acquireLock(ctx.cluster, ctx.clock, ctx.target.namespace, ctx.target.name, { holder: `${ctx.actor} on ${ctx.origin}`, operation });
  if (!lock.ok) return refused(lock.reason, lock.hint);
  const run = new Run(ctx, operation, last, resuming);
  let done: Done;
  try {
    done = ctx.target.helm
      ? await helmRollback(ctx, input, lock.value, run)
      : strategy === 'blue-green' ? await switchBack(ctx, input, run, reads) : strategy === 'canary' ? await canaryBack(ctx, input, lock.value, run, open) : await undo(ctx, input, lock.value, run, undoReads);
    if (done.ok && open) {
      await ctx.store.write(deployKey(ctx.target.name), { ...open, finishedAt: ctx.clock.now().toISOString(), outcome: 'rolled-back', rolledBack: done.message } satisfies DeployState);
    }
  } catch (error) {
    await lock.value.release().catch(() => undefined);
    throw error;
  }
  // The cluster is done with: its lock goes back while the audit line goes to the disk (an fsync).
  const released = lock.value.release().catch(() => undefined);
  try {
    if (done.ok) await record(ctx, 'rollback.done', { operation, message: done.message, immediate: input.immediate === true, ...(done.message.startsWith(CONTINUED) ? { continued: true } : {}) });
  } finally {
    await released;
  }
  if (!done.ok) return refused(done.reason, done.hint);
  // Last of all: until this is saved, running rollback again continues this one (and ends the same).
  await run.finish(done.message);
  return { kind: 'rolled-back', message: done.message, ms: ctx.clock.now().getTime() - started };
}

/** Aborts the target's unfinished canary; refused when none is unfinished (rollback would undo stable instead). */
export async function abortCanary(ctx: DeployContext, input: RollbackInput = {}): Promise<RollbackOutcome> {
  const { open, resuming } = await savedStates(ctx, input);
  // An abort killed after it saved the deploy as rolled back is finished by running it again.
  if (open?.strategy !== 'canary' && resuming?.plan.kind !== 'abort') return refused(`No canary deploy of ${ctx.target.name} is unfinished.`, 'To undo a finished deploy, use rollback.');
  return rollback(ctx, input);
}

export type Done = { readonly ok: true; readonly message: string } | Failed;

/** The target's last deploy (open when unfinished) and the saved rollback this run continues, if any. */
async function savedStates(ctx: DeployContext, input: RollbackInput): Promise<{ last?: DeployState; open?: DeployState; resuming?: RollbackState }> {
  const { target, cluster } = ctx;
  const [last, saved] = await Promise.all([ctx.store.read<DeployState>(deployKey(target.name)), ctx.store.read<RollbackState>(rollbackKey(target.name))]);
  const open = last && last.finishedAt === undefined ? last : undefined;
  const kinds: RollbackPlan['kind'][] = open?.strategy === 'canary' ? ['abort'] : target.strategy === 'blue-green' ? ['switch'] : target.strategy === 'canary' ? ['undo', 'abort'] : ['undo', 'helm'];
  const resuming = resumable(saved, last, {
    target: target.name,
    context: cluster.identity.context,
    namespace: target.namespace,
    kinds,
    ...(input.toRevision !== undefined ? { toRevision: input.toRevision } : {}),
  });
  return { ...(last ? { last } : {}), ...(open ? { open } : {}), ...(resuming ? { resuming } : {}) };
}

/** One rollback run: the saved rollback it continues, and what it saves before its first write. */
export class Run {
  private state: RollbackState | undefined;

  constructor(
    private readonly ctx: DeployContext,
    readonly operation: string,
    readonly last: DeployState | undefined,
    /** The unfinished saved rollback this run continues. */
    readonly resuming: RollbackState | undefined,
  ) {
    this.state = resuming;
  }

  /** The saved plan being continued, when it is of this kind. */
  resumed<K extends RollbackPlan['kind']>(kind: K): Extract<RollbackPlan, { kind: K }> | undefined {
    const plan = this.resuming?.plan;
    return plan?.kind === kind ? (plan as Extract<RollbackPlan, { kind: K }>) : undefined;
  }

  /** Saves what the rollback is about to write, before it writes anything (one local write). */
  async begin(plan: RollbackPlan): Promise<void> {
    const { ctx } = this;
    this.state = {
      version: 1,
      id: this.operation,
      target: ctx.target.name,
      context: ctx.cluster.identity.context,
      namespace: ctx.target.namespace,
      ...(this.last ? { of: this.last.id } : {}),
      startedAt: ctx.clock.now().toISOString(),
      actor: ctx.actor,
      plan,
    };
    await ctx.store.write(rollbackKey(ctx.target.name), this.state);
  }

  /** Marks the saved rollback finished: the next rollback is a new one. */
  async finish(message: string): Promise<void> {
    if (!this.state) return;
    await this.ctx.store.write(rollbackKey(this.ctx.target.name), { ...this.state, finishedAt: this.ctx.clock.now().toISOString(), message } satisfies RollbackState);
  }
}

async function canaryBack(ctx: DeployContext, input: RollbackInput, lock: DeployLock, run: Run, open: DeployState | undefined): Promise<Done> {
  if (open?.strategy === 'canary') {
    if (input.toRevision !== undefined) return failed('A revision does not apply to an unfinished canary: a rollback aborts it.', 'Roll back without a revision.', [remedy('rollback', { target: ctx.target.name })]);
    if (!run.resumed('abort')) await run.begin({ kind: 'abort', image: open.image });
    const at = open.canary && open.canary.index >= 0 ? ` at step ${open.canary.index + 1} of ${open.canary.steps.length} (${open.canary.weight}%)` : '';
    return { ok: true, message: `aborted the canary of ${open.image}${at}; ${await abortCanaryRun(ctx, open, lock)}` };
  }
  const aborted = run.resumed('abort');
  if (aborted) {
    // Killed after it had saved the deploy as rolled back: the abort was complete.
    return { ok: true, message: `${CONTINUED}${run.last?.rolledBack ?? `aborted the canary of ${aborted.image}`}` };
  }
  // A finished canary is a stable that was promoted: undo it as rolling does, and leave nothing on the canary.
  const undone = await undo(ctx, input, lock, run);
  if (!undone.ok) return undone;
  const parked = await parkCanary(ctx, { 'hotfix-deployer.io/rolled-back-by': ctx.actor, 'hotfix-deployer.io/operation': run.operation });
  if (!parked.ok) return { ok: true, message: `${undone.message}; the canary was left as it was: ${parked.reason}` };
  return { ok: true, message: [undone.message, ...parked.value].join('; ') };
}

async function switchBack(ctx: DeployContext, input: RollbackInput, run: Run, reads?: Promise<BlueGreenReads>): Promise<Done> {
  const { cluster, target } = ctx;
  const annotations = { 'hotfix-deployer.io/rolled-back-by': ctx.actor, 'hotfix-deployer.io/operation': run.operation };
  // The interrupted run's plan, while it stands; saved once this run is about to write.
  let plan = run.resumed('switch');
  let saved = plan !== undefined;
  const continued = () => (saved && run.resuming?.plan === plan ? CONTINUED : '');
  // Read with the lock being taken (rollback starts both); the switch is a compare-and-swap on the
  // Service's resourceVersion, so a change in between is caught: then everything is read again.
  for (let attempt = 0; ; attempt++) {
    const { service, blue, green } = attempt === 0 && reads ? await reads : await readBlueGreen(ctx);
    if (!service || !blue || !green) return failed(`${target.name} needs Service ${target.service} and Deployments ${target.app}-blue and ${target.app}-green in ${target.namespace}.`);
    const c = colours(service, blue, green);
    if ('error' in c) return failed(c.error);
    const of = (colour: Colour): DeploymentView => (colour === 'blue' ? blue : green);
    const images = (d: DeploymentView) => d.containers.map((x) => x.image);
    // A colour that runs something else now was deployed to since: the saved plan is stale.
    if (plan && !sameImages(images(of(plan.to)), plan.images)) {
      plan = undefined;
      saved = false;
    }
    if (plan && c.live === plan.to) {
      // The switch had landed (or someone made it meanwhile): the rollback is done, with no write.
      const freed = await restoreAutoscalers(ctx, undefined, [of(plan.to).name]);
      return { ok: true, message: [`${continued()}Service ${target.service} selects ${plan.to} (${plan.images.join(', ')}), switched back from ${plan.from}`, ...freed].join('; ') };
    }
    const to = plan?.to ?? c.idle;
    const back = of(to);
    const save = async () => {
      if (saved) return;
      plan = { kind: 'switch', service: target.service, from: c.live, to, images: images(back) };
      await run.begin(plan);
      saved = true;
    };
    // Ready means asked for replicas and all of them available, judged on a status the controller has
    // caught up with: right after a scale-down the status still shows the old available count.
    const live = of(c.live);
    // Fewer replicas than the live colour (its HPA scaled it down, or the live one's scaled up) would
    // take all the traffic on too few pods: never silently.
    const short = back.replicas < live.replicas;
    const complete = rolloutStatus(back).state === 'complete';
    if (back.replicas === 0 || short || !complete) {
      if (input.immediate) {
        const why =
          back.replicas > 0 && complete
            ? `${back.name} runs ${back.replicas} replicas and ${live.name} ${live.replicas}: switching to it now would put all of ${live.name}'s traffic on fewer replicas.`
            : `${back.name} is not fully available (${back.status.availableReplicas} of ${back.replicas}): switching to it now could drop traffic.`;
        return failed(why, `Roll back without immediate, to scale ${back.name} up to ${Math.max(back.replicas, live.replicas)} and wait first.`, [remedy('rollback', { target: ctx.target.name })]);
      }
      if (short) {
        await save();
        // Its HPA first: with no traffic yet it would shrink the colour back to its minimum.
        await pinColour(ctx, undefined, run.operation, back.name, live.replicas, 'for the switch back', { dryRun: false });
        ctx.progress?.(`Scaling ${back.name} up to ${live.replicas} before switching back`);
        await cluster.scale(target.namespace, back.name, live.replicas, { dryRun: false });
      }
      const waited = await waitForRollout(ctx, back.name, undefined);
      if (!waited.ok) return failed(`${back.name} did not become ready, so traffic stays on ${c.live}: ${waited.reason}`);
      continue; // read again after the wait
    }
    await save();
    // Its HPA, read beside the switch rather than after it (only this tool pins it, and it holds the
    // lock): the switch stays one round trip. A read that fails changes nothing about the switch.
    const held = cluster.autoscalers.autoscalersOf(target.namespace, back.name).catch(() => []);
    try {
      // The switch back restores the selector the deploy replaced (its switch was dry-run then):
      // the single atomic write is the whole rollback, the fastest safe path.
      await cluster.setServiceSelector(target.namespace, target.service, c.selectors[to], annotations, { dryRun: false }, service);
    } catch (error) {
      if (isRefusal(error, 409) && attempt < 3) continue;
      throw error;
    }
    // Live again: its HPA scales it within its own bounds (a pin held it for this rollback).
    const freed = await freeAutoscalers(ctx, await held);
    return { ok: true, message: [`${continued()}switched Service ${target.service} from ${c.live} back to ${to} (${images(back).join(', ')}) in one API call`, ...freed].join('; ') };
  }
}

export interface BlueGreenReads {
  readonly service?: ServiceView;
  readonly blue?: DeploymentView;
  readonly green?: DeploymentView;
}

/** The Service and both colours, read at once (the rollback, and the history of a blue-green target). */
export async function readBlueGreen(ctx: DeployContext): Promise<BlueGreenReads> {
  const { cluster, target } = ctx;
  const [service, blue, green] = await Promise.all([
    cluster.getService(target.namespace, target.service),
    cluster.getDeployment(target.namespace, `${target.app}-blue`),
    cluster.getDeployment(target.namespace, `${target.app}-green`),
  ]);
  return { ...(service ? { service } : {}), ...(blue ? { blue } : {}), ...(green ? { green } : {}) };
}

/** After a failed rollout or smoke check: put back what this deploy changed. Returns what it did. */
export async function restoreAfterFailure(ctx: DeployContext, state: DeployState, lock: DeployLock | undefined): Promise<string> {
  if (state.helm) return restoreHelm(ctx, { ...state, helm: state.helm }, lock);
  if (state.strategy === 'canary') return abortCanaryRun(ctx, state, lock);
  const inPlace = inPlaceKind(ctx);
  if (inPlace) return restoreWorkloadAfterFailure(ctx, inPlace, state, lock);
  const { cluster, target } = ctx;
  const name = state.deployment ?? target.app;
  const d = await cluster.getDeployment(target.namespace, name);
  const before = state.before;
  if (!d || !before) return 'nothing to restore: the deploy had not changed the target';
  if (state.strategy === 'blue-green') {
    // Traffic never left the live colour; put the idle one back as it was, for the next rollback.
    // Both HPAs first: a pinned minimum would scale the idle colour straight back up.
    const freed = await restoreColours(ctx, state);
    await cluster.setImages(target.namespace, name, { images: before.images, annotations: writeAnnotations(ctx, state) }, { dryRun: false });
    if (before.idleReplicas !== undefined && d.replicas !== before.idleReplicas) await cluster.scale(target.namespace, name, before.idleReplicas, { dryRun: false });
    return [`traffic stayed on ${target.app}-${before.liveColour ?? '?'}; ${name} was set back to ${Object.values(before.images).join(', ')}`, ...freed].join('; ');
  }
  if (revisionOf(d) === before.revision) return `${name} was not changed`;
  const plan = planUndo(d, await cluster.replicaSets(d), before.revision);
  if ('error' in plan) {
    await cluster.setImages(target.namespace, name, { images: before.images, annotations: writeAnnotations(ctx, state) }, { dryRun: false });
  } else {
    await cluster.replaceTemplate(target.namespace, name, plan.template, { ...plan.annotations, 'hotfix-deployer.io/operation': state.id }, { dryRun: false });
  }
  const waited = await waitForRollout(ctx, name, lock);
  return `rolled ${name} back to revision ${before.revision ?? '?'} (${Object.values(before.images).join(', ')})${waited.ok ? '' : `, but ${waited.reason}`}`;
}
