// gitops status, pause and restore, written once for every front end: what Argo CD or Flux owns a
// target and when it reverts an imperative change; pausing its auto-sync by hand (for the named, else
// the only open, incident; recorded in its timeline); and putting the previous policy back once git
// says what runs (or forced, knowing the controller will apply git's image). A protected target is
// confirmed by its typed name; an ordinary one as the front end confirms (a modal; the CLI goes on).

import type { GitOpsAutoSync } from '../core/config/types';
import { detectOwners, type GitOpsOwner } from '../core/gitops/detect';
import { restoreInstruction, restoreRemedy } from '../core/gitops/guard';
import { pauseAutoSync, type PauseOutcome, type RestoreOutcome } from '../core/gitops/pause';
import type { EventPayload } from '../core/incident/events';
import { canWait, disagreementFailure, type KnownRequest } from '../core/gitops/merge-wait';
import type { PullRequestView } from '../core/hotfix/forge';
import { remedy, type Remedy } from '../core/remedy';
import type { AppEnv } from './env';
import { gitAgreement, restoreOwners, type GitDisagreement, type ObjectOutcome } from './gitops-restore';
import { locateRequest, waitForManifestsRequest, type MergeWait } from './gitops-restore-wait';
import { linkIncident, recordEvents, type IncidentLink } from './incident-link';
import { confirmTarget, openTarget } from './deploy-steps';
import { isRefused, message, refusal, type Cancelled, type Refused } from './narrate';

export type { GitDisagreement, KnownRequest, MergeWait, ObjectOutcome };
export { DEFAULT_MERGE_WAIT } from './gitops-restore-wait';

export interface GitopsRequest {
  readonly target: string;
}

export type GitopsStatusOutcome = { readonly kind: 'status'; readonly target: string; readonly mode: GitOpsAutoSync; readonly owners: readonly GitOpsOwner[] } | Refused;

/** gitops status: the target's Argo CD Applications and Flux objects, their auto-sync, what reverts when, and any pause. */
export async function gitopsStatus(env: AppEnv, request: GitopsRequest): Promise<GitopsStatusOutcome> {
  const o = await openTarget(env, request.target);
  if (isRefused(o)) return o;
  try {
    return { kind: 'status', target: o.target.name, mode: o.target.gitops.autoSync, owners: await detectOwners(o.context.cluster, o.target) };
  } catch (error) {
    return refusal(`Could not read the GitOps owners of ${o.target.name}: ${message(error)}`);
  }
}

