// Pausing and restoring a target's GitOps auto-sync by hand (gitops pause | restore), and the restore
// an incident's resolution owes: every object paused for the incident, found across the configured
// targets by the incident annotation on the object itself, is restored, or, kept paused on purpose,
// becomes an action item of the resolution. Nothing stays paused silently.

import { targetNames } from '../core/config/targets';
import { detectOwners, type GitOpsOwner } from '../core/gitops/detect';
import { pausedInTimeline, restoreActionItem, restoreInstruction } from '../core/gitops/guard';
import { pauseAutoSync, restoreAutoSync, type PauseOutcome, type RestoreOutcome } from '../core/gitops/pause';
import type { EventPayload } from '../core/incident/events';
import { pickIncident } from '../core/incident/query';
import { badInput, failed, succeeded, unconfirmed, type Result } from '../core/result';
import { openDeploy, type OpenDeploy } from '../adapters/deploy-workspace';
import { restoreLine } from './gitops-guard';
import { linkedIncident, recordInIncident, type IncidentLink } from './incident-link';
import { openIncidents } from '../adapters/incident-workspace';
import { openWorkspace } from '../adapters/workspace';
import { readRunning } from '../core/running/read';

export interface ObjectOutcome<O> {
  readonly target: string;
  readonly object: string;
  readonly outcome: O;
  readonly line: string;
}

function pauseLine(label: string, outcome: PauseOutcome): string {
  switch (outcome.kind) {
    case 'paused':
      return `Paused auto-sync of ${label} (was ${outcome.previous}).`;
    case 'already-paused':
      return `${label} is already paused by ${outcome.mark.by} since ${outcome.mark.at}; that pause is kept.`;
    case 'not-syncing':
      return `${label} does not auto-sync: nothing to pause.`;
    default:
      return `warning: could not pause ${label}: ${outcome.reason}`;
  }
}

/** gitops pause: every owner of the target that auto-syncs, for the named (or only open) incident. */
export async function pauseTarget(opened: OpenDeploy, options: { readonly incident?: string; readonly confirmed: boolean }): Promise<Result<{ results: ObjectOutcome<PauseOutcome>[]; link: IncidentLink }>> {
  const { context: ctx, target } = opened;
  if (target.protected && !options.confirmed) return unconfirmed(`${target.name} is protected: pausing its GitOps auto-sync needs your confirmation.`, 'Confirm with --yes.');
  const root = opened.workspace.location.root;
  const link = await linkedIncident(root, options.incident);
  if (link.note && options.incident !== undefined) return badInput(link.note);
  const owners = await detectOwners(ctx.cluster, target);
  if (owners.length === 0) return failed(`Nothing labels ${target.name} as managed by Argo CD or Flux.`, 'gitops status shows what was looked at.');
  const results: ObjectOutcome<PauseOutcome>[] = [];
  for (const owner of owners.filter((o) => o.exists)) {
    const outcome = await pauseAutoSync(ctx, owner, link.incident ? { incident: link.incident } : {});
    results.push({ target: target.name, object: owner.label, outcome, line: pauseLine(owner.label, outcome) });
  }
  const how = restoreInstruction(target.name, link.incident);
  const events: EventPayload[] = results.flatMap((r) => (r.outcome.kind === 'paused' ? [{ type: 'gitops-paused' as const, target: target.name, object: r.object, previous: r.outcome.previous, restore: how }] : []));
  return succeeded({ results, link: events.length > 0 ? await recordInIncident(root, link.incident, events) : link });
}

/** Restores every object of the target paused by this tool (their annotations say so), or only those for `incident`. */
async function restoreOwners(opened: OpenDeploy, owners: readonly GitOpsOwner[], reason: string, incident?: string): Promise<{ results: ObjectOutcome<RestoreOutcome>[]; links: IncidentLink[] }> {
  const results: ObjectOutcome<RestoreOutcome>[] = [];
  const byIncident = new Map<string, EventPayload[]>();
  for (const owner of owners) {
    if (!owner.paused || (incident !== undefined && owner.paused.incident !== incident)) continue;
    const outcome = await restoreAutoSync(opened.context, owner, reason);
    results.push({ target: opened.target.name, object: owner.label, outcome, line: restoreLine(owner.label, outcome) });
    if ((outcome.kind === 'restored' || outcome.kind === 'changed-meanwhile') && owner.paused.incident) {
      const events = byIncident.get(owner.paused.incident) ?? [];
      events.push({ type: 'gitops-restored', target: opened.target.name, object: owner.label, reason });
      byIncident.set(owner.paused.incident, events);
    }
  }
  const root = opened.workspace.location.root;
  const links = await Promise.all([...byIncident].map(([id, events]) => recordInIncident(root, id, events)));
  return { results, links };
}

/**
 * Whether restoring auto-sync would put something else back: with gitops.manifests, the image git says
 * (the synced branch, fetched) against the one that runs. `blocked` says why not to restore yet;
 * `note` what could not be checked.
 */
export async function gitAgreement(opened: OpenDeploy): Promise<{ readonly blocked?: string; readonly note?: string }> {
  const { target, context, workspace } = opened;
  if (!target.gitops.manifests) return { note: `not checked that git says what ${target.name} runs (no targets.${target.name}.gitops.manifests): the controller applies git again as it is` };
  const running = await readRunning({ cluster: context.cluster, git: workspace.context.git }, target, { tagPrefix: workspace.context.settings.tagPrefix });
  if (!running.ok) return { note: `not checked that git says what ${target.name} runs: ${running.reason}` };
  const { imageInGit } = await import('../adapters/gitops/manifests-repo.js');
  const inGit = await imageInGit(workspace.location.root, target, running.value.image.image);
  if (!inGit.ok) return { note: `not checked that git says what ${target.name} runs: ${inGit.reason}` };
  const g = inGit.value;
  if (g.agrees) return {};
  return { blocked: `git still says ${g.image} (${g.file} on ${g.base}) while ${running.value.image.image} runs, so auto-sync would put ${g.image} back; merge the manifests change first` };
}

