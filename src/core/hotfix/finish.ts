// Finishing a hotfix is a state machine saved after every step: gitflow merges --no-ff into
// production, tags the next patch version, merges into develop (and open release branches),
// deletes the branch and pushes; trunk fast-forwards production, tags, cherry-picks onto main.
// A conflict stops with the files listed; continuing resumes, aborting puts every ref back.

import { describeAnchor, type AnchorOutcome } from '../audit/anchor';
import { FILL_IN, remedy, type Remedy } from '../remedy';
import { failed, type Failed } from '../result';
import { actorOf, audit, type HotfixContext, type Progress } from './context';
import { parseHotfixBranch } from './naming';
import { runStep } from './finish-steps';
import { FINISH_KEY, hotfixKey, type FinishAbout, type FinishState, type FinishStepId, type HotfixRecord } from './records';
import { abortThroughForge, forgeProblem, pullRequestPlan, remoteTargets as forgeTargets } from './finish-pr';
import type { PullRequestView } from './forge';
import { highestReachableRelease, releaseVersion } from './versions';

export interface FinishOptions {
  /** Which hotfix branch; default: the one checked out, or the only one. */
  readonly branch?: string;
  readonly push?: boolean;
  /** What a pull request's description says beside the commits (git.finish: pull-request). */
  readonly about?: FinishAbout;
}

export type FinishOutcome =
  | {
      readonly kind: 'finished';
      readonly state: FinishState;
      readonly pushed: boolean;
      readonly head: string;
      /** The branches the fix went into, and its own commits (oldest first), for the incident timeline. */
      readonly into: readonly string[];
      readonly commits: readonly { readonly sha: string; readonly subject: string }[];
      /** How anchoring the audit chain went; absent when the context cannot anchor. */
      readonly anchor?: AnchorOutcome;
    }
  | { readonly kind: 'stopped'; readonly state: FinishState; readonly step: FinishStepId; readonly files: readonly string[] }
  /** git.finish: pull-request: a request is not merged yet; `finish --continue` looks again. */
  | { readonly kind: 'waiting'; readonly state: FinishState; readonly target: string; readonly pull: PullRequestView; readonly noun: string; readonly note?: string }
  /** Every branch and tag is back where it was before the finish began; the hotfix branch keeps its commits. */
  | { readonly kind: 'aborted'; readonly branch: string; readonly undone: readonly FinishStepId[]; readonly closed?: readonly string[] }
  | (Failed & { readonly kind: 'failed'; readonly resumable: boolean });

export type FinishFailure = Extract<FinishOutcome, { kind: 'failed' }>;
export type AbortOutcome = Extract<FinishOutcome, { kind: 'aborted' | 'failed' }>;

/** Resume the finish in progress, or put everything back: what helps with a stopped or failed finish. */
export const CONTINUE_FINISH: Remedy = remedy('finish', { continue: true });
export const ABORT_FINISH: Remedy = remedy('finish', { abort: true });

function refused(reason: string, hint?: string, options: { readonly resumable?: boolean; readonly remedies?: readonly Remedy[] } = {}): FinishFailure {
  return { ...failed(reason, hint, options.remedies), kind: 'failed', resumable: options.resumable ?? false };
}

