// The restore an incident's resolution owes: every object whose GitOps auto-sync was paused for the
// incident, found across the configured targets by the incident annotation on the object itself, is
// restored, or, kept paused on purpose (or not restorable yet), becomes an action item of the
// resolution. Nothing stays paused silently. Through the operation's environment: the targets by the
// kubeconfig the person chose, the restores recorded in the timeline with the operation's channels.

import { targetNames } from '../core/config/targets';
import { detectOwners, type GitOpsOwner } from '../core/gitops/detect';
import { pausedInTimeline, restoreActionItem, restoreRemedy } from '../core/gitops/guard';
import type { RestoreOutcome } from '../core/gitops/pause';
import { pickIncident } from '../core/incident/query';
import type { Remedy } from '../core/remedy';
import type { AppEnv } from './env';
import { gitAgreement, restoreOwners, type ObjectOutcome } from './gitops-restore';
import type { IncidentLink } from './incident-link';
import { message } from './narrate';

export interface KeptPaused {
  readonly target: string;
  readonly object: string;
  readonly why: string;
}

export interface IncidentRestore {
  readonly restored: readonly ObjectOutcome<RestoreOutcome>[];
  /** Objects kept paused (on purpose, or not restorable yet): each has an action item. */
  readonly kept: readonly KeptPaused[];
  /** The action items the resolution must carry, one per object kept paused. */
  readonly actionItems: readonly string[];
  /** Targets that could not be checked (no kubeconfig, cluster down), and why. */
  readonly unchecked: readonly { readonly target: string; readonly reason: string }[];
  /** What happened, a line per object (and what could not be checked), in plain words. */
  readonly lines: readonly string[];
  /** The restores recorded in the incidents' timelines. */
  readonly links: readonly IncidentLink[];
}

export interface IncidentRestoreOptions {
  /** Keep them paused, saying why: each becomes an action item of the resolution. */
  readonly keep?: string;
  /** Restore even where git does not yet say what runs (the controller then puts git's image back). */
  readonly force?: boolean;
  /** How the front end that resolves words the restore of a target in an action item (its rendering of the remedy). */
  readonly restoreWords?: (remedy: Remedy) => string;
}

/**
 * Before an incident is resolved: restore every object paused for it across the configured targets,
 * or (keep) list each as an action item. Objects the incident's timeline says were paused and that
 * could not be checked also become action items.
 */
export async function restoreForIncident(env: AppEnv, incidentId: string, options: IncidentRestoreOptions = {}): Promise<IncidentRestore> {
  const ws = await env.workspace();
  const names = ws.ok ? targetNames(ws.value.config) : [];
  const restored: ObjectOutcome<RestoreOutcome>[] = [];
  const kept: KeptPaused[] = [];
  const unchecked: { target: string; reason: string }[] = [];
  const links: IncidentLink[] = [];
  const notes: string[] = [];
  const handled = new Set<string>();
  for (const name of names) {
    const opened = await env.target(name);
    if (!opened.ok) {
      unchecked.push({ target: name, reason: opened.reason });
      continue;
    }
    let owners: GitOpsOwner[];
    try {
      owners = (await detectOwners(opened.value.context.cluster, opened.value.target)).filter((o) => o.paused?.incident === incidentId);
    } catch (error) {
      unchecked.push({ target: name, reason: message(error) });
      continue;
    }
    for (const o of owners) handled.add(`${name}\n${o.label}`);
    if (options.keep !== undefined) {
      kept.push(...owners.map((o) => ({ target: name, object: o.label, why: `kept paused at the resolution of ${incidentId}: ${options.keep ?? ''}` })));
      continue;
    }
    // Restoring while git still says the bad image would undo the fix: kept paused, as an action item.
    const agreement = owners.length > 0 ? await gitAgreement(opened.value) : {};
    if (agreement.note) notes.push(agreement.note);
    if (agreement.blocked && !options.force) {
      kept.push(...owners.map((o) => ({ target: name, object: o.label, why: agreement.blocked ?? '' })));
      continue;
    }
    const done = await restoreOwners(opened.value, owners, `${incidentId} resolved`, incidentId, env);
    restored.push(...done.results);
    links.push(...done.links);
    for (const r of done.results) if (r.outcome.kind === 'failed') kept.push({ target: name, object: r.object, why: `the restore at the resolution of ${incidentId} failed: ${r.outcome.reason}` });
  }
  // What the timeline says was paused, not restored since, and not found above (its target unreachable).
  for (const p of await timelinePauses(env, incidentId)) {
    if (handled.has(`${p.target}\n${p.object}`)) continue;
    const why = unchecked.find((u) => u.target === p.target);
    if (why) kept.push({ target: p.target, object: p.object, why: `its target could not be checked at the resolution of ${incidentId}: ${why.reason}` });
  }
  const actionItems = kept.map((k) => restoreActionItem(k.object, k.target, k.why, options.restoreWords?.(restoreRemedy(k.target))));
  const lines = [
    ...notes.map((n) => `note: ${n}`),
    ...restored.map((r) => r.line),
    ...kept.map((k) => `Auto-sync of ${k.object} stays paused (${k.why}): an action item of the resolution.`),
  ];
  return { restored, kept, actionItems, unchecked, lines, links };
}

/** The objects paused for the incident per its timeline and not restored since. */
async function timelinePauses(env: AppEnv, incidentId: string): Promise<{ target: string; object: string }[]> {
  const opened = await env.incidents();
  if (!opened.ok) return [];
  const picked = await pickIncident(opened.value.context, incidentId);
  return picked.ok ? pausedInTimeline(picked.value.incident.events) : [];
}