/** gitops restore: the target's paused objects get their previous policy back, once git says what runs (or forced). */
export async function restoreTarget(opened: OpenDeploy, options: { readonly confirmed: boolean; readonly reason?: string; readonly force?: boolean }): Promise<Result<{ results: ObjectOutcome<RestoreOutcome>[]; links: IncidentLink[]; notes: string[] }>> {
  const { target } = opened;
  if (target.protected && !options.confirmed) return unconfirmed(`${target.name} is protected: restoring its GitOps auto-sync needs your confirmation.`, 'Confirm with --yes.');
  const owners = await detectOwners(opened.context.cluster, target);
  const agreement = owners.some((o) => o.paused) ? await gitAgreement(opened) : {};
  if (agreement.blocked && !options.force) return failed(`Not restored: ${agreement.blocked}.`, `gitops prepare makes the change; or restore anyway with --force (the controller will apply what git says).`);
  const done = await restoreOwners(opened, owners, options.reason ?? `restored by hand (gitops restore) by ${opened.context.actor}`);
  return succeeded({ ...done, notes: [...(agreement.note ? [agreement.note] : []), ...(agreement.blocked ? [`restored although ${agreement.blocked} (--force)`] : [])] });
}

export interface IncidentRestore {
  readonly restored: readonly ObjectOutcome<RestoreOutcome>[];
  /** Objects kept paused (--keep-gitops-paused) or not restorable: each has an action item. */
  readonly kept: readonly { readonly target: string; readonly object: string; readonly why: string }[];
  /** The action items the resolution must carry, `;`-separated as --action-items takes them. */
  readonly actionItems: readonly string[];
  /** Targets that could not be checked (no kubeconfig, cluster down), and why. */
  readonly unchecked: readonly { readonly target: string; readonly reason: string }[];
  readonly lines: readonly string[];
  readonly links: readonly IncidentLink[];
}

export interface IncidentRestoreOptions {
  readonly kubeconfig?: string;
  /** Keep them paused, saying why: each becomes an action item of the resolution. */
  readonly keep?: string;
  /** Restore even where git does not yet say what runs (the controller then puts git's image back). */
  readonly force?: boolean;
}

/**
 * Before an incident is resolved: restore every object paused for it across the configured targets,
 * or (keep) list each as an action item. Objects the incident's timeline says were paused and that
 * could not be checked also become action items.
 */
export async function restoreForIncident(root: string, incidentId: string, options: IncidentRestoreOptions = {}): Promise<IncidentRestore> {
  const ws = await openWorkspace(root);
  const names = ws.ok ? targetNames(ws.value.config) : [];
  const restored: ObjectOutcome<RestoreOutcome>[] = [];
  const kept: { target: string; object: string; why: string }[] = [];
  const unchecked: { target: string; reason: string }[] = [];
  const links: IncidentLink[] = [];
  const notes: string[] = [];
  const handled = new Set<string>();
  for (const name of names) {
    const opened = await openDeploy(root, name, options.kubeconfig ? { kubeconfig: options.kubeconfig } : {});
    if (!opened.ok) {
      unchecked.push({ target: name, reason: opened.reason });
      continue;
    }
    let owners: GitOpsOwner[];
    try {
      owners = (await detectOwners(opened.value.context.cluster, opened.value.target)).filter((o) => o.paused?.incident === incidentId);
    } catch (error) {
      unchecked.push({ target: name, reason: error instanceof Error ? error.message : String(error) });
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
    const done = await restoreOwners(opened.value, owners, `${incidentId} resolved`, incidentId);
    restored.push(...done.results);
    links.push(...done.links);
    for (const r of done.results) if (r.outcome.kind === 'failed') kept.push({ target: name, object: r.object, why: `the restore at the resolution of ${incidentId} failed: ${r.outcome.reason}` });
  }
  // What the timeline says was paused, not restored since, and not found above (its target unreachable).
  for (const p of await timelinePauses(root, incidentId)) {
    if (handled.has(`${p.target}\n${p.object}`)) continue;
    const why = unchecked.find((u) => u.target === p.target);
    if (why) kept.push({ target: p.target, object: p.object, why: `its target could not be checked at the resolution of ${incidentId}: ${why.reason}` });
  }
  const actionItems = kept.map((k) => restoreActionItem(k.object, k.target, k.why));
  const lines = [
    ...notes.map((n) => `note: ${n}`),
    ...restored.map((r) => r.line),
    ...kept.map((k) => `Auto-sync of ${k.object} stays paused (${k.why}): an action item of the resolution.`),
  ];
  return { restored, kept, actionItems, unchecked, lines, links };
}

/** The objects paused for the incident per its timeline and not restored since. */
async function timelinePauses(root: string, incidentId: string): Promise<{ target: string; object: string }[]> {
  const opened = await openIncidents(root);
  if (!opened.ok) return [];
  const picked = await pickIncident(opened.value.context, incidentId);
  return picked.ok ? pausedInTimeline(picked.value.incident.events) : [];
}