export async function finishHotfix(ctx: HotfixContext, options: FinishOptions = {}, progress: Progress = () => undefined): Promise<FinishOutcome> {
  const { git, settings, store } = ctx;
  const existing = await store.read<FinishState>(FINISH_KEY);
  if (existing) {
    return refused(`A finish of ${existing.branch} is already in progress.`, 'Continue it, or abort it to start again.', { remedies: [CONTINUE_FINISH, ABORT_FINISH] });
  }
  const busy = await git.inProgress();
  if (busy) {
    return refused(`A git ${busy} is in progress.`, `Complete or abort it (git ${busy} --continue / --abort) before finishing.`);
  }
  const status = await git.status();
  if (status.changed.length > 0) {
    return refused(`The work tree has uncommitted changes (${status.changed.slice(0, 5).join(', ')}).`, 'Commit them to the hotfix branch or stash them, then finish.');
  }
  const actor = await git.identity();
  if (actor === undefined) {
    return refused('git has no user identity for the merge commits and the tag.', 'Set it: git config user.name "Your Name" && git config user.email you@example.com');
  }

  const branch = await pickBranch(ctx, options.branch);
  if (typeof branch !== 'string') {
    return branch;
  }
  const hotfixSha = await git.resolveCommit(branch);
  if (hotfixSha === undefined) {
    return refused(`There is no local branch ${branch}.`, `Check it out from the remote first (git switch ${branch}).`);
  }

  const production = settings.productionBranch;
  const viaForge = settings.finish === 'pull-request';
  if (viaForge) {
    // Refused before anything is pushed or recorded: bad input (a token, the settings) for the person to fix.
    const problem = await forgeProblem(ctx, options.push ?? true);
    if (problem) return { ...refused(problem.reason, problem.hint), failure: 'input' };
  }
  const found = viaForge ? await forgeTargets(ctx) : await targetBranches(ctx);
  if (!Array.isArray(found)) return 'kind' in found ? found : refused(found.reason, found.hint);
  const targets = found;
  if ((await git.countCommits(production, branch)) === 0) {
    return refused(`${branch} has no commits that ${production} lacks: there is nothing to finish.`, 'Commit the fix on the hotfix branch first.');
  }
  const stale = viaForge ? undefined : await staleAgainstRemote(ctx, targets);
  if (stale) {
    return refused(`${stale} is behind ${settings.remote}/${stale}.`, `Update it first: git switch ${stale} && git pull --ff-only, then finish again.`);
  }

  const missingTags = await tagsOnlyOnRemote(ctx, options.push ?? true);
  if (missingTags) {
    return refused(
      `${settings.remote ?? 'The remote'} has release tags this clone lacks: ${missingTags.slice(0, 5).join(', ')}${missingTags.length > 5 ? ` and ${missingTags.length - 5} more` : ''}.`,
      `Fetch them (git fetch --tags ${settings.remote ?? ''}), then finish again: the next patch version is chosen from every release. Nothing was changed.`,
    );
  }

  const record = await store.read<HotfixRecord>(hotfixKey(branch));
  const baselineVersion = record?.baseline.version ?? (await highestReachableRelease(git, settings.tagPrefix, production))?.version;
  const original: Record<string, string> = { [branch]: hotfixSha };
  for (const name of targets) {
    // Through a forge the targets may exist on the remote only: their remote tips are where they were.
    original[name] = (await git.resolveCommit(name)) ?? (settings.remote !== undefined ? await git.resolveCommit(`refs/remotes/${settings.remote}/${name}`) : undefined) ?? '';
  }
  const head = await git.currentBranch();
  const state: FinishState = {
    version: 1,
    branch,
    issueKey: record?.issueKey ?? parseHotfixBranch(branch)?.issueKey ?? branch,
    model: settings.model,
    productionBranch: production,
    tagPrefix: settings.tagPrefix,
    startedAt: ctx.clock.now().toISOString(),
    actor,
    hotfixSha,
    original: { headSha: (await git.resolveCommit('HEAD')) ?? hotfixSha, branches: original, ...(head !== undefined ? { head } : {}) },
    plan: viaForge ? pullRequestPlan(targets, production, baselineVersion !== undefined, settings.model) : planSteps(ctx, targets, baselineVersion !== undefined, options.push ?? true),
    done: [],
    ...(viaForge && ctx.forge ? { forge: { kind: ctx.forge.target.kind, repository: ctx.forge.target.repository, web: ctx.forge.target.web } } : {}),
    ...(options.about ? { about: options.about } : {}),
    ...(settings.remote !== undefined ? { remote: settings.remote } : {}),
    ...(baselineVersion !== undefined ? { baselineVersion } : {}),
  };
  await store.write(FINISH_KEY, state);
  await audit(ctx, { action: 'hotfix.finish.start', subject: branch, before: hotfixSha, details: { plan: state.plan.join(', ') } });
  return drive(ctx, state, progress);
}

