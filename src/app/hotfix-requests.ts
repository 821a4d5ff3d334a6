// The requests of a finish that goes through a forge, as the forge sees them now: for the Hotfixes
// view's rows (checks, reviews, mergeability) and `status`. Read-only: nothing is written, and a
// request the forge cannot show is a line saying why, never a failed status.

import type { Forge, PullRequestView } from '../core/hotfix/forge';
import { FINISH_KEY, type FinishState } from '../core/hotfix/records';
import type { AppEnv } from './env';
import { openForge } from './forge';
import { message } from './narrate';

/** One request the finish opened, by the branch it goes into. */
export interface FinishRequestRow {
  readonly into: string;
  readonly number: number;
  readonly url: string;
  /** Whether the finish has already seen it merged (then it is not asked for again). */
  readonly merged: boolean;
  /** What the forge says now; absent when the finish saw it merged, or the forge could not be asked. */
  readonly view?: PullRequestView;
  /** Why the forge could not be asked (no token, expired token, unreachable), as one line. */
  readonly error?: string;
}

export type FinishRequests =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'requests';
      readonly branch: string;
      /** "pull request" or "merge request". */
      readonly noun: string;
      /** The base branch whose request the finish waits for now, if it waits. */
      readonly waitingOn?: string;
      readonly rows: readonly FinishRequestRow[];
    };

/** The requests of the finish in progress, read live from the forge (only those not yet seen merged). */
export async function finishRequests(env: AppEnv): Promise<FinishRequests> {
  const opened = await env.workspace();
  if (!opened.ok) return { kind: 'none' };
  const { context } = opened.value;
  const state = await context.store.read<FinishState>(FINISH_KEY);
  const pulls = Object.entries(state?.pulls ?? {});
  if (!state || pulls.length === 0) return { kind: 'none' };
  const noun = state.forge?.kind === 'gitlab' ? 'merge request' : 'pull request';
  const next = state.plan.find((step) => !state.done.includes(step));
  const waitingOn = next?.startsWith('await:') ? next.slice('await:'.length) : undefined;
  const base = { kind: 'requests' as const, branch: state.branch, noun, ...(waitingOn !== undefined ? { waitingOn } : {}) };
  const seen = (into: string, p: { number: number; url: string; mergeCommit?: string }) => ({ into, number: p.number, url: p.url, merged: p.mergeCommit !== undefined });
  if (pulls.every(([, p]) => p.mergeCommit !== undefined)) return { ...base, rows: pulls.map(([into, p]) => seen(into, p)) };
  const { settings, git } = context;
  const url = settings.remote !== undefined ? await git.remoteUrl(settings.remote).catch(() => undefined) : undefined;
  const forge = await openForge(env, url, settings.forge, `the finish of ${state.branch} waits for its requests`);
  if (!forge.ok) return { ...base, rows: pulls.map(([into, p]) => ({ ...seen(into, p), ...(p.mergeCommit === undefined ? { error: forge.reason } : {}) })) };
  const rows = await Promise.all(pulls.map(([into, p]) => (p.mergeCommit !== undefined ? Promise.resolve(seen(into, p)) : look(forge.value, into, p))));
  return { ...base, rows };
}

async function look(forge: Forge, into: string, p: { number: number; url: string }): Promise<FinishRequestRow> {
  try {
    const view = await forge.get(p.number);
    return { into, number: p.number, url: p.url, merged: view.state === 'merged', view };
  } catch (error) {
    return { into, number: p.number, url: p.url, merged: false, error: message(error) };
  }
}

const MERGE_STATES: Readonly<Record<string, string>> = {
  clean: 'ready to merge',
  blocked: 'blocked by the branch rules',
  behind: 'behind its base',
  unstable: 'mergeable, with checks failing',
  draft: 'a draft',
};

/** Whether an open request can be merged now, in words (the forge's merge state, GitLab's mapped to GitHub's). */
export function mergeWords(view: PullRequestView): string {
  if (view.mergeable === false || view.mergeState === 'dirty') return 'conflicts with its base';
  if (view.mergeable === undefined || view.mergeState === 'unknown') return 'mergeability being computed';
  return MERGE_STATES[view.mergeState] ?? view.mergeState;
}

/** The checks of its head: those failed and pending by name, the passed counted. */
export function checkWords(view: PullRequestView): string {
  const { passed, pending, failed } = view.checks;
  return [failed.length > 0 ? `${failed.join(', ')} failed` : '', pending.length > 0 ? `${pending.join(', ')} pending` : '', passed.length > 0 ? `${passed.length} passed` : ''].filter(Boolean).join(', ');
}

/** The row's description: merged, or what stands between it and the merge. */
export function requestDescription(row: FinishRequestRow): string {
  if (row.merged) return 'merged';
  if (row.error !== undefined) return `not read: ${row.error}`;
  const view = row.view;
  if (!view) return '';
  if (view.state === 'closed') return 'closed without merging';
  const reviews = view.reviews.changesRequested.length > 0 ? `changes requested by ${view.reviews.changesRequested.join(', ')}` : view.reviews.approved.length > 0 ? `approved by ${view.reviews.approved.join(', ')}` : 'no approval yet';
  return [mergeWords(view), reviews, `checks: ${checkWords(view) || 'none'}`].join(' · ');
}
