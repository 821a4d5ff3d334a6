// The GitOps guard around an imperative deploy or rollback, a step of those use cases: detect the
// target's Argo CD or Flux owners, then by the target's gitops.autoSync and the person's choice (given
// up front, else asked through the Interaction; nobody to ask: refused with the two choices as
// remedies) go on, warn, or pause auto-sync (recorded in the incident's timeline and the operation's
// state). After the operation: a rollback to what git says, or a refusal, restores at once with the
// reason why; a deploy that stays leaves the restore pending (gitops restore, or when the incident is
// resolved), and says so.

import { isRefusal } from '../core/deploy/ports';
import type { OpenDeploy } from '../adapters/deploy-workspace';
import type { DeployContext } from '../core/deploy/context';
import { protectionRefusal } from '../core/deploy/guards';
import { deployKey, type DeployState, type GitOpsPaused } from '../core/deploy/state';
import { detectOwners, targetObjects, type GitOpsOwner } from '../core/gitops/detect';
import { planGuard, restoreInstruction, restoreRemedy, type GitOpsChoice } from '../core/gitops/guard';
import { pauseAutoSync, restoreAutoSync, type RestoreOutcome } from '../core/gitops/pause';
import type { EventPayload } from '../core/incident/events';
import { remedy, type OperationName, type Remedy, type RemedyValue } from '../core/remedy';
import type { FailureKind } from '../core/result';
import type { AppEnv } from './env';
import { recordEvents, type IncidentLink } from './incident-link';
import { CANCELLED, message, noteLink, refusal, refusedWith, type Cancelled, type Refused } from './narrate';

export type { GitOpsChoice };

/** Appends events to an incident's timeline: through the operation's environment (or, old callers, the folder). */
type RecordEvents = (incident: string | undefined, events: readonly EventPayload[]) => Promise<IncidentLink>;

export interface GitOpsGuardInput {
  /** `deploying registry/app:1.4.2`, `rolling back`: for the warning and the protection check. */
  readonly verb: string;
  readonly choice?: GitOpsChoice;
  readonly incident?: string;
  readonly operation?: string;
  /** A protected target: pausing needs the same confirmation as the deploy. */
  readonly confirmed: boolean;
  /** The operation as asked, so a refusal's remedies repeat it with the option that answers it. */
  readonly again?: Again;
}

/** An operation and its options as the person asked for it. */
export interface Again {
  readonly operation: OperationName;
  readonly options: Readonly<Record<string, RemedyValue>>;
}

export type GitOpsGuard =
  | { readonly kind: 'clear'; readonly owners: readonly GitOpsOwner[]; readonly notes: readonly string[] }
  | { readonly kind: 'needs-choice'; readonly owners: readonly GitOpsOwner[]; readonly warning: string; readonly hint: string; readonly remedies: readonly Remedy[]; readonly notes: readonly string[] }
  | { readonly kind: 'warned'; readonly owners: readonly GitOpsOwner[]; readonly warning: string; readonly notes: readonly string[] }
  | {
      readonly kind: 'paused';
      readonly owners: readonly GitOpsOwner[];
      readonly warning: string;
      readonly paused: readonly GitOpsPaused[];
      readonly notes: readonly string[];
      readonly link: IncidentLink;
    }
  | { readonly kind: 'refused'; readonly reason: string; readonly hint?: string; readonly failure?: FailureKind; readonly remedies?: readonly Remedy[] };

const NEEDS_CHOICE_HINT =
  'Pause auto-sync for the operation (restored when it rolls back, else by a GitOps restore or when the incident is resolved), or go on knowing it will be reverted; targets.<name>.gitops.autoSync sets a default.';

function againOf(ctx: DeployContext, input: Pick<GitOpsGuardInput, 'again'>): Again {
  return input.again ?? { operation: 'deploy', options: { target: ctx.target.name } };
}

/**
 * The owners read ahead, beside the Argo Rollouts check (both only read, so they share the round trip).
 * The guard uses them when they are of the objects it would read and no older than AHEAD_MS: an answer
 * to a question in between takes longer, and then the guard reads them again.
 */
export interface OwnersAhead {
  readonly objects: string;
  readonly at: number;
  readonly read: Promise<GitOpsOwner[]>;
}

const AHEAD_MS = 2000;

const objectsOf = (target: DeployContext['target']): string => JSON.stringify([target.namespace, target.gitops.argocdNamespace, targetObjects(target)]);

export function readOwnersAhead(ctx: DeployContext): OwnersAhead {
  const read = detectOwners(ctx.cluster, ctx.target);
  read.catch(() => undefined); // awaited by the guard, or dropped
  return { objects: objectsOf(ctx.target), at: ctx.clock.now().getTime(), read };
}