/**
 * Release tags the remote has and this clone does not: the next patch tag would be chosen without
 * them and its push refused. Undefined when there are none, or the remote cannot be asked (offline:
 * the push will say so later).
 */
async function tagsOnlyOnRemote(ctx: HotfixContext, pushing: boolean): Promise<string[] | undefined> {
  const { git, settings } = ctx;
  if (!pushing || settings.remote === undefined) return undefined;
  const remote = await git.remoteTags(settings.remote);
  if (!remote) return undefined;
  const local = new Set(await git.tagNames());
  const missing = [...remote.keys()].filter((name) => !local.has(name) && releaseVersion(name, settings.tagPrefix) !== undefined);
  return missing.length > 0 ? missing.sort() : undefined;
}

export async function continueFinish(ctx: HotfixContext, progress: Progress = () => undefined): Promise<FinishOutcome> {
  const state = await ctx.store.read<FinishState>(FINISH_KEY);
  if (!state) {
    return refused('No finish is in progress.', 'Start one by finishing a hotfix branch.', { remedies: [remedy('finish')] });
  }
  await audit(ctx, { action: 'hotfix.finish.continue', subject: state.branch, details: { step: state.stopped?.step ?? state.lastError?.step ?? '' } });
  return drive(ctx, state, progress);
}

/** Puts every branch and tag back where it was before the finish began. */
export async function abortFinish(ctx: HotfixContext, progress: Progress = () => undefined): Promise<AbortOutcome> {
  const { git, store } = ctx;
  const state = await store.read<FinishState>(FINISH_KEY);
  if (!state) {
    return refused('No finish is in progress.', 'There is nothing to abort.');
  }
  if (state.plan.includes('push-branch')) {
    const closed = await abortThroughForge(ctx, state, progress);
    if ('reason' in closed) return refused(closed.reason, closed.hint, { remedies: [CONTINUE_FINISH] });
    await store.remove(FINISH_KEY);
    await audit(ctx, { action: 'hotfix.finish.abort', subject: state.branch, after: state.hotfixSha, details: { undone: closed.undone.join(', ') } });
    return { kind: 'aborted', branch: state.branch, undone: state.done, closed: closed.undone };
  }
  if (state.pushStarted) {
    return refused(
      `The finish of ${state.branch} has already pushed to ${state.remote ?? 'the remote'}; undoing a push would need a force-push.`,
      'Complete it by continuing the finish; to undo the fix itself, revert it in a new hotfix.',
      { remedies: [CONTINUE_FINISH] },
    );
  }
  progress('Aborting the merge or cherry-pick in progress');
  const busy = await git.inProgress();
  if (busy === 'merge') await git.abortMerge();
  if (busy === 'cherry-pick') await git.abortCherryPick();

  progress('Restoring branches and tags');
  await git.checkoutDetached(state.original.headSha);
  for (const [name, sha] of Object.entries(state.original.branches)) {
    if ((await git.resolveCommit(`refs/heads/${name}`)) !== sha) {
      await git.setBranch(name, sha);
    }
  }
  // Not only when the tag step is done: it saves the name before it creates the tag, so a crash in
  // between leaves this finish's tag behind a step not yet done.
  if (state.tag !== undefined && (await git.resolveCommit(`refs/tags/${state.tag}`)) !== undefined) {
    await git.deleteTag(state.tag);
  }
  if (state.original.head !== undefined) {
    await git.checkout(state.original.head);
  }
  await store.remove(FINISH_KEY);
  await audit(ctx, { action: 'hotfix.finish.abort', subject: state.branch, after: state.hotfixSha, details: { undone: state.done.join(', ') } });
  return { kind: 'aborted', branch: state.branch, undone: state.done };
}

