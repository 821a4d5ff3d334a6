// Deploy and rollback of an argo-rollout target. Deploy sets the image as `kubectl argo rollouts set
// image` does (a PUT of the Rollout, or of the Deployment its workloadRef names, after a server-side
// dry-run) and then follows the Rollout as `status --watch` does: the Rollout's controller runs the
// steps and analysis and, when analysis fails, aborts back to stable by itself. Nothing here scales a
// ReplicaSet or moves traffic: that would fight the controller. Rollback is an undo (with --immediate an
// abort first) to what ran before: stable while an update is in progress or aborted, else the newest
// older revision whose analysis did not fail (never the plugin's bare "previous", which after an
// aborted update is the broken one); and it says what the Rollout will still run.

import { checkImageReference } from '../image-ref';
import { record, type DeployContext } from '../deploy/context';
import type { DeployInput, DeployOutcome } from '../deploy/deploy';
import { protectionRefusal } from '../deploy/guards';
import { acquireLock } from '../deploy/lock';
import type { RollbackInput, RollbackOutcome } from '../deploy/rollback';
import { deployKey, type DeployState } from '../deploy/state';
import { failed } from '../result';
import { rolloutOf, send, updating, writeUndo } from './actions';
import { readRollout, statusLine, stepLine, type RolloutInfo } from './info';
import { abortWrites, withImage } from './patches';
import { planUndo, rollbackRevision } from './undo';
import { watchRollout, type Watched } from './watch';

/** How long a deploy or rollback follows the Rollout when the target sets no progressDeadline. */
const FOLLOW_MS = 15 * 60_000;

const refusedDeploy = (reason: string, hint?: string): DeployOutcome => ({ ...failed(reason, hint), kind: 'refused', failure: 'input' });

/** The container a set image changes: the target's, else the only one. */
function containerFor(ctx: DeployContext, containers: readonly { readonly name: string }[]): string | { reason: string; hint: string } {
  const names = containers.map((c) => c.name);
  if (ctx.target.container !== undefined) {
    return names.includes(ctx.target.container) ? ctx.target.container : { reason: `Rollout ${rolloutOf(ctx)} has no container ${ctx.target.container} (it has ${names.join(', ')}).`, hint: `Fix targets.${ctx.target.name}.container.` };
  }
  if (names.length === 1 && names[0] !== undefined) return names[0];
  return { reason: `Rollout ${rolloutOf(ctx)} runs ${names.length} containers (${names.join(', ')}): which one takes the image?`, hint: `Set targets.${ctx.target.name}.container.` };
}

export async function deployRollout(ctx: DeployContext, input: DeployInput): Promise<DeployOutcome & { readonly rollout?: RolloutInfo }> {
  const denied = protectionRefusal(ctx, input.confirmed, `deploying ${input.image} through Rollout ${rolloutOf(ctx)}`);
  if (denied) return { ...denied, kind: 'refused' };
  const image = checkImageReference(input.image);
  if (!image.ok) return refusedDeploy(image.reason, image.hint);
  const name = rolloutOf(ctx);
  const ns = ctx.target.namespace;
  const read = await readRollout(ctx.cluster.rollouts, ns, name);
  if (!read) return refusedDeploy(`There is no Argo Rollout ${name} in ${ns} (context ${ctx.cluster.identity.context}).`, `Check targets.${ctx.target.name}.app.`);
  if (read.view.unsupportedRef) return refusedDeploy(`Rollout ${name} references a ${read.view.unsupportedRef} (workloadRef), which this tool does not write.`, 'Set the image with kubectl argo rollouts set image.');
  const ref = read.view.workloadRef;
  if (ref && ref.kind !== 'Deployment') return refusedDeploy(`Rollout ${name} references ReplicaSet ${ref.name}: kubectl argo rollouts set image writes Deployments only.`, 'Point its workloadRef at a Deployment, or change the ReplicaSet.');
  const object = ref ? read.referenced : read.raw;
  if (!object) return refusedDeploy(`Rollout ${name} references Deployment ${ref?.name ?? ''}, which is not in ${ns}.`, 'Create it, or fix the Rollout\'s workloadRef.');
  const containers = ref ? ((object.spec as { template?: { spec?: { containers?: { name: string }[] } } }).template?.spec?.containers ?? []) : read.view.containers;
  const container = containerFor(ctx, containers);
  if (typeof container !== 'string') return refusedDeploy(container.reason, container.hint);
  const changed = withImage(object, container, input.image);
  if (typeof changed === 'string') return refusedDeploy(`Rollout ${name}: ${changed}.`);

  const lock = await acquireLock(ctx.cluster, ctx.clock, ns, ctx.target.name, { holder: `${ctx.actor} on ${ctx.origin}`, operation: globalThis.crypto.randomUUID() });
  if (!lock.ok) return refusedDeploy(lock.reason, lock.hint);
  const write = (dryRun: boolean) => (ref ? ctx.cluster.rollouts.replaceReferenced(ns, 'Deployment', changed, { dryRun }) : ctx.cluster.rollouts.replaceRollout(ns, changed, { dryRun }));
  const state: DeployState = {
    version: 1,
    id: globalThis.crypto.randomUUID(),
    target: ctx.target.name,
    strategy: 'argo-rollout',
    context: ctx.cluster.identity.context,
    namespace: ns,
    image: input.image,
    startedAt: ctx.clock.now().toISOString(),
    actor: ctx.actor,
    meta: input.meta ?? {},
    deployment: name,
    container,
    before: { images: { [container]: read.info.images[containers.findIndex((c) => c.name === container)] ?? '' }, availableReplicas: read.info.replicas.available, ...(read.info.stable?.revision !== undefined ? { revision: read.info.stable.revision } : {}) },
    plan: ['lock', 'preflight', 'update', 'rollout', 'release'],
    done: ['lock'],
  };
  try {
    // The server checks the object first (admission, the Rollout's schema): a refusal leaves nothing written.
    await write(true);
    await record(ctx, 'deploy.start', { image: input.image, strategy: 'argo-rollout', operation: state.id, rollout: name });
    await write(false);
    await record(ctx, 'rollout.set-image', { operation: state.id, rollout: name, container, image: input.image, via: ref ? `Deployment ${ref.name}` : 'Rollout' });
    ctx.progress?.(`Set ${container}=${input.image} on ${ref ? `Deployment ${ref.name} (the workloadRef of Rollout ${name})` : `Rollout ${name}`}; following the Rollout as its controller runs it`);
    const watched = await watchRollout(ctx, name, { image: input.image, stopAtPause: true, timeoutMs: ctx.target.progressDeadlineMs ?? FOLLOW_MS });
    const finished = { ...state, done: ['lock', 'preflight', 'update'] as DeployState['done'], finishedAt: ctx.clock.now().toISOString() };
    return await ended(ctx, finished, watched, name);
  } finally {
    await lock.value.release().catch(() => undefined);
  }
}

