// Finishing a hotfix, once for the CLI and VS Code: start, continue or abort the finish state machine
// (src/core/hotfix/finish.ts), ask before an abort undoes the work, and put a finished hotfix into
// the incident timeline.

import { abortFinish, continueFinish, finishHotfix as startFinish, type FinishOutcome } from '../core/hotfix/finish';
import { FINISH_KEY, type FinishState } from '../core/hotfix/records';
import { badInput } from '../core/result';
import { CANCELLED, noteRepository, type Cancelled } from './narrate';
import type { AppEnv } from './env';
import { finishedEvent, linkIncident, recordEvents, type IncidentLink } from './incident-link';

/** The options of `finish`, by the names its remedies use. */
export interface FinishRequest {
  /** Which hotfix branch; default: the one checked out, or the only one. */
  readonly branch?: string;
  /** Push the branches and the tag (default true). */
  readonly push?: boolean;
  /** Resume the finish in progress, after a conflict was resolved or a failure fixed. */
  readonly continue?: boolean;
  /** Undo the finish in progress: every branch and tag back where it was. */
  readonly abort?: boolean;
}

export type Finished = Extract<FinishOutcome, { kind: 'finished' }> & {
  /** The incident timeline the finish went to, or why none. */
  readonly link: IncidentLink;
};

/** The engine's outcome (finished, stopped on a conflict, aborted, failed), or the person said no. */
export type FinishResult = Finished | Exclude<FinishOutcome, { kind: 'finished' }> | Cancelled;

export async function finishHotfix(env: AppEnv, request: FinishRequest = {}): Promise<FinishResult> {
  if (request.continue === true && request.abort === true) {
    return { ...badInput('A finish cannot be continued and aborted at once.', 'Choose one.'), kind: 'failed', resumable: false };
  }
  const opened = await env.workspace();
  if (!opened.ok) return { ...opened, kind: 'failed', resumable: false };
  const { context } = opened.value;
  noteRepository(env, opened.value);
  const progress = (message: string) => env.interaction.progress(message);

  if (request.abort === true) {
    // Asked only when there is something to put back that can be put back (a pushed finish is refused).
    const state = await context.store.read<FinishState>(FINISH_KEY);
    if (state && !state.pushStarted) {
      const yes = await env.interaction.confirm({
        action: `Abort the finish of ${state.branch}`,
        detail: 'Every branch and tag goes back to where it was before the finish began; the hotfix branch keeps its commits.',
        button: 'Abort Finish',
      });
      if (!yes) return CANCELLED;
    }
    return abortFinish(context, progress);
  }
  const outcome = request.continue === true
    ? await continueFinish(context, progress)
    : await startFinish(context, { push: request.push ?? true, ...(request.branch !== undefined ? { branch: request.branch } : {}) }, progress);
  if (outcome.kind !== 'finished') return outcome;
  // Into the linked incident's timeline: the tag, the branches and the fix's commits.
  const link = await linkIncident(env);
  const recorded = link.incident ? await recordEvents(env, link.incident, [finishedEvent(outcome)]) : link;
  return { ...outcome, link: recorded };
}