async function drive(ctx: HotfixContext, initial: FinishState, progress: Progress): Promise<FinishOutcome> {
  let state = initial;
  for (const step of state.plan) {
    if (state.done.includes(step)) {
      continue;
    }
    let result;
    try {
      result = await runStep(ctx, state, step, progress);
    } catch (error) {
      const message = error instanceof Error ? error.message.trim() : String(error);
      state = { ...state, lastError: { step, message, at: ctx.clock.now().toISOString() } };
      await ctx.store.write(FINISH_KEY, state);
      await audit(ctx, { action: 'hotfix.finish.error', subject: state.branch, details: { step, message: message.slice(0, 500) } });
      return refused(`The finish of ${state.branch} failed at ${step}: ${message}`, 'Fix the cause, then continue the finish; or abort it to undo.', {
        resumable: true,
        remedies: [CONTINUE_FINISH, ABORT_FINISH],
      });
    }
    state = result.state;
    if (result.kind === 'waiting') {
      const { stopped: _w, lastError: _l, ...waiting } = state;
      await ctx.store.write(FINISH_KEY, waiting);
      return { kind: 'waiting', state: waiting, target: result.target, pull: result.pull, noun: ctx.forge?.noun ?? 'pull request', ...(result.note ? { note: result.note } : {}) };
    }
    if (result.kind === 'conflict') {
      state = { ...state, stopped: { step, files: result.files, at: ctx.clock.now().toISOString() } };
      await ctx.store.write(FINISH_KEY, state);
      await audit(ctx, { action: 'hotfix.finish.conflict', subject: state.branch, details: { step, files: result.files.join(', ') } });
      return { kind: 'stopped', state, step, files: result.files };
    }
    if (result.kind === 'refused') {
      // Nothing has been written yet when a fast-forward is refused: leave the repository as it was.
      await abortFinish(ctx);
      return refused(result.reason, result.hint);
    }
    const { stopped: _s, lastError: _e, ...rest } = state;
    state = { ...rest, done: [...state.done, step] };
    await ctx.store.write(FINISH_KEY, state);
  }
  return complete(ctx, state, progress);
}

async function complete(ctx: HotfixContext, state: FinishState, progress: Progress): Promise<FinishOutcome> {
  const { git, store, settings } = ctx;
  const locals = await git.localBranches();
  const back = [state.original.head, settings.model === 'gitflow' ? settings.developBranch : settings.mainBranch, state.productionBranch].find(
    (name): name is string => name !== undefined && name !== state.branch && locals.includes(name),
  );
  if (back !== undefined && (await git.currentBranch()) !== back) {
    progress(`Switching back to ${back}`);
    await git.checkout(back);
  }
  const productionSha = (await git.resolveCommit(state.productionBranch)) ?? '';
  const record = await store.read<HotfixRecord>(hotfixKey(state.branch));
  if (record) {
    await store.write(hotfixKey(state.branch), { ...record, finished: { at: ctx.clock.now().toISOString(), productionSha, ...(state.tag ? { tag: state.tag } : {}) } });
  }
  await store.remove(FINISH_KEY);
  await audit(ctx, {
    action: 'hotfix.finish.done',
    subject: state.branch,
    before: state.original.branches[state.productionBranch],
    after: productionSha,
    details: { tag: state.tag ?? '', pushed: state.done.includes('push') && state.pushStarted === true, actor: await actorOf(ctx) },
  });
  const anchor = await anchorAudit(ctx, state, progress);
  const base = state.original.branches[state.productionBranch];
  const commits = base !== undefined ? (await git.commits(base, state.hotfixSha, { noMerges: true })).slice(-50).map((c) => ({ sha: c.sha, subject: c.subject })) : [];
  return {
    kind: 'finished',
    state,
    pushed: state.pushStarted === true,
    head: back ?? (await git.currentBranch()) ?? '',
    into: Object.keys(state.original.branches).filter((b) => b !== state.branch),
    commits,
    ...(anchor ? { anchor } : {}),
  };
}

/**
 * Anchors the audit chain, the finish's records included, and pushes the anchor to the remote the
 * finish pushed to. The fix is merged and pushed by now: anchoring is reported, never a failure.
 */
