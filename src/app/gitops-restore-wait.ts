// A restore of GitOps auto-sync that waits for the manifests change to be merged, for gitops.ts: the
// request that carries it (the newest one recorded for the target in any incident's timeline, read
// again from the forge its manifests clone's remote is on), then the forge polled until the request
// is merged, closed, the time is up or the person stops it (core/gitops/merge-wait.ts decides).

import type { OpenDeploy } from '../adapters/deploy-workspace';
import { manifestsRemoteUrl } from '../adapters/gitops/manifests-remote';
import { resolveForge, type Forge, type PullRequestView } from '../core/hotfix/forge';
import { formatDuration } from '../core/incident/describe';
import { listIncidents } from '../core/incident/query';
import { closedFailure, noRequestFailure, recordedRequest, waitForMerge, waitingFailure, type Disagreement, type KnownRequest } from '../core/gitops/merge-wait';
import { systemClock, type Clock } from '../core/ports';
import type { Failed } from '../core/result';
import type { AppEnv } from './env';
import { message, refusedWith, type Refused } from './narrate';

/** How long a restore waits for the merge, and how often it asks the forge. */
export interface MergeWait {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
}

/** Half an hour, asking every 15 s: a review and a pipeline fit in it, and a forge's rate limit is never near. */
export const DEFAULT_MERGE_WAIT = { timeoutMs: 30 * 60_000, intervalMs: 15_000 } as const;

export interface LocatedRequest {
  readonly known?: KnownRequest;
  /** The forge it is on, opened with the person's token; undefined when it could not be. */
  readonly forge?: Forge;
  /** Why the forge could not be opened (no token, not a forge this tool knows): the wait's refusal. */
  readonly problem?: Failed;
}

const span = (ms: number): string => (ms < 1000 ? `${ms}ms` : formatDuration(ms));

const nounOf = (kind: string | undefined): string => (kind === 'github' ? 'pull request' : kind === 'gitlab' ? 'merge request' : 'request');

/**
 * The request carrying the target's manifests change: recorded with the change (its number, or its
 * branch in older records), read from the forge as it is now. Nothing recorded: nothing known.
 * `byBranch`: a record without a number is looked up by its branch too; else the forge is asked only
 * about a request opened through its API (whose token is at hand), never to sign in for a branch that
 * may not even be pushed (a deploy's record carries the address where its request would be opened).
 */
export async function locateRequest(env: AppEnv, opened: OpenDeploy, byBranch: boolean): Promise<LocatedRequest> {
  const { target, repository } = opened;
  const manifests = target.gitops.manifests;
  const incidents = await env.incidents();
  if (!manifests || !incidents.ok) return {};
  const recorded = recordedRequest((await listIncidents(incidents.value.context)).incidents, target.name);
  if (!recorded) return {};
  const remoteUrl = await manifestsRemoteUrl(repository.location.root, target);
  const base = { noun: nounOf(resolveForge(remoteUrl, manifests.forge)?.kind), branch: recorded.branch, ...(recorded.number !== undefined ? { number: recorded.number } : {}), ...(recorded.url !== undefined ? { url: recorded.url } : {}) };
  if (recorded.number === undefined && !byBranch) return { known: base };
  const { openForge } = await import('./forge.js');
  // Only a wait may ask the person to sign in; the refusal's look at the request may not.
  const forge = await openForge(env, remoteUrl, manifests.forge, `the request of ${target.name}'s manifests change is read through the forge`, { prompt: byBranch });
  if (!forge.ok) {
    return { known: { ...base, unread: forge.reason }, problem: forge };
  }
  try {
    const view = recorded.number !== undefined ? await forge.value.get(recorded.number) : await forge.value.findLatest(recorded.branch);
    const known: KnownRequest = { ...base, noun: forge.value.noun, ...(view ? { number: view.number, url: view.url, view } : { noneFound: true }) };
    return { known, forge: forge.value };
  } catch (error) {
    return { known: { ...base, noun: forge.value.noun, unread: message(error) }, forge: forge.value };
  }
}

export type WaitedForMerge =
  | { readonly kind: 'merged'; readonly view: PullRequestView; readonly noun: string }
  /** Given up (the time is up) or stopped by the person: auto-sync stays paused. */
  | { readonly kind: 'waiting'; readonly view: PullRequestView; readonly noun: string; readonly end: 'timeout' | 'stopped'; readonly failed: Failed }
  | Refused;

/** Waits for the located request to be merged, reporting each change of its state, checks or reviews. */
export async function waitForManifestsRequest(env: AppEnv, target: string, located: LocatedRequest, disagreement: Disagreement, wait: MergeWait, clock: Clock = systemClock): Promise<WaitedForMerge> {
  const { known, forge } = located;
  if (known === undefined || (forge !== undefined && known.number === undefined)) return refusedWith(noRequestFailure(target, disagreement, known));
  if (forge === undefined) return refusedWith(located.problem ?? noRequestFailure(target, disagreement, known));
  const first = known.view;
  if (first === undefined) return refusedWith({ reason: `Could not read ${known.noun} #${known.number ?? ''} of ${target}'s manifests change: ${known.unread ?? 'no answer'}.` });
  const intervalMs = wait.intervalMs ?? DEFAULT_MERGE_WAIT.intervalMs;
  if (first.state === 'open') env.interaction.progress(`waiting up to ${span(wait.timeoutMs)} for ${forge.noun} #${first.number} to be merged, asking every ${span(intervalMs)}: ${first.url}`);
  const done = await waitForMerge(forge, first, {
    timeoutMs: wait.timeoutMs,
    intervalMs,
    clock,
    ...(env.interaction.signal ? { signal: env.interaction.signal } : {}),
    progress: (line) => env.interaction.progress(line),
  }).catch((error: unknown) => new Error(message(error)));
  // The token or the request went away meanwhile (401, 403, 404): nothing was restored.
  if (done instanceof Error) return refusedWith({ reason: `Stopped waiting for ${forge.noun} #${first.number}: ${done.message}.`, hint: `Auto-sync of ${target} stays paused.` });
  const { view, end } = done;
  if (end === 'merged') return { kind: 'merged', view, noun: forge.noun };
  if (end === 'closed') return refusedWith(closedFailure(target, view, forge.noun, disagreement), { pull: view });
  return { kind: 'waiting', view, noun: forge.noun, end, failed: waitingFailure(target, view, forge.noun, end, done.ms) };
}