/** A pause's outcome in words, for both front ends. */
export function pauseLine(label: string, outcome: PauseOutcome): string {
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

export interface PauseRequest extends GitopsRequest {
  /** The incident the pause belongs to (default: the only open one); resolving it restores the pause. */
  readonly incident?: string;
}

export type GitopsPauseOutcome =
  | {
      readonly kind: 'paused';
      readonly target: string;
      /** Each owner that exists, and what pausing it did. */
      readonly results: readonly ObjectOutcome<PauseOutcome>[];
      /** Whether any owner could not be paused (the others stay paused). */
      readonly failedAny: boolean;
      readonly incident?: string;
      readonly link: IncidentLink;
      /** What restores the pauses made (also done when the incident is resolved). */
      readonly remedy?: Remedy;
    }
  | Refused
  | Cancelled;

/** gitops pause: every owner of the target that auto-syncs, for the named (or only open) incident. */
export async function gitopsPause(env: AppEnv, request: PauseRequest): Promise<GitopsPauseOutcome> {
  const o = await openTarget(env, request.target);
  if (isRefused(o)) return o;
  const { context: ctx, target } = o;
  const declined = await confirmTarget(env, o, {
    action: `Pause GitOps auto-sync of ${target.name}: Argo CD or Flux stops applying git until restored`,
    button: 'Pause Auto-Sync',
    verb: 'pausing its GitOps auto-sync',
    refusal: `${target.name} is protected: pausing its GitOps auto-sync needs your confirmation.`,
    again: { operation: 'gitops.pause', options: { target: target.name, ...(request.incident !== undefined ? { incident: request.incident } : {}) } },
  });
  if (declined) return declined;
  const link = await linkIncident(env, request.incident);
  if (link.note && request.incident !== undefined) return refusal(link.note, undefined, 'input');
  let owners: GitOpsOwner[];
  try {
    owners = await detectOwners(ctx.cluster, target);
  } catch (error) {
    return refusal(`Could not pause auto-sync for ${target.name}: ${message(error)}`);
  }
  if (owners.length === 0) return refusal(`Nothing labels ${target.name} as managed by Argo CD or Flux.`, 'Its GitOps status shows what was looked at.', undefined, [remedy('gitops.status', { target: target.name })]);
  const results: ObjectOutcome<PauseOutcome>[] = [];
  for (const owner of owners.filter((x) => x.exists)) {
    const outcome = await pauseAutoSync(ctx, owner, link.incident ? { incident: link.incident } : {});
    results.push({ target: target.name, object: owner.label, outcome, line: pauseLine(owner.label, outcome) });
  }
  const how = restoreInstruction(target.name, link.incident);
  const events: EventPayload[] = results.flatMap((r) => (r.outcome.kind === 'paused' ? [{ type: 'gitops-paused' as const, target: target.name, object: r.object, previous: r.outcome.previous, restore: how }] : []));
  const recorded = events.length > 0 ? await recordEvents(env, link.incident, events) : link;
  return {
    kind: 'paused',
    target: target.name,
    results,
    failedAny: results.some((r) => r.outcome.kind === 'failed'),
    ...(link.incident ? { incident: link.incident } : {}),
    link: recorded,
    ...(events.length > 0 ? { remedy: restoreRemedy(target.name) } : {}),
  };
}

export interface RestoreRequest extends GitopsRequest {
  /** Restore although git (gitops.manifests) still says another image: the controller will put it back. */
  readonly force?: boolean;
  /**
   * While git says another image, wait for the request carrying the manifests change to be merged,
   * then check git again and restore (DEFAULT_MERGE_WAIT: how long, how often).
   */
  readonly wait?: MergeWait;
  /** How the person asked for it, for the reason recorded on the object and in the timeline (`gitops restore`). */
  readonly via?: string;
}

/** The request a restore waited for, merged. */
export interface WaitedRequest {
  readonly noun: string;
  readonly number: number;
  readonly url: string;
  readonly mergeCommit?: string;
}

export type GitopsRestoreOutcome =
  | {
      readonly kind: 'restored';
      readonly target: string;
      /** Each object paused by this tool, and what restoring it did; empty: nothing was paused. */
      readonly results: readonly ObjectOutcome<RestoreOutcome>[];
      readonly failedAny: boolean;
      readonly links: readonly IncidentLink[];
      /** What could not be checked (no gitops.manifests, git unreadable). */
      readonly notes: readonly string[];
      /** Restored although git said another image (forced). */
      readonly forcedPast?: GitDisagreement;
      /** Restored once this request was merged (the restore waited for it). */
      readonly waited?: WaitedRequest;
    }
  /**
   * Not restored: git still says another image than the one that runs, so auto-sync would put it back.
   * `request`: the request carrying the manifests change, when one is recorded; `canWait`: waiting for its merge can help.
   */
  | { readonly kind: 'git-disagrees'; readonly target: string; readonly disagreement: GitDisagreement; readonly request?: KnownRequest; readonly canWait: boolean; readonly failed: Refused['failed'] }
  /** Not restored yet: the wait for the request's merge was given up (`timeout`) or stopped by the person; auto-sync stays paused. */
  | { readonly kind: 'waiting'; readonly target: string; readonly pull: PullRequestView; readonly noun: string; readonly end: 'timeout' | 'stopped'; readonly disagreement: GitDisagreement; readonly failed: Refused['failed'] }
  | Refused
  | Cancelled;

/** gitops restore: the target's paused objects get their previous policy back, once git says what runs (or forced). */
export async function gitopsRestore(env: AppEnv, request: RestoreRequest): Promise<GitopsRestoreOutcome> {
  const o = await openTarget(env, request.target);
  if (isRefused(o)) return o;
  const { target } = o;
  const force = request.force === true;
  const declined = await confirmTarget(env, o, {
    action: `Restore GitOps auto-sync of ${target.name}: the controller applies what git says again`,
    button: 'Restore Auto-Sync',
    verb: 'restoring its GitOps auto-sync',
    refusal: `${target.name} is protected: restoring its GitOps auto-sync needs your confirmation.`,
    again: { operation: 'gitops.restore', options: { target: target.name, ...(force ? { force: true } : {}), ...(request.wait && !force ? { wait: true } : {}) } },
  });
  if (declined) return declined;
  const detect = async (): Promise<GitOpsOwner[] | Refused> => {
    try {
      return await detectOwners(o.context.cluster, target);
    } catch (error) {
      return refusal(`Could not restore auto-sync for ${target.name}: ${message(error)}`);
    }
  };
  let owners = await detect();
  if (isRefused(owners)) return owners;
  let agreement = owners.some((x) => x.paused) ? await gitAgreement(o) : {};
  let waited: WaitedRequest | undefined;
  if (agreement.blocked !== undefined && agreement.disagreement !== undefined && !force) {
    const located = await locateRequest(env, o, request.wait !== undefined);
    if (!request.wait) return gitDisagrees(target.name, agreement.blocked, agreement.disagreement, located.known);
    const merged = await waitForManifestsRequest(env, target.name, located, agreement.disagreement, request.wait);
    if (merged.kind === 'refused') return merged;
    if (merged.kind === 'waiting') return { kind: 'waiting', target: target.name, pull: merged.view, noun: merged.noun, end: merged.end, disagreement: agreement.disagreement, failed: merged.failed };
    const { view } = merged;
    waited = { noun: merged.noun, number: view.number, url: view.url, ...(view.mergeCommit ? { mergeCommit: view.mergeCommit } : {}) };
    // The merge moved git and time went by: git fetched and read again, the owners as they are now.
    agreement = await gitAgreement(o);
    if (agreement.blocked !== undefined && agreement.disagreement !== undefined) {
      return gitDisagrees(target.name, agreement.blocked, agreement.disagreement, { noun: merged.noun, branch: view.head, number: view.number, url: view.url, view });
    }
    owners = await detect();
    if (isRefused(owners)) return owners;
  }
  const disagreement = agreement.blocked !== undefined ? agreement.disagreement : undefined;
  const how = `restored by hand${request.via ? ` (${request.via})` : ''} by ${o.context.actor}`;
  const reason = waited ? `${how}, after waiting for ${waited.noun} #${waited.number} to be merged` : how;
  const done = await restoreOwners(o, owners, reason, undefined, env);
  return {
    kind: 'restored',
    target: target.name,
    ...done,
    failedAny: done.results.some((r) => r.outcome.kind === 'failed'),
    notes: [...(agreement.note ? [agreement.note] : []), ...(agreement.blocked ? [`restored although ${agreement.blocked} (forced)`] : [])],
    ...(disagreement && force ? { forcedPast: disagreement } : {}),
    ...(waited ? { waited } : {}),
  };
}

/** The refusal while git says another image, naming the request that carries the change when one is known. */
function gitDisagrees(target: string, blocked: string, disagreement: GitDisagreement, request: KnownRequest | undefined): GitopsRestoreOutcome {
  return { kind: 'git-disagrees', target, disagreement, ...(request ? { request } : {}), canWait: canWait(request), failed: disagreementFailure(target, blocked, request) };
}