async function anchorAudit(ctx: HotfixContext, state: FinishState, progress: Progress): Promise<AnchorOutcome | undefined> {
  if (ctx.auditAnchor === undefined) return undefined;
  const remote = state.pushStarted === true ? state.remote : undefined;
  let outcome: AnchorOutcome;
  try {
    outcome = await ctx.auditAnchor.anchor(remote);
  } catch (error) {
    outcome = { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  progress(describeAnchor(outcome, remote));
  return outcome;
}

function planSteps(ctx: HotfixContext, targets: readonly string[], tag: boolean, push: boolean): FinishStepId[] {
  const { settings } = ctx;
  const steps: FinishStepId[] = [];
  if (settings.model === 'gitflow') {
    steps.push(`merge:${settings.productionBranch}`);
    if (tag) steps.push('tag');
    for (const target of targets.filter((t) => t !== settings.productionBranch)) steps.push(`merge:${target}`);
  } else {
    steps.push(`fast-forward:${settings.productionBranch}`);
    if (tag) steps.push('tag');
    if (settings.mainBranch !== settings.productionBranch) steps.push(`cherry-pick:${settings.mainBranch}`);
  }
  steps.push('delete-branch');
  if (push && settings.remote !== undefined) steps.push('push');
  return steps;
}

/** The branches the finish writes: production, then develop and open release/* (gitflow) or main (trunk). */
async function targetBranches(ctx: HotfixContext): Promise<string[] | FinishOutcome> {
  const { git, settings } = ctx;
  const locals = await git.localBranches();
  const needed = [settings.productionBranch];
  if (settings.model === 'gitflow') {
    if (settings.developBranch === undefined) {
      return refused('gitflow needs a develop branch and none is configured.', 'Set git.developBranch in .hotfix/config.yaml, or git.model: trunk.');
    }
    needed.push(settings.developBranch, ...locals.filter((b) => b.startsWith('release/')).sort());
  } else if (settings.mainBranch !== settings.productionBranch) {
    needed.push(settings.mainBranch);
  }
  const missing = needed.filter((b) => !locals.includes(b));
  if (missing.length > 0) {
    return refused(`The branch ${missing.join(', ')} is not checked out locally.`, `Create it from the remote first: git branch --track ${missing[0]} ${settings.remote ?? 'origin'}/${missing[0]}`);
  }
  return needed;
}

async function staleAgainstRemote(ctx: HotfixContext, targets: readonly string[]): Promise<string | undefined> {
  const { git, settings } = ctx;
  if (settings.remote === undefined) return undefined;
  const remoteBranches = await git.remoteBranches();
  for (const target of targets) {
    const tracking = `${settings.remote}/${target}`;
    if (remoteBranches.includes(tracking) && !(await git.isAncestor(`refs/remotes/${tracking}`, `refs/heads/${target}`))) {
      return target;
    }
  }
  return undefined;
}

async function pickBranch(ctx: HotfixContext, requested: string | undefined): Promise<string | FinishOutcome> {
  const { git } = ctx;
  if (requested !== undefined) {
    return parseHotfixBranch(requested) ? requested : refused(`${requested} is not a hotfix branch.`, 'Hotfix branches are named hotfix/ISSUE-description.');
  }
  const current = await git.currentBranch();
  if (current !== undefined && parseHotfixBranch(current)) {
    return current;
  }
  const hotfixes = (await git.localBranches()).filter((b) => parseHotfixBranch(b));
  if (hotfixes.length === 1 && hotfixes[0] !== undefined) {
    return hotfixes[0];
  }
  if (hotfixes.length === 0) {
    return refused('There is no hotfix branch to finish.', 'Create one and commit the fix on it first.', { remedies: [remedy('create', { issue: FILL_IN, title: FILL_IN })] });
  }
  return refused(`Several hotfix branches exist (${hotfixes.join(', ')}).`, 'Check out the one to finish, or say which.', {
    remedies: hotfixes.map((name) => remedy('finish', { branch: name })),
  });
}