async function ended(ctx: DeployContext, state: DeployState, watched: Watched | undefined, name: string): Promise<DeployOutcome & { readonly rollout?: RolloutInfo }> {
  const where = `${ctx.cluster.identity.context}/${ctx.target.namespace}`;
  if (!watched) return { kind: 'stopped', state, reason: `Rollout ${name} disappeared from ${where} while it was followed.` };
  const { info } = watched;
  const save = async (s: DeployState) => ctx.store.write(deployKey(ctx.target.name), s);
  switch (watched.end) {
    case 'healthy': {
      const s: DeployState = { ...state, done: [...state.done, 'rollout', 'release'], outcome: 'deployed', rollout: statusLine(info) };
      await save(s);
      await record(ctx, 'deploy.done', { operation: state.id, image: state.image });
      return { kind: 'deployed', state: s, message: `Rollout ${name} in ${where} runs ${state.image}: Healthy${info.strategy === 'canary' && info.steps.length > 0 ? ` (all ${info.steps.length} steps done)` : ''}.`, rollout: info };
    }
    case 'paused': {
      const s: DeployState = { ...state, done: [...state.done, 'rollout', 'release'], outcome: 'deployed', rollout: statusLine(info) };
      await save(s);
      await record(ctx, 'deploy.paused', { operation: state.id, image: state.image, step: info.stepIndex ?? -1 });
      return { kind: 'deployed', state: s, message: `Rollout ${name} in ${where} is Paused at ${stepLine(info)}: ${state.image} waits for a promote (${info.message}).`, rollout: info };
    }
    case 'degraded': {
      const reason = info.failure ?? `Rollout ${name} is ${statusLine(info)}`;
      const back = info.aborted ? `the Rollout's controller aborted it: traffic is back on stable${info.stable ? ` ${info.stable.name} (${info.stable.images.join(', ')})` : ''}` : `Rollout ${name} is Degraded (${info.message}); it was not aborted`;
      const s: DeployState = { ...state, outcome: info.aborted ? 'rolled-back' : 'failed', rolledBack: back, stopped: { step: 'rollout', reason, at: ctx.clock.now().toISOString() }, rollout: statusLine(info) };
      await save(s);
      await record(ctx, 'deploy.failed', { operation: state.id, step: 'rollout', reason: reason.slice(0, 300) });
      return { kind: 'rolled-back', state: s, reason, message: back, rollout: info };
    }
    default: {
      const reason = watched.end === 'timeout' ? `Rollout ${name} is still ${statusLine(info)} at ${stepLine(info)}: it goes on by itself` : `Stopped following Rollout ${name} (${statusLine(info)}): it goes on by itself`;
      const s: DeployState = { ...state, stopped: { step: 'rollout', reason, at: ctx.clock.now().toISOString() }, rollout: statusLine(info) };
      await save(s);
      await record(ctx, 'deploy.stopped', { operation: state.id, step: 'rollout', reason: reason.slice(0, 300) });
      return { kind: 'stopped', state: s, reason, rollout: info };
    }
  }
}