async function runGuard(ctx: DeployContext, input: GitOpsGuardInput, record: RecordEvents, ahead?: OwnersAhead): Promise<GitOpsGuard> {
  const again = againOf(ctx, input);
  const fresh = ahead && ahead.objects === objectsOf(ctx.target) && ctx.clock.now().getTime() - ahead.at <= AHEAD_MS ? ahead.read : undefined;
  let owners: GitOpsOwner[];
  try {
    owners = await (fresh ?? detectOwners(ctx.cluster, ctx.target));
  } catch (error) {
    if (input.choice === 'ignore') return { kind: 'clear', owners: [], notes: [`warning: could not check for Argo CD or Flux owners: ${message(error)}`] };
    // The cluster does not answer (down, starting, a VPN gone): the GitOps check is only the first
    // call to fail, so say that, and offer nothing that would skip it.
    if (!isRefusal(error) || error.status >= 500) {
      const { context, server } = ctx.cluster.identity;
      return { kind: 'refused', reason: `Cannot reach the cluster of context ${context} (${server}): ${message(error)}`, hint: 'Nothing was changed. Check the kube context, your VPN and credentials, and run it again once the cluster answers.' };
    }
    // Credentials the server does not accept (expired, revoked): every later call would fail the same
    // way, so going on without the check is no answer.
    if (isRefusal(error, 401)) {
      const { context, server } = ctx.cluster.identity;
      return { kind: 'refused', reason: `The cluster of context ${context} (${server}) does not accept its credentials: ${message(error)}`, hint: 'Nothing was changed. Renew them (log in again, or fix the user of the context in the kubeconfig), then run it again.' };
    }
    return {
      kind: 'refused',
      reason: `Could not check whether Argo CD or Flux owns ${ctx.target.name}: ${message(error)}`,
      hint: 'Fix access to the cluster, or go on without the check.',
      remedies: [remedy(again.operation, { ...again.options, ignoreGitops: true }, { why: 'without the check' })],
    };
  }
  const plan = planGuard(owners, ctx.target.gitops.autoSync, input.verb, input.choice);
  switch (plan.kind) {
    case 'clear':
      return { kind: 'clear', owners, notes: plan.notes };
    case 'ask':
      return {
        kind: 'needs-choice',
        owners,
        warning: plan.warning,
        notes: plan.notes,
        hint: NEEDS_CHOICE_HINT,
        remedies: [remedy(again.operation, { ...again.options, pauseGitops: true }), remedy(again.operation, { ...again.options, ignoreGitops: true })],
      };
    case 'warn':
      await ctx.audit.append({
        at: ctx.clock.now().toISOString(),
        actor: ctx.actor,
        action: 'gitops.ignore',
        subject: `${ctx.cluster.identity.context}/${ctx.target.namespace}/${ctx.target.name}`,
        details: { objects: plan.reverting.map((o) => o.label).join(', '), chosen: plan.chosen },
      });
      return { kind: 'warned', owners, warning: plan.warning, notes: plan.notes };
    case 'pause':
      break;
  }
  const denied = protectionRefusal(ctx, input.confirmed, `pausing GitOps auto-sync and ${input.verb}`);
  if (denied) return { ...denied, kind: 'refused', remedies: [remedy(again.operation, { ...again.options, pauseGitops: true, confirmed: true })] };
  const paused: GitOpsPaused[] = [];
  const notes = [...plan.notes];
  for (const owner of plan.reverting) {
    const outcome = await pauseAutoSync(ctx, owner, { ...(input.incident ? { incident: input.incident } : {}), ...(input.operation ? { operation: input.operation } : {}) });
    if (outcome.kind === 'paused') {
      paused.push({ controller: owner.controller, kind: owner.kind, namespace: owner.namespace, name: owner.name, label: owner.label, previous: outcome.previous });
    } else if (outcome.kind === 'already-paused') {
      notes.push(`${owner.label}: already paused by ${outcome.mark.by} since ${outcome.mark.at}; that pause (and its previous policy) is kept`);
    } else if (outcome.kind === 'failed') {
      // Half-paused is worse than either: put back what this call paused, and stop.
      const undone: string[] = [];
      for (const p of paused) undone.push(restoreLine(p.label, await restoreAutoSync(ctx, p, `pausing ${owner.label} failed`)));
      return { kind: 'refused', reason: `Could not pause auto-sync of ${owner.label}: ${outcome.reason}`, hint: `Nothing was deployed.${undone.length > 0 ? ` ${undone.join(' ')}` : ''}` };
    }
  }
  const instruction = restoreInstruction(ctx.target.name, input.incident);
  const events: EventPayload[] = paused.map((p) => ({ type: 'gitops-paused', target: ctx.target.name, object: p.label, previous: p.previous, restore: instruction }));
  const link = events.length > 0 ? await record(input.incident, events) : {};
  return { kind: 'paused', owners, warning: plan.warning, paused, notes, link };
}

