// Rollback, the fastest safe path for each strategy: rolling = `kubectl rollout undo` semantics
// (the previous revision's template and annotations, or --to-revision); blue-green = switch the
// Service back to the other colour (one API call); canary = abort an unfinished canary (traffic 0
// to it, stable restored), or undo a promoted one as rolling does. Also the automatic restore after
// a failed deploy.

import { failed, type Failed } from '../result';
import { record, type DeployContext } from './context';
import { protectionRefusal, unfinished } from './guards';
import { abortCanaryRun, parkCanary } from './canary-finish';
import { acquireLock, type DeployLock } from './lock';
import { isRefusal, type DeploymentView, type ServiceView } from './ports';
import { colours, planUndo, revisionOf, rolloutStatus } from './rollout';
import { deployKey, type DeployState } from './state';
import { writeAnnotations } from './steps';
import { waitForRollout } from './wait';

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
  const open = await unfinished(ctx);
  const operation = open?.id ?? globalThis.crypto.randomUUID();
  const strategy = open?.strategy === 'canary' ? 'canary' : ctx.target.strategy;
  // Blue-green: the reads go out with the lock request (one round trip, not two); the switch checks them.
  const reads = strategy === 'blue-green' ? readBlueGreen(ctx) : undefined;
  reads?.catch(() => undefined);
  const lock = await acquireLock(ctx.cluster, ctx.clock, ctx.target.namespace, ctx.target.name, { holder: `${ctx.actor} on ${ctx.origin}`, operation });
  if (!lock.ok) return refused(lock.reason, lock.hint);
  try {
    const done =
      strategy === 'blue-green' ? await switchBack(ctx, input, operation, reads) : strategy === 'canary' ? await canaryBack(ctx, input, lock.value, operation, open) : await undo(ctx, input, lock.value, operation);
    if (!done.ok) return refused(done.reason, done.hint);
    if (open) {
      await ctx.store.write(deployKey(ctx.target.name), { ...open, finishedAt: ctx.clock.now().toISOString(), outcome: 'rolled-back', rolledBack: done.message } satisfies DeployState);
    }
    await record(ctx, 'rollback.done', { operation, message: done.message, immediate: input.immediate === true });
    return { kind: 'rolled-back', message: done.message, ms: ctx.clock.now().getTime() - started };
  } finally {
    await lock.value.release().catch(() => undefined);
  }
}

/** Aborts the target's unfinished canary; refused when none is unfinished (rollback would undo stable instead). */
export async function abortCanary(ctx: DeployContext, input: RollbackInput = {}): Promise<RollbackOutcome> {
  const open = await unfinished(ctx);
  if (open?.strategy !== 'canary') return refused(`No canary deploy of ${ctx.target.name} is unfinished.`, 'To undo a finished deploy, use rollback.');
  return rollback(ctx, input);
}

type Done = { readonly ok: true; readonly message: string } | Failed;

async function canaryBack(ctx: DeployContext, input: RollbackInput, lock: DeployLock, operation: string, open: DeployState | undefined): Promise<Done> {
  if (open?.strategy === 'canary') {
    if (input.toRevision !== undefined) return failed('--version does not apply to an unfinished canary: rollback aborts it.', 'Run rollback without --version.');
    const at = open.canary && open.canary.index >= 0 ? ` at step ${open.canary.index + 1} of ${open.canary.steps.length} (${open.canary.weight}%)` : '';
    return { ok: true, message: `aborted the canary of ${open.image}${at}; ${await abortCanaryRun(ctx, open, lock)}` };
  }
  // A finished canary is a stable that was promoted: undo it as rolling does, and leave nothing on the canary.
  const undone = await undo(ctx, input, lock, operation);
  if (!undone.ok) return undone;
  const parked = await parkCanary(ctx, { 'hotfix-deployer.io/rolled-back-by': ctx.actor, 'hotfix-deployer.io/operation': operation });
  if (!parked.ok) return { ok: true, message: `${undone.message}; the canary was left as it was: ${parked.reason}` };
  return { ok: true, message: [undone.message, ...parked.value].join('; ') };
}