/**
 * Rollback of a Rollout: undo to the previous revision (or `toRevision`). With `immediate`, an update in
 * progress is aborted first (traffic back to stable at once) and the undo is not waited for; without,
 * the undo is followed until Healthy, Degraded or a pause that waits for a person. Either way the
 * message says what the Rollout still runs: nothing when the revision is stable or within its
 * rollbackWindow, else its steps and analysis.
 */
export async function rollbackRollout(ctx: DeployContext, input: RollbackInput & { readonly reason?: string }): Promise<RollbackOutcome & { readonly rollout?: RolloutInfo }> {
  const started = ctx.clock.now().getTime();
  const denied = protectionRefusal(ctx, input.confirmed, `rolling back Rollout ${rolloutOf(ctx)}`);
  if (denied) return { ...denied, kind: 'refused' };
  const name = rolloutOf(ctx);
  const ns = ctx.target.namespace;
  const read = await readRollout(ctx.cluster.rollouts, ns, name);
  if (!read) return { ...failed(`There is no Argo Rollout ${name} in ${ns} (context ${ctx.cluster.identity.context}).`, `Check targets.${ctx.target.name}.app.`), kind: 'refused', failure: 'input' };
  const chosen = input.toRevision === undefined ? rollbackRevision(read) : undefined;
  const plan = planUndo(read, input.toRevision ?? chosen?.revision);
  const abortFirst = input.immediate === true && updating(read) && !read.view.status.abort;
  // Nothing to undo: an immediate rollback of an update in progress is still its abort.
  if (typeof plan === 'string' && !abortFirst) return { ...failed(plan, `List the revisions with history, or abort the update in progress.`), kind: 'refused', failure: 'input' };
  const lock = await acquireLock(ctx.cluster, ctx.clock, ns, ctx.target.name, { holder: `${ctx.actor} on ${ctx.origin}`, operation: globalThis.crypto.randomUUID() });
  if (!lock.ok) return { ...failed(lock.reason, lock.hint), kind: 'refused' };
  try {
    const said: string[] = [];
    if (abortFirst) {
      await send(ctx, name, abortWrites());
      await record(ctx, 'rollout.abort', { rollout: name, phase: read.info.phase, reason: `an immediate rollback${input.reason ? `: ${input.reason}` : ''}`.slice(0, 300) });
      said.push(`aborted the update at ${stepLine(read.info)}: traffic is back on stable${read.info.stable ? ` ${read.info.stable.name} (${read.info.stable.images.join(', ')})` : ''}`);
    }
    if (typeof plan !== 'string') {
      await writeUndo(ctx, name, plan);
      const why = `${input.immediate === true ? 'an immediate rollback' : 'a rollback'}${input.reason ? `: ${input.reason}` : ''}`;
      await record(ctx, 'rollout.undo', { rollout: name, toRevision: plan.rs.revision, skipsSteps: plan.skipsSteps, immediate: input.immediate === true, reason: why.slice(0, 300), willRun: plan.willRun.slice(0, 300) });
      const passed = chosen && chosen.skipped.length > 0 ? ` (passing over ${chosen.skipped.join('; ')})` : '';
      said.push(`undid Rollout ${name} to revision ${plan.rs.revision} (${plan.rs.images.join(', ')})${passed}: ${plan.willRun}`);
    } else {
      said.push(`left the template as it is (${plan})`);
    }
    if (input.immediate === true || typeof plan === 'string') {
      const after = await readRollout(ctx.cluster.rollouts, ns, name);
      return { kind: 'rolled-back', message: said.join('; then '), ms: ctx.clock.now().getTime() - started, ...(after ? { rollout: after.info } : {}) };
    }
    const watched = await watchRollout(ctx, name, { awayFrom: read.view.status.currentPodHash ?? '', stopAtPause: true, timeoutMs: ctx.target.progressDeadlineMs ?? FOLLOW_MS });
    const end = watched ? `; Rollout ${name} is ${statusLine(watched.info)}${watched.end === 'paused' ? ` at ${stepLine(watched.info)}: it waits for a promote` : ''}` : '';
    return { kind: 'rolled-back', message: `${said.join('; then ')}${end}`, ms: ctx.clock.now().getTime() - started, ...(watched ? { rollout: watched.info } : {}) };
  } finally {
    await lock.value.release().catch(() => undefined);
  }
}
