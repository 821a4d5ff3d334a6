// A restore of GitOps auto-sync that waits for the manifests change to be merged: which pull (merge)
// request carries the change (the newest one an incident's timeline recorded for the target), the
// poll of the forge until it is merged, closed, the time is up or the person stops it, and the
// refusals in words. Pure: the forge, the clock and the signal are ports (src/app/gitops-restore-wait.ts wires them).

import type { Incident } from '../incident/model';
import { formatDuration } from '../incident/describe';
import type { Clock } from '../ports';
import { remedy } from '../remedy';
import { failed, type Failed } from '../result';
import { isForgeError, pullRequestLine, type Forge, type PullRequestView } from '../hotfix/forge';

/** What a timeline says of the request carrying a target's manifests change. */
export interface RecordedRequest {
  readonly incident: string;
  readonly at: string;
  /** The pushed manifests branch: the request's head. */
  readonly branch: string;
  /** Its address (or, when no request was opened through the API, where to open one). */
  readonly url?: string;
  /** Recorded since the number is kept; older records are found again by their branch. */
  readonly number?: number;
}

/** The newest `manifests-prepared` of `target` that carries a request, across the incidents given. */
export function recordedRequest(incidents: readonly Pick<Incident, 'id' | 'events'>[], target: string): RecordedRequest | undefined {
  let newest: RecordedRequest | undefined;
  for (const incident of incidents) {
    for (const e of incident.events) {
      if (e.type !== 'manifests-prepared' || e.target !== target || (e.pullRequest === undefined && e.pullRequestNumber === undefined)) continue;
      // ISO 8601 in UTC compares as text; a tie goes to the later write.
      if (newest !== undefined && e.at < newest.at) continue;
      newest = { incident: incident.id, at: e.at, branch: e.branch, ...(e.pullRequest !== undefined ? { url: e.pullRequest } : {}), ...(e.pullRequestNumber !== undefined ? { number: e.pullRequestNumber } : {}) };
    }
  }
  return newest;
}

/** What is known of the request carrying a target's manifests change when git disagrees. */
export interface KnownRequest {
  /** "pull request", "merge request", or "request" when the forge is not known. */
  readonly noun: string;
  readonly branch: string;
  readonly number?: number;
  readonly url?: string;
  /** As the forge says it now; undefined when it was not read. */
  readonly view?: PullRequestView;
  /** Why the forge was not read (no token, no forge, an API failure). */
  readonly unread?: string;
  /** The forge was asked for the branch's requests (a record without the number) and had none. */
  readonly noneFound?: boolean;
}

/** Whether waiting for the request's merge can help: a request with a number that is not known to be merged or closed. */
export function canWait(request: KnownRequest | undefined): boolean {
  return request?.number !== undefined && (request.view === undefined || request.view.state === 'open');
}

const capital = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
const named = (r: KnownRequest): string => (r.number !== undefined ? `${r.noun} #${r.number}${r.url ? ` (${r.url})` : ''}` : `the ${r.noun} from ${r.branch}`);

/** The remedies every refusal of a restore offers besides its own: restoring anyway, knowing what the controller does. */
const anyway = (target: string) => remedy('gitops.restore', { target, force: true }, { why: 'the controller will apply what git says' });
const prepareAgain = (target: string) => remedy('gitops.prepare', { target, push: true });

/**
 * The refusal while git says another image: what `blocked` says, with the request that carries the
 * change when one is known (and waiting for its merge as a remedy when that can help).
 */
export function disagreementFailure(target: string, blocked: string, request: KnownRequest | undefined): Failed {
  const reason = `Not restored: ${blocked}.`;
  const ANYWAY = 'or restore anyway: the controller then applies what git says.';
  if (request === undefined) return failed(reason, `Prepare the manifests change and merge it first, ${ANYWAY}`, [remedy('gitops.prepare', { target }), anyway(target)]);
  if (canWait(request)) {
    const state = request.view ? `: ${pullRequestLine(request.view, request.noun)}` : request.unread ? ` (its state could not be read: ${request.unread})` : '';
    return failed(reason, `${capital(named(request))} carries the manifests change${state}. Restore once it is merged, or wait for its merge and restore then, ${ANYWAY}`, [
      remedy('gitops.restore', { target, wait: true }, { why: `waits for ${request.noun} #${request.number ?? ''} to be merged, then restores` }),
      anyway(target),
    ]);
  }
  const what =
    request.view?.state === 'merged'
      ? `${capital(named(request))} was merged, yet git still says another image: prepare the change again from what the controller syncs,`
      : request.view?.state === 'closed'
        ? `${capital(named(request))} was closed without merging: prepare the manifests change again (a new request is opened),`
        : `The manifests change was prepared on ${request.branch}${request.url ? ` (${request.url})` : ''}${request.noneFound ? ', but the forge has no request from it' : request.unread ? `; its request could not be read (${request.unread})` : ''}: push it if it is not, and have its request merged,`;
  return failed(reason, `${what} ${ANYWAY}`, [prepareAgain(target), anyway(target)]);
}