/** What each restore did, in words both front ends show; front ends add their own remedy for a failed one. */
export function restoreLine(label: string, outcome: RestoreOutcome): string {
  switch (outcome.kind) {
    case 'restored':
      return `Restored auto-sync of ${label}: ${outcome.previous}.`;
    case 'changed-meanwhile':
      return `Auto-sync of ${label} was turned back on meanwhile (${outcome.now}); left as it is, only the pause marks were removed.`;
    case 'not-paused':
      return `${label} is not paused by Hotfix Deployer (restored already?).`;
    default:
      return `warning: could not restore auto-sync of ${label}: ${outcome.reason}. Restore it by hand, or retry the GitOps restore of the target.`;
  }
}

export interface GuardRequest {
  /** `deploying web:1.4.2`, `rolling back`: for the warning and the protection check. */
  readonly verb: string;
  /** The person's choice given up front (a flag, a command option). */
  readonly choice?: GitOpsChoice;
  readonly incident?: string;
  /** The operation as asked: a refusal's remedies repeat it, choosing to pause or to go on. */
  readonly again: Again;
  /** The yes button's word in an editor: Deploy, Roll Back. */
  readonly button: string;
  /** The operation's own confirmation (a protected target's typed name) stands for the pause; default true. */
  readonly confirmed?: boolean;
  /** The context the operation writes through (emergency steps applied); default the opened target's. */
  readonly ctx?: DeployContext;
  /** The owners read ahead (readOwnersAhead), for the first look; a look after a question reads again. */
  readonly ahead?: OwnersAhead;
}

/**
 * The guard as a step of a deploy or rollback: the objects paused for it (empty when nothing will
 * revert it, or the person chose to go on), or why not to go on. A target that needs a choice asks
 * the person (pause / go on anyway / cancel); with nobody to ask it is refused, its remedies the
 * operation again with `pauseGitops` or `ignoreGitops`. What it found and did is said as it goes.
 */
export async function guardGitops(env: AppEnv, opened: OpenDeploy, request: GuardRequest): Promise<readonly GitOpsPaused[] | Refused | Cancelled> {
  const ctx = request.ctx ?? opened.context;
  const record: RecordEvents = (incident, events) => recordEvents(env, incident, events);
  const input: GitOpsGuardInput = { verb: request.verb, confirmed: request.confirmed ?? true, again: request.again, ...(request.incident ? { incident: request.incident } : {}) };
  let guard = await runGuard(ctx, { ...input, ...(request.choice ? { choice: request.choice } : {}) }, record, request.ahead);
  if (guard.kind === 'needs-choice') {
    if (!env.interaction.interactive) return refusal(guard.warning, guard.hint, 'input', guard.remedies, { gitops: guard.owners });
    const pause = `Pause Auto-Sync and ${request.button}`;
    const picked = await env.interaction.choose<GitOpsChoice>({
      subject: 'gitops',
      title: guard.warning,
      choices: [
        {
          label: pause,
          detail: `auto-sync is paused first (the previous policy is kept on the object) and restored at once if this rolls back; otherwise it stays paused until restored${request.incident ? ` when ${request.incident} is resolved, or` : ''} by a GitOps restore`,
          value: 'pause',
        },
        { label: `${request.button} Anyway`, detail: 'the controller will put back what git says', value: 'ignore' },
      ],
    });
    if (picked === undefined) return CANCELLED;
    guard = await runGuard(ctx, { ...input, choice: picked }, record);
  }
  for (const note of 'notes' in guard ? guard.notes : []) env.interaction.note(note);
  switch (guard.kind) {
    case 'refused':
      return refusedWith(guard);
    case 'needs-choice':
      return CANCELLED;
    case 'warned':
      env.interaction.warn(`${guard.warning} Going on as asked (or as gitops.autoSync: warn says).`);
      return [];
    case 'paused':
      env.interaction.note(`${guard.warning} Pausing auto-sync for this operation.`);
      for (const p of guard.paused) env.interaction.note(`Paused auto-sync of ${p.label} (was ${p.previous}).`);
      noteLink(env, guard.link);
      return guard.paused;
    default:
      return [];
  }
}

export interface AfterOperation {
  /** `deployed`, `rolled-back`, `stopped`, `refused`: the operation's outcome kind. */
  readonly outcome: string;
  /** What was paused for it: the guard's list, or the resumed operation's state. */
  readonly paused: readonly GitOpsPaused[];
  readonly incident?: string;
  /** The operation's saved state, updated with when each object was restored. */
  readonly state?: DeployState;
  /** Why the restore happens: `the deploy of web:1.2 rolled back`. */
  readonly reason?: string;
}