async function undo(ctx: DeployContext, input: RollbackInput, lock: DeployLock, operation: string): Promise<Done> {
  const { cluster, target } = ctx;
  const d = await cluster.getDeployment(target.namespace, target.app);
  if (!d) return failed(`Deployment ${target.namespace}/${target.app} was not found in context ${cluster.identity.context}.`);
  const plan = planUndo(d, await cluster.replicaSets(d), input.toRevision);
  if ('error' in plan) return failed(plan.error, 'Nothing was changed.');
  await cluster.replaceTemplate(target.namespace, target.app, plan.template, { ...plan.annotations, 'hotfix-deployer.io/rolled-back-by': ctx.actor, 'hotfix-deployer.io/operation': operation }, { dryRun: true });
  ctx.progress?.(`Rolling ${target.app} back from revision ${plan.fromRevision ?? '?'} to ${plan.toRevision} (${plan.images.join(', ')})`);
  await cluster.replaceTemplate(target.namespace, target.app, plan.template, { ...plan.annotations, 'hotfix-deployer.io/rolled-back-by': ctx.actor, 'hotfix-deployer.io/operation': operation }, { dryRun: false });
  const what = `rolled ${target.app} back from revision ${plan.fromRevision ?? '?'} to the template of revision ${plan.toRevision} (${plan.images.join(', ')})`;
  if (input.immediate) return { ok: true, message: `${what}; the rollout continues in the cluster` };
  const waited = await waitForRollout(ctx, target.app, lock);
  return waited.ok ? { ok: true, message: `${what}; ${waited.value}` } : failed(`${what}, but ${waited.reason}`);
}

async function switchBack(ctx: DeployContext, input: RollbackInput, operation: string, reads?: Promise<BlueGreenReads>): Promise<Done> {
  const { cluster, target } = ctx;
  const annotations = { 'hotfix-deployer.io/rolled-back-by': ctx.actor, 'hotfix-deployer.io/operation': operation };
  // Read with the lock being taken (rollback starts both); the switch is a compare-and-swap on the
  // Service's resourceVersion, so a change in between is caught: then everything is read again.
  for (let attempt = 0; ; attempt++) {
    const { service, blue, green } = attempt === 0 && reads ? await reads : await readBlueGreen(ctx);
    if (!service || !blue || !green) return failed(`${target.name} needs Service ${target.service} and Deployments ${target.app}-blue and ${target.app}-green in ${target.namespace}.`);
    const c = colours(service, blue, green);
    if ('error' in c) return failed(c.error);
    const back: DeploymentView = c.idle === 'blue' ? blue : green;
    // Ready means asked for replicas and all of them available, judged on a status the controller has
    // caught up with: right after a scale-down the status still shows the old available count.
    if (back.replicas === 0 || rolloutStatus(back).state !== 'complete') {
      if (input.immediate) return failed(`${back.name} is not fully available (${back.status.availableReplicas} of ${back.replicas}): switching to it now could drop traffic.`, 'Run rollback without --immediate to scale it up and wait first.');
      const live = c.live === 'blue' ? blue : green;
      if (back.replicas < live.replicas) {
        ctx.progress?.(`Scaling ${back.name} up to ${live.replicas} before switching back`);
        await cluster.scale(target.namespace, back.name, live.replicas, { dryRun: false });
      }
      const waited = await waitForRollout(ctx, back.name, undefined);
      if (!waited.ok) return failed(`${back.name} did not become ready, so traffic stays on ${c.live}: ${waited.reason}`);
      continue; // read again after the wait
    }
    try {
      // The switch back restores the selector the deploy replaced (its switch was dry-run then):
      // the single atomic write is the whole rollback, the fastest safe path.
      await cluster.setServiceSelector(target.namespace, target.service, c.selectors[c.idle], annotations, { dryRun: false }, service);
    } catch (error) {
      if (isRefusal(error, 409) && attempt < 3) continue;
      throw error;
    }
    return { ok: true, message: `switched Service ${target.service} from ${c.live} back to ${c.idle} (${back.containers.map((x) => x.image).join(', ')}) in one API call` };
  }
}

interface BlueGreenReads {
  readonly service?: ServiceView;
  readonly blue?: DeploymentView;
  readonly green?: DeploymentView;
}

async function readBlueGreen(ctx: DeployContext): Promise<BlueGreenReads> {
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
  if (state.strategy === 'canary') return abortCanaryRun(ctx, state, lock);
  const { cluster, target } = ctx;
  const name = state.deployment ?? target.app;
  const d = await cluster.getDeployment(target.namespace, name);
  const before = state.before;
  if (!d || !before) return 'nothing to restore: the deploy had not changed the target';
  if (state.strategy === 'blue-green') {
    // Traffic never left the live colour; put the idle one back as it was, for the next rollback.
    await cluster.setImages(target.namespace, name, { images: before.images, annotations: writeAnnotations(ctx, state) }, { dryRun: false });
    if (before.idleReplicas !== undefined && d.replicas !== before.idleReplicas) await cluster.scale(target.namespace, name, before.idleReplicas, { dryRun: false });
    return `traffic stayed on ${target.app}-${before.liveColour ?? '?'}; ${name} was set back to ${Object.values(before.images).join(', ')}`;
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
