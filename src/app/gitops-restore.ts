// Restoring a target's paused GitOps objects, for `gitops restore` (gitops.ts) and an incident's
// resolution (incident-gitops.ts), and whether git says what runs (so a restore would not undo the fix).

import type { GitOpsOwner } from '../core/gitops/detect';
import type { Disagreement } from '../core/gitops/merge-wait';
import { restoreAutoSync, type RestoreOutcome } from '../core/gitops/pause';
import type { EventPayload } from '../core/incident/events';
import type { OpenDeploy } from '../adapters/deploy-workspace';
import { restoreLine } from './gitops-guard';
import type { AppEnv } from './env';
import { recordEvents, type IncidentLink } from './incident-link';
import { readRunning } from '../core/running/read';

export interface ObjectOutcome<O> {
  readonly target: string;
  readonly object: string;
  readonly outcome: O;
  readonly line: string;
}

/**
 * Restores every object of the target paused by this tool (their annotations say so), or only those
 * for `incident`; the restores go into the timelines of the incidents they were paused for, through
 * `env` (the operation's store and channels).
 */
export async function restoreOwners(opened: OpenDeploy, owners: readonly GitOpsOwner[], reason: string, incident: string | undefined, env: AppEnv): Promise<{ results: ObjectOutcome<RestoreOutcome>[]; links: IncidentLink[] }> {
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
  const links = await Promise.all([...byIncident].map(([id, events]) => recordEvents(env, id, events)));
  return { results, links };
}

/**
 * Whether restoring auto-sync would put something else back: with gitops.manifests, the image git says
 * (the synced branch, fetched) against the one that runs. `blocked` says why not to restore yet;
 * `note` what could not be checked.
 */
export async function gitAgreement(opened: OpenDeploy): Promise<{ readonly blocked?: string; readonly disagreement?: GitDisagreement; readonly note?: string }> {
  const { target, context, repository } = opened;
  if (!target.gitops.manifests) return { note: `not checked that git says what ${target.name} runs (no targets.${target.name}.gitops.manifests): the controller applies git again as it is` };
  const running = await readRunning({ cluster: context.cluster, git: repository.git }, target, { tagPrefix: await repository.tagPrefix() });
  if (!running.ok) return { note: `not checked that git says what ${target.name} runs: ${running.reason}` };
  const { imageInGit } = await import('../adapters/gitops/manifests-repo.js');
  const inGit = await imageInGit(repository.location.root, target, running.value.image.image);
  if (!inGit.ok) return { note: `not checked that git says what ${target.name} runs: ${inGit.reason}` };
  const g = inGit.value;
  if (g.agrees) return {};
  return {
    blocked: `git still says ${g.image} (${g.file} on ${g.base}) while ${running.value.image.image} runs, so auto-sync would put ${g.image} back; merge the manifests change first`,
    disagreement: { inGit: g.image, file: g.file, base: g.base, running: running.value.image.image },
  };
}

/** Git (the manifests branch the controller syncs, `base` as fetched: `origin/main`) says another image than the one that runs. */
export type GitDisagreement = Disagreement;

