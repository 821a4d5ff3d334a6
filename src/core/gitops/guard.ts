// What to do before an imperative deploy or rollback on a target a GitOps controller owns: by the
// target's gitops.autoSync (ask, pause, warn) and the person's choice (pause or ignore), never silent.

import type { GitOpsAutoSync } from '../config/types';
import type { EventPayload } from '../incident/events';
import { remedy, type Remedy } from '../remedy';
import type { GitOpsOwner } from './detect';

export type GitOpsChoice = 'pause' | 'ignore';

export type GuardPlan =
  /** Nothing will revert the change (no owner, auto-sync off, already paused): `notes` says what was found. */
  | { readonly kind: 'clear'; readonly notes: readonly string[] }
  | { readonly kind: 'ask'; readonly warning: string; readonly reverting: readonly GitOpsOwner[]; readonly notes: readonly string[] }
  | { readonly kind: 'pause'; readonly warning: string; readonly reverting: readonly GitOpsOwner[]; readonly notes: readonly string[]; readonly chosen: boolean }
  | { readonly kind: 'warn'; readonly warning: string; readonly reverting: readonly GitOpsOwner[]; readonly notes: readonly string[]; readonly chosen: boolean };

export function ownerNote(owner: GitOpsOwner): string {
  if (!owner.exists) return `warning: ${owner.revertsWhen}`;
  if (owner.paused) return `${owner.label}: auto-sync paused by ${owner.paused.by} since ${owner.paused.at}${owner.paused.incident ? ` for ${owner.paused.incident}` : ''}; the pause stays as it is`;
  return `${owner.label} reverts an imperative change ${owner.revertsWhen}`;
}

/** The warning for the owners that would put the manifests back over this change. */
export function revertWarning(verb: string, reverting: readonly GitOpsOwner[]): string {
  const each = reverting.map((o) => `${o.label} (${o.via}) will revert it ${o.revertsWhen}`);
  return `${verb} is an imperative change that GitOps will undo: ${each.join('; ')}.`;
}

export function planGuard(owners: readonly GitOpsOwner[], mode: GitOpsAutoSync, verb: string, choice?: GitOpsChoice): GuardPlan {
  const reverting = owners.filter((o) => o.exists && o.autoSync);
  const notes = owners.filter((o) => !reverting.includes(o)).map(ownerNote);
  if (reverting.length === 0) return { kind: 'clear', notes };
  const warning = revertWarning(verb, reverting);
  const decided = choice ?? (mode === 'pause' ? 'pause' : mode === 'warn' ? 'ignore' : undefined);
  if (decided === undefined) return { kind: 'ask', warning, reverting, notes };
  return decided === 'pause' ? { kind: 'pause', warning, reverting, notes, chosen: choice !== undefined } : { kind: 'warn', warning, reverting, notes, chosen: choice !== undefined };
}

/** How a pending pause is restored, in words for the timeline and the log (front ends add their own remedy). */
export function restoreInstruction(target: string, incident: string | undefined): string {
  return incident ? `restored when ${incident} is resolved, or now by restoring GitOps auto-sync of ${target}` : `restore GitOps auto-sync of ${target} once git says what runs`;
}

/** What restores the pause of a target: the remedy each front end words (a verb and flag, a button). */
export function restoreRemedy(target: string): Remedy {
  return remedy('gitops.restore', { target });
}

/**
 * The action item a resolution gets for an object left paused. `how` is the restore as the front end
 * that resolves words it (its rendering of restoreRemedy); without one, in plain words.
 */
export function restoreActionItem(object: string, target: string, why: string, how?: string): string {
  // `;` separates action items and a trailing `@name` reads as an owner: neither may come from `why` or `how`.
  const clean = (text: string, max: number) => text.replace(/;/g, ',').replace(/\s+/g, ' ').replace(/@/g, '(at)').trim().slice(0, max);
  return `Restore auto-sync of ${object} (${clean(why, 200)}): ${how !== undefined ? clean(how, 300) : `restore GitOps auto-sync of target ${target}`}`;
}

/** The objects an incident's timeline says were paused and not restored since, in the order paused. */
export function pausedInTimeline(events: readonly EventPayload[]): { readonly target: string; readonly object: string; readonly previous: string }[] {
  const open = new Map<string, { target: string; object: string; previous: string }>();
  for (const e of events) {
    if (e.type === 'gitops-paused') open.set(`${e.target}\n${e.object}`, { target: e.target, object: e.object, previous: e.previous });
    if (e.type === 'gitops-restored') open.delete(`${e.target}\n${e.object}`);
  }
  return [...open.values()];
}
