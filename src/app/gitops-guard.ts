// The GitOps guard around an imperative deploy or rollback, the same from the CLI and VS Code: detect
// the target's Argo CD or Flux owners, then by the target's gitops.autoSync and the person's choice
// go on, ask, warn, or pause auto-sync (recorded in the incident's timeline and the operation's
// state). After the operation: a rollback to what git says, or a refusal, restores at once; a
// deploy that stays leaves the restore pending (gitops restore, or when the incident is resolved).

import type { FailureKind } from '../core/result';
import type { DeployContext } from '../core/deploy/context';
import { protectionRefusal } from '../core/deploy/guards';
import { deployKey, type DeployState, type GitOpsPaused } from '../core/deploy/state';
import { detectOwners, type GitOpsOwner } from '../core/gitops/detect';
import { planGuard, restoreInstruction, type GitOpsChoice } from '../core/gitops/guard';
import { pauseAutoSync, restoreAutoSync } from '../core/gitops/pause';
import type { EventPayload } from '../core/incident/events';
import { recordInIncident, type IncidentLink } from './incident-link';

export type { GitOpsChoice };

export interface GitOpsGuardInput {
  /** `deploying registry/app:1.4.2`, `rolling back`: for the warning and the protection check. */
  readonly verb: string;
  readonly choice?: GitOpsChoice;
  readonly incident?: string;
  readonly operation?: string;
  /** A protected target: pausing needs the same confirmation as the deploy. */
  readonly confirmed: boolean;
}

export type GitOpsGuard =
  | { readonly kind: 'clear'; readonly owners: readonly GitOpsOwner[]; readonly notes: readonly string[] }
  | { readonly kind: 'needs-choice'; readonly owners: readonly GitOpsOwner[]; readonly warning: string; readonly hint: string; readonly notes: readonly string[] }
  | { readonly kind: 'warned'; readonly owners: readonly GitOpsOwner[]; readonly warning: string; readonly notes: readonly string[] }
  | {
      readonly kind: 'paused';
      readonly owners: readonly GitOpsOwner[];
      readonly warning: string;
      readonly paused: readonly GitOpsPaused[];
      readonly notes: readonly string[];
      readonly link: IncidentLink;
    }
  | { readonly kind: 'refused'; readonly reason: string; readonly hint?: string; readonly failure?: FailureKind };

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function gitopsGuard(root: string, ctx: DeployContext, input: GitOpsGuardInput): Promise<GitOpsGuard> {
  let owners: GitOpsOwner[];
  try {
    owners = await detectOwners(ctx.cluster, ctx.target);
  } catch (error) {
    if (input.choice === 'ignore') return { kind: 'clear', owners: [], notes: [`warning: could not check for Argo CD or Flux owners: ${message(error)}`] };
    return { kind: 'refused', reason: `Could not check whether Argo CD or Flux owns ${ctx.target.name}: ${message(error)}`, hint: 'Fix access to the cluster, or go on without the check with --ignore-gitops.' };
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
        hint: 'Pause auto-sync for the operation with --pause-gitops (restored when it rolls back, else by gitops restore or when the incident is resolved), or go on knowing it will be reverted with --ignore-gitops; targets.<name>.gitops.autoSync sets a default.',
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
  if (denied) return { ...denied, kind: 'refused' };
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
      const undone = await restorePaused(ctx, paused, `pausing ${owner.label} failed`);
      return { kind: 'refused', reason: `Could not pause auto-sync of ${owner.label}: ${outcome.reason}`, hint: `Nothing was deployed.${undone.length > 0 ? ` ${undone.join(' ')}` : ''}` };
    }
  }
  const instruction = restoreInstruction(ctx.target.name, input.incident);
  const events: EventPayload[] = paused.map((p) => ({ type: 'gitops-paused', target: ctx.target.name, object: p.label, previous: p.previous, restore: instruction }));
  const link = events.length > 0 ? await recordInIncident(root, input.incident, events) : {};
  return { kind: 'paused', owners, warning: plan.warning, paused, notes, link };
}

/** Restores each paused object; the lines say what happened to each. */
async function restorePaused(ctx: DeployContext, paused: readonly GitOpsPaused[], reason: string): Promise<string[]> {
  const lines: string[] = [];
  for (const p of paused) {
    const outcome = await restoreAutoSync(ctx, p, reason);
    lines.push(restoreLine(p.label, outcome));
  }
  return lines;
}

export function restoreLine(label: string, outcome: Awaited<ReturnType<typeof restoreAutoSync>>): string {
  switch (outcome.kind) {
    case 'restored':
      return `Restored auto-sync of ${label}: ${outcome.previous}.`;
    case 'changed-meanwhile':
      return `Auto-sync of ${label} was turned back on meanwhile (${outcome.now}); left as it is, only the pause marks were removed.`;
    case 'not-paused':
      return `${label} is not paused by hotfix-deployer (restored already?).`;
    default:
      return `warning: could not restore auto-sync of ${label}: ${outcome.reason}. Restore it by hand, or retry: hotfix-deployer gitops restore --target=…`;
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

/** The objects still paused for an operation, from its state (deploy --continue, --promote). */
export function pendingPauses(state: DeployState | undefined): GitOpsPaused[] {
  return (state?.meta.gitopsPaused ?? []).filter((p) => p.restoredAt === undefined);
}

/**
 * After the operation: rolled back or refused, the cluster is at what git says: restore at once
 * (audited, `gitops-restored` in the timeline). Deployed or stopped: the pause stays, said aloud.
 */
export async function afterGitopsOperation(root: string, ctx: DeployContext, after: AfterOperation): Promise<{ lines: string[]; link: IncidentLink }> {
  if (after.paused.length === 0) return { lines: [], link: {} };
  if (after.outcome !== 'rolled-back' && after.outcome !== 'refused') {
    const how = restoreInstruction(ctx.target.name, after.incident);
    return { lines: after.paused.map((p) => `Auto-sync of ${p.label} stays paused (was ${p.previous}): ${how}.`), link: {} };
  }
  const reason = after.reason ?? (after.outcome === 'refused' ? 'the operation was refused before any write' : 'the operation rolled back: the target is back at what git says');
  const lines: string[] = [];
  const events: EventPayload[] = [];
  const restored = new Set<string>();
  for (const p of after.paused) {
    const outcome = await restoreAutoSync(ctx, p, reason);
    lines.push(restoreLine(p.label, outcome));
    if (outcome.kind === 'restored' || outcome.kind === 'changed-meanwhile') {
      restored.add(p.label);
      events.push({ type: 'gitops-restored', target: ctx.target.name, object: p.label, reason });
    }
  }
  if (after.state && restored.size > 0) {
    const current = await ctx.store.read<DeployState>(deployKey(ctx.target.name));
    if (current?.id === after.state.id) {
      const at = ctx.clock.now().toISOString();
      const gitopsPaused = (current.meta.gitopsPaused ?? []).map((p) => (restored.has(p.label) ? { ...p, restoredAt: at } : p));
      await ctx.store.write(deployKey(ctx.target.name), { ...current, meta: { ...current.meta, gitopsPaused } } satisfies DeployState);
    }
  }
  const link = events.length > 0 ? await recordInIncident(root, after.incident, events) : {};
  return { lines, link };
}