/** Git (the branch the controller syncs) says another image than the one that runs. */
export interface Disagreement {
  readonly inGit: string;
  readonly file: string;
  /** The branch looked at, as fetched (`origin/main`). */
  readonly base: string;
  readonly running: string;
}

const gitSays = (d: Disagreement): string => `git still says ${d.inGit} (${d.file} on ${d.base}) while ${d.running} runs`;

/** Waiting was asked, but no request carries the change: nothing would ever be merged. */
export function noRequestFailure(target: string, d: Disagreement, request: KnownRequest | undefined): Failed {
  const found = request === undefined ? '' : request.unread ? ` (the request from ${request.branch} could not be read: ${request.unread})` : ` (the forge has none from ${request.branch})`;
  return failed(
    `Not restored: ${gitSays(d)}, and no pull or merge request carries the manifests change to wait for${found}.`,
    'Prepare the manifests change and push it (its request is opened through the forge), then restore waiting for its merge, or restore anyway: the controller then applies what git says.',
    [prepareAgain(target), anyway(target)],
  );
}

/** The request was closed without merging while (or before) the restore waited. */
export function closedFailure(target: string, view: PullRequestView, noun: string, d: Disagreement): Failed {
  return failed(
    `Not restored: ${noun} #${view.number} (${view.url}) was closed without merging, so ${gitSays(d)}.`,
    'Prepare the manifests change again and push it (a new request is opened), then restore once it is merged, or restore anyway: the controller then applies what git says.',
    [prepareAgain(target), anyway(target)],
  );
}

export type MergeWaitEnd = 'merged' | 'closed' | 'timeout' | 'stopped';

/** The wait given up (the time is up, or the person stopped it): auto-sync stays paused. */
export function waitingFailure(target: string, view: PullRequestView, noun: string, end: 'timeout' | 'stopped', ms: number): Failed {
  const line = pullRequestLine(view, noun);
  return failed(
    end === 'timeout' ? `Not restored yet: ${line}, after waiting ${formatDuration(ms)}.` : `Stopped waiting for ${noun} #${view.number}: ${line}.`,
    `Auto-sync of ${target} stays paused. Once ${noun} #${view.number} (${view.url}) is merged, restore, or wait again.`,
    [remedy('gitops.restore', { target, wait: true }, { why: `waits for ${noun} #${view.number} to be merged, then restores` })],
  );
}

export interface MergeWaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly clock: Clock;
  /** Stops the wait at once (Ctrl-C, a notification's Cancel). */
  readonly signal?: AbortSignal;
  /** A line whenever the request's state, checks or reviews read differently. */
  readonly progress: (line: string) => void;
}

export interface MergeWaitResult {
  readonly end: MergeWaitEnd;
  /** The request as last read. */
  readonly view: PullRequestView;
  readonly ms: number;
}

/**
 * Polls the request (`first` as just read) every interval until it is merged or closed, the time is up,
 * or the signal stops it. A forge that does not answer for a moment is asked again; a token or a
 * request that is gone (401, 403, 404) ends the wait with the error.
 */
export async function waitForMerge(forge: Pick<Forge, 'get' | 'noun'>, first: PullRequestView, options: MergeWaitOptions): Promise<MergeWaitResult> {
  const { clock, signal } = options;
  const start = clock.now().getTime();
  const elapsed = () => clock.now().getTime() - start;
  let view = first;
  let said = pullRequestLine(view, forge.noun);
  options.progress(said);
  for (;;) {
    if (view.state === 'merged' || view.state === 'closed') return { end: view.state, view, ms: elapsed() };
    if (signal?.aborted) return { end: 'stopped', view, ms: elapsed() };
    const left = options.timeoutMs - elapsed();
    if (left <= 0) return { end: 'timeout', view, ms: elapsed() };
    try {
      await clock.sleep(Math.min(options.intervalMs, left), signal);
    } catch {
      return { end: 'stopped', view, ms: elapsed() };
    }
    try {
      view = await forge.get(view.number);
    } catch (error) {
      if (isForgeError(error, 401, 403, 404) || !(error instanceof Error)) throw error;
      options.progress(`could not read ${forge.noun} #${view.number} (${error.message}); asking again`);
      continue;
    }
    const line = pullRequestLine(view, forge.noun);
    if (line !== said) options.progress(line);
    said = line;
  }
}
