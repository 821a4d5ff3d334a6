// Finishing a hotfix, once for the CLI and VS Code: start, continue or abort the finish state machine
// (src/core/hotfix/finish.ts), ask before an abort undoes the work, and put a finished hotfix into
// the incident timeline.

import { abortFinish, continueFinish, finishHotfix as startFinish, type FinishOutcome } from '../core/hotfix/finish';
import { FINISH_KEY, type FinishState } from '../core/hotfix/records';
import type { HotfixContext } from '../core/hotfix/context';
import type { Forge } from '../core/hotfix/forge';
import { hotfixKey, type FinishAbout, type HotfixRecord } from '../core/hotfix/records';
import { targetNames } from '../core/config/targets';
import type { HotfixConfigFile } from '../core/config/types';
import type { EventPayload } from '../core/incident/events';
import { badInput } from '../core/result';
import { validationKey, type SavedValidation } from '../core/verify/validate';
import { CANCELLED, noteRepository, type Cancelled } from './narrate';
import type { AppEnv } from './env';
import { openForge } from './forge';
import { finishedEvent, linkIncident, recordEvents, severityOf, type IncidentLink } from './incident-link';

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
  noteRepository(env, opened.value);
  const progress = (message: string) => env.interaction.progress(message);
  // git.finish: pull-request: the forge, opened with the person's token, before anything is written.
  const forge = opened.value.context.settings.finish === 'pull-request' ? await forgeOf(env, opened.value.context) : undefined;
  if (forge && 'reason' in forge) return forge;
  const context = forge ? { ...opened.value.context, forge } : opened.value.context;

  if (request.abort === true) {
    // Asked only when there is something to put back that can be put back (a pushed finish is refused).
    const state = await context.store.read<FinishState>(FINISH_KEY);
    if (state && !state.pushStarted) {
      const yes = await env.interaction.confirm({
        action: `Abort the finish of ${state.branch}`,
        detail: state.plan.includes('push-branch')
          ? `The ${state.forge?.kind === 'gitlab' ? 'merge' : 'pull'} requests this finish opened are closed and the branches it pushed deleted; the hotfix branch keeps its commits.`
          : 'Every branch and tag goes back to where it was before the finish began; the hotfix branch keeps its commits.',
        button: 'Abort Finish',
      });
      if (!yes) return CANCELLED;
    }
    return abortFinish(context, progress);
  }
  const before = (await context.store.read<FinishState>(FINISH_KEY))?.pulls ?? {};
  const outcome = request.continue === true
    ? await continueFinish(context, progress)
    : await startFinish(context, { push: request.push ?? true, ...(request.branch !== undefined ? { branch: request.branch } : {}), ...(forge ? { about: await aboutHotfix(env, context, opened.value.config, request.branch) } : {}) }, progress);
  // Into the linked incident's timeline: each request opened or merged, then the tag, the branches and the fix's commits.
  const pulls = 'state' in outcome ? pullEvents(outcome.state, before) : [];
  if (outcome.kind !== 'finished') {
    if (pulls.length > 0) {
      const link = await linkIncident(env);
      if (link.incident) await recordEvents(env, link.incident, pulls);
    }
    return outcome;
  }
  const link = await linkIncident(env);
  const recorded = link.incident ? await recordEvents(env, link.incident, [...pulls, finishedEvent(outcome)]) : link;
  return { ...outcome, link: recorded };
}

/** The forge of the remote (git.forge, else its address), with the person's token. */
async function forgeOf(env: AppEnv, context: HotfixContext): Promise<Forge | Extract<FinishResult, { kind: 'failed' }>> {
  const { settings, git } = context;
  const url = settings.remote !== undefined ? await git.remoteUrl(settings.remote) : undefined;
  const opened = await openForge(env, url, settings.forge, `git.finish is pull-request`);
  return opened.ok ? opened.value : { ...opened, kind: 'failed', resumable: false };
}

/** What the request says beside the commits: the issue and its title, the linked incident, the validation of the hotfix. */
async function aboutHotfix(env: AppEnv, context: HotfixContext, config: HotfixConfigFile, branch: string | undefined): Promise<FinishAbout> {
  const name = branch ?? (await context.git.currentBranch());
  const record = name !== undefined ? await context.store.read<HotfixRecord>(hotfixKey(name)) : undefined;
  const link = await linkIncident(env);
  const severity = link.incident ? await severityOf(env, link.incident) : undefined;
  const incident = link.incident && severity?.value ? { id: link.incident, severity: severity.value.severity, title: severity.value.title ?? link.incident } : undefined;
  // A passing validation saved for this very commit, on any target (failed runs are audited, not saved).
  const sha = name !== undefined ? await context.git.resolveCommit(name) : undefined;
  const passed: string[] = [];
  for (const target of targetNames(config)) {
    const saved = await context.store.read<SavedValidation>(validationKey(target));
    if (saved && sha !== undefined && saved.sha === sha) passed.push(`${saved.suite ?? 'validation'} passed for ${target} at ${saved.at} (${saved.checks.length} checks)`);
  }
  return {
    ...(record?.issueUrl ? { issueUrl: record.issueUrl } : {}),
    ...(record?.title ? { title: record.title } : {}),
    ...(incident ? { incident } : {}),
    ...(passed.length > 0 ? { validation: passed.join('; ') } : {}),
  };
}

/** The requests this run opened or saw merged, as timeline events. */
function pullEvents(state: FinishState, before: Readonly<Record<string, { readonly mergeCommit?: string }>>): EventPayload[] {
  return Object.entries(state.pulls ?? {}).flatMap(([into, pull]): EventPayload[] => {
    const base = { type: 'pull-request' as const, branch: state.branch, into, number: pull.number, url: pull.url };
    return [...(before[into] === undefined ? [{ ...base, state: 'opened' as const }] : []), ...(pull.mergeCommit && !before[into]?.mergeCommit ? [{ ...base, state: 'merged' as const }] : [])];
  });
}