/** What happened after the operation to what it paused. */
export interface AfterGitops {
  readonly target: string;
  readonly incident?: string;
  /** Restored at once (the target is back at what git says, or nothing was written), each with its outcome. */
  readonly restored: readonly { readonly label: string; readonly outcome: RestoreOutcome }[];
  /** Still paused, on purpose (the change stays): each is restored by `remedy`, or when the incident is resolved. */
  readonly pending: readonly GitOpsPaused[];
  /** What restores the pending pauses, or retries a failed restore (a GitOps restore of the target). */
  readonly remedy?: Remedy;
  readonly link: IncidentLink;
}

/** The objects still paused for an operation, from its state (deploy --continue, --promote). */
export function pendingPauses(state: DeployState | undefined): GitOpsPaused[] {
  return (state?.meta.gitopsPaused ?? []).filter((p) => p.restoredAt === undefined);
}

async function runAfter(ctx: DeployContext, after: AfterOperation, record: RecordEvents): Promise<AfterGitops> {
  const base = { target: ctx.target.name, ...(after.incident ? { incident: after.incident } : {}) };
  if (after.paused.length === 0) return { ...base, restored: [], pending: [], link: {} };
  if (after.outcome !== 'rolled-back' && after.outcome !== 'refused') return { ...base, restored: [], pending: after.paused, remedy: restoreRemedy(ctx.target.name), link: {} };
  const reason = after.reason ?? (after.outcome === 'refused' ? 'the operation was refused before any write' : 'the operation rolled back: the target is back at what git says');
  const restored: { label: string; outcome: RestoreOutcome }[] = [];
  const events: EventPayload[] = [];
  const done = new Set<string>();
  for (const p of after.paused) {
    const outcome = await restoreAutoSync(ctx, p, reason);
    restored.push({ label: p.label, outcome });
    if (outcome.kind === 'restored' || outcome.kind === 'changed-meanwhile') {
      done.add(p.label);
      events.push({ type: 'gitops-restored', target: ctx.target.name, object: p.label, reason });
    }
  }
  if (after.state && done.size > 0) {
    const current = await ctx.store.read<DeployState>(deployKey(ctx.target.name));
    if (current?.id === after.state.id) {
      const at = ctx.clock.now().toISOString();
      const gitopsPaused = (current.meta.gitopsPaused ?? []).map((p) => (done.has(p.label) ? { ...p, restoredAt: at } : p));
      await ctx.store.write(deployKey(ctx.target.name), { ...current, meta: { ...current.meta, gitopsPaused } } satisfies DeployState);
    }
  }
  const failedAny = restored.some((r) => r.outcome.kind === 'failed');
  const link = events.length > 0 ? await record(after.incident, events) : {};
  return { ...base, restored, pending: [], ...(failedAny ? { remedy: restoreRemedy(ctx.target.name) } : {}), link };
}

/** The words of what happened after the operation: each restore, each pause that stays and how it ends. */
export function afterLines(done: AfterGitops): string[] {
  const how = restoreInstruction(done.target, done.incident);
  return [...done.restored.map((r) => restoreLine(r.label, r.outcome)), ...done.pending.map((p) => `Auto-sync of ${p.label} stays paused (was ${p.previous}): ${how}.`)];
}

export interface AfterRequest extends AfterOperation {
  /** Why the restore happens, for the object's annotation and the timeline: required, from every front end. */
  readonly reason: string;
  /** The context the operation wrote through; default the opened target's. */
  readonly ctx?: DeployContext;
}

/**
 * After the write, a step of a deploy or rollback: rolled back or refused, the cluster is at what git
 * says, so what was paused is restored at once, with the reason (audited, `gitops-restored` in the
 * timeline). Deployed or stopped: the pause stays, said aloud with how it ends (the outcome's remedy).
 */
export async function afterGitops(env: AppEnv, opened: OpenDeploy, after: AfterRequest): Promise<AfterGitops> {
  const done = await runAfter(after.ctx ?? opened.context, after, (incident, events) => recordEvents(env, incident, events));
  for (const r of done.restored) {
    const line = restoreLine(r.label, r.outcome);
    if (r.outcome.kind === 'failed') env.interaction.warn(line.replace(/^warning: /, ''));
    else env.interaction.note(line);
  }
  const how = restoreInstruction(done.target, done.incident);
  for (const p of done.pending) env.interaction.note(`Auto-sync of ${p.label} stays paused (was ${p.previous}): ${how}.`);
  noteLink(env, done.link);
  return done;
}
