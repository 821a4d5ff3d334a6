// A finish through pull (merge) requests, for branches the remote protects (git.finish: pull-request).
// gitflow: push the hotfix branch, open the request into production, wait for the forge to merge it
// (each `finish --continue` looks again), tag the merge commit with the next patch version and push
// the tag, open the back-merge requests into develop and each open release/* branch, wait for those,
// then delete the hotfix branch here and on the remote. Every step looks first whether its work is
// done (a request found open, a merge already made), so a crash or a second run goes on from there.

import { audit, type HotfixContext, type Progress } from './context';
import { isForgeError, pullRequestLine, type Forge, type PullRequestView } from './forge';
import { FINISH_KEY, type FinishPull, type FinishState, type FinishStepId } from './records';
import { nextPatchTag } from './versions';

export type PullStepResult =
  | { readonly kind: 'done'; readonly state: FinishState }
  | { readonly kind: 'conflict'; readonly state: FinishState; readonly files: readonly string[] }
  /** The request is not merged yet: the finish waits (resumable), saying what it waits for. */
  | { readonly kind: 'waiting'; readonly state: FinishState; readonly target: string; readonly pull: PullRequestView; readonly note?: string };

/**
 * The plan: production first (and the tag on its merge); then gitflow's back-merges of the hotfix
 * branch itself, or trunk's cherry-pick branch from main; then the branches go.
 */
export function pullRequestPlan(targets: readonly string[], production: string, tag: boolean, model: 'gitflow' | 'trunk' = 'gitflow'): FinishStepId[] {
  const back = targets.filter((t) => t !== production);
  return [
    'push-branch',
    `open:${production}`,
    `await:${production}`,
    ...(tag ? (['tag-merge'] as const) : []),
    ...(model === 'trunk' ? back.map((t): FinishStepId => `pick:${t}`) : []),
    ...back.map((t): FinishStepId => `open:${t}`),
    ...back.map((t): FinishStepId => `await:${t}`),
    'delete-merged',
  ];
}

/** The branch a request into `target` comes from: the hotfix branch, or (trunk) its cherry-picks onto main. */
export const headFor = (state: FinishState, target: string): string => (state.model === 'trunk' && target !== state.productionBranch ? `${state.branch}-to-${target.replace(/\//g, '-')}` : state.branch);

export async function runPullStep(ctx: HotfixContext, forge: Forge, state: FinishState, kind: string, target: string, progress: Progress): Promise<PullStepResult> {
  switch (kind) {
    case 'push-branch':
      return pushBranch(ctx, state, progress);
    case 'open':
      return open(ctx, forge, state, target, progress);
    case 'await':
      return awaitMerge(ctx, forge, state, target, progress);
    case 'tag-merge':
      return tagMerge(ctx, state, progress);
    case 'pick':
      return pick(ctx, state, target, progress);
    case 'delete-merged':
      return deleteMerged(ctx, state, progress);
    default:
      throw new Error(`unknown finish step ${kind}`);
  }
}

const remoteOf = (state: FinishState): string => {
  if (state.remote === undefined) throw new Error('a finish through pull requests needs a remote');
  return state.remote;
};

async function save(ctx: HotfixContext, state: FinishState): Promise<FinishState> {
  await ctx.store.write(FINISH_KEY, state);
  return state;
}

async function pushBranch(ctx: HotfixContext, state: FinishState, progress: Progress): Promise<PullStepResult> {
  const remote = remoteOf(state);
  const existed = (await ctx.git.remoteBranches()).includes(`${remote}/${state.branch}`);
  // Saved before the push: an abort after a crash mid-push still knows the branch may be there.
  const next = existed || state.pushedBranches?.includes(state.branch) ? state : await save(ctx, { ...state, pushedBranches: [...(state.pushedBranches ?? []), state.branch] });
  progress(`Pushing ${state.branch} to ${remote}`);
  await ctx.git.push(remote, [`refs/heads/${state.branch}:refs/heads/${state.branch}`]);
  await audit(ctx, { action: 'hotfix.finish.push-branch', subject: state.branch, after: state.hotfixSha, details: { remote } });
  return { kind: 'done', state: next };
}

/** The request's description: the issue, the incident and its severity, the commits, the validation. */
async function describe(ctx: HotfixContext, state: FinishState, target: string): Promise<{ title: string; body: string }> {
  const base = state.original.branches[state.productionBranch] ?? state.productionBranch;
  const commits = await ctx.git.commits(base, state.hotfixSha, { noMerges: true });
  const about = state.about ?? {};
  const back = target !== state.productionBranch;
  const title = `${back ? `${state.model === 'trunk' ? 'Cherry-pick' : 'Back-merge'} ${state.branch} into ${target}` : `Hotfix ${state.issueKey}`}${about.title ? `: ${about.title}` : ''}`;
  const lines = [
    back ? `Brings hotfix ${state.issueKey} (already merged into ${state.productionBranch}${state.tag ? ` and released as ${state.tag}` : ''}) into ${target}.` : `Hotfix ${state.issueKey} for ${state.productionBranch}.`,
    '',
    `- Issue: ${about.issueUrl ?? state.issueKey}`,
    ...(about.incident ? [`- Incident: ${about.incident.id} (${about.incident.severity}): ${about.incident.title}`] : []),
    `- Validation: ${about.validation ?? 'not run for this commit'}`,
    `- Finished by ${state.actor} with Hotfix Deployer; the finish waits for this ${back ? 'request' : 'merge'}, then ${back ? 'deletes the hotfix branch once merged everywhere' : `tags the merge commit${state.baselineVersion ? ' with the next patch version' : ''}`}.`,
    '',
    `Commits (${commits.length}):`,
    ...commits.slice(-50).map((c) => `- ${c.sha.slice(0, 8)} ${c.subject}`),
  ];
  return { title: title.slice(0, 250), body: lines.join('\n') };
}

async function open(ctx: HotfixContext, forge: Forge, state: FinishState, target: string, progress: Progress): Promise<PullStepResult> {
  if (state.pulls?.[target]) return { kind: 'done', state };
  const head = headFor(state, target);
  // A back-merge's head may have been deleted by the production merge ("delete source branch"): pushed again.
  if (head === state.branch && target !== state.productionBranch) await ctx.git.push(remoteOf(state), [`refs/heads/${head}:refs/heads/${head}`]);
  const found = await forge.findOpen(head, target);
  let pull: FinishPull;
  if (found) {
    progress(`Found ${forge.noun} #${found.number} from ${head} into ${target}: ${found.url}`);
    pull = { number: found.number, url: found.url, opened: false };
  } else {
    const { title, body } = await describe(ctx, state, target);
    progress(`Opening a ${forge.noun} from ${head} into ${target}`);
    const opened = await forge.open({ head, base: target, title, body });
    pull = { number: opened.number, url: opened.url, opened: true };
  }
  const next = await save(ctx, { ...state, pulls: { ...state.pulls, [target]: pull } });
  await audit(ctx, { action: 'hotfix.finish.pull-request', subject: target, details: { branch: head, number: pull.number, url: pull.url, opened: pull.opened } });
  return { kind: 'done', state: next };
}

/** The commands that resolve a back-merge conflict on a branch of its own, and how the finish then goes on. */
export function conflictCommands(state: FinishState, target: string): string[] {
  const remote = state.remote ?? 'origin';
  const branch = `${state.branch}-into-${target.replace(/\//g, '-')}`;
  return [
    `git fetch ${remote} && git switch -c ${branch} ${remote}/${target}`,
    `git merge --no-ff ${state.branch}      # resolve the conflicts, then git commit`,
    `git push -u ${remote} ${branch}`,
    `then open its request into ${target}; once it is merged, continue the finish (it closes #${state.pulls?.[target]?.number ?? '?'})`,
  ];
}

async function awaitMerge(ctx: HotfixContext, forge: Forge, state: FinishState, target: string, progress: Progress): Promise<PullStepResult> {
  const pull = state.pulls?.[target];
  if (!pull) throw new Error(`no ${forge.noun} into ${target} was opened`);
  if (pull.mergeCommit) return { kind: 'done', state };
  const view = await forge.get(pull.number);
  if (view.state === 'closed') {
    throw new Error(`${forge.noun} #${pull.number} into ${target} (${pull.url}) was closed without merging: reopen it and continue, or abort the finish`);
  }
  if (view.state === 'open') {
    // A back-merge merged by hand through a branch of its own counts: the hotfix is in the target.
    const merged = state.model === 'trunk' ? undefined : await mergedByHand(ctx, state, target);
    if (!merged) {
      const conflict = view.mergeable === false && target !== state.productionBranch;
      return { kind: 'waiting', state, target, pull: view, ...(conflict ? { note: `It conflicts with ${target}: ${conflictCommands(state, target).join('; ')}.` } : {}) };
    }
    progress(`${target} already contains ${state.branch} (merged another way)`);
    // The request this finish opened has nothing left to merge: closed, as the conflict's commands said.
    if (pull.opened) await forge.close(pull.number);
    const next = await save(ctx, { ...state, pulls: { ...state.pulls, [target]: { ...pull, mergeCommit: merged } } });
    return { kind: 'done', state: next };
  }
  progress(`${pullRequestLine(view, forge.noun)}`);
  const next = await save(ctx, { ...state, pulls: { ...state.pulls, [target]: { ...pull, mergeCommit: view.mergeCommit ?? '' } } });
  await audit(ctx, { action: 'hotfix.finish.merged', subject: target, after: view.mergeCommit ?? '', details: { branch: state.branch, number: pull.number } });
  return { kind: 'done', state: next };
}

/** The remote's target already contains the hotfix commit (merged another way): its tip, else undefined. */
async function mergedByHand(ctx: HotfixContext, state: FinishState, target: string): Promise<string | undefined> {
  const remote = remoteOf(state);
  await ctx.git.fetch(remote, [`+refs/heads/${target}:refs/remotes/${remote}/${target}`]);
  const tip = await ctx.git.resolveCommit(`refs/remotes/${remote}/${target}`);
  return tip !== undefined && (await ctx.git.isAncestor(state.hotfixSha, tip)) ? tip : undefined;
}

/** Tags the merge commit the forge made on production with the next patch version (annotated), and pushes the tag. */
async function tagMerge(ctx: HotfixContext, state: FinishState, progress: Progress): Promise<PullStepResult> {
  const { git } = ctx;
  const remote = remoteOf(state);
  const merge = state.pulls?.[state.productionBranch]?.mergeCommit;
  if (!merge || state.baselineVersion === undefined) throw new Error(`cannot tag: ${merge ? 'no baseline version' : `the request into ${state.productionBranch} has no merge commit`}`);
  await git.fetch(remote, [`+refs/heads/${state.productionBranch}:refs/remotes/${remote}/${state.productionBranch}`]);
  const remoteTags = (await git.remoteTags(remote)) ?? new Map<string, string>();
  let name = state.tag;
  if (name === undefined || (remoteTags.get(name) ?? merge) !== merge) {
    const taken = new Set([...(await git.tagNames()), ...remoteTags.keys()]);
    name = nextPatchTag(state.baselineVersion, state.tagPrefix, taken);
  }
  const withTag = await save(ctx, { ...state, tag: name });
  if ((await git.resolveCommit(`refs/tags/${name}`)) === undefined) {
    progress(`Tagging the merge commit ${merge.slice(0, 8)} of ${state.productionBranch} as ${name}`);
    await git.createAnnotatedTag(name, merge, `${name}: hotfix ${state.issueKey}\n\nMerged into ${state.productionBranch} through ${state.pulls?.[state.productionBranch]?.url ?? 'its request'}; finished from ${state.branch} by ${state.actor}.`);
  }
  if (remoteTags.get(name) !== merge) {
    progress(`Pushing ${name} to ${remote}`);
    await git.push(remote, [`refs/tags/${name}:refs/tags/${name}`]);
  }
  // The local production follows the remote's, when it only lags behind it.
  const local = await git.resolveCommit(`refs/heads/${state.productionBranch}`);
  if (local !== undefined && (await git.isAncestor(local, merge)) && (await git.currentBranch()) !== state.productionBranch) await git.setBranch(state.productionBranch, merge, local);
  await audit(ctx, { action: 'hotfix.finish.tag', subject: name, after: merge, details: { branch: state.branch, pushed: true } });
  return { kind: 'done', state: withTag };
}

/** Merged everywhere: the hotfix branch (and trunk's cherry-pick branches) go, on the remote and here. */
async function deleteMerged(ctx: HotfixContext, state: FinishState, progress: Progress): Promise<PullStepResult> {
  for (const target of Object.keys(state.pulls ?? {})) {
    const head = headFor(state, target);
    if (head !== state.branch) await deleteBranchEverywhere(ctx, state, head, progress);
  }
  await deleteBranchEverywhere(ctx, state, state.branch, progress);
  await audit(ctx, { action: 'hotfix.finish.delete-branch', subject: state.branch, before: state.hotfixSha, details: { remote: remoteOf(state) } });
  return { kind: 'done', state };
}

async function deleteBranchEverywhere(ctx: HotfixContext, state: FinishState, branch: string, progress: Progress): Promise<void> {
  const { git } = ctx;
  const remote = remoteOf(state);
  // Gone already when the forge deletes merged branches: the fetch then finds nothing to delete.
  const onRemote = await git.fetch(remote, [`+refs/heads/${branch}:refs/remotes/${remote}/${branch}`]).then(() => true, () => false);
  if (onRemote) {
    progress(`Deleting ${branch} from ${remote}`);
    await git.push(remote, [`:refs/heads/${branch}`]);
  }
  const local = await git.resolveCommit(`refs/heads/${branch}`);
  if (local !== undefined) {
    if ((await git.currentBranch()) === branch) await git.checkoutDetached(local);
    progress(`Deleting ${branch}`);
    await git.deleteBranch(branch);
  }
}

/**
 * trunk: the hotfix's commits cherry-picked (-x) onto a branch made from the remote's `target`, then
 * pushed for its request. A conflict stops the finish as a local cherry-pick does: resolve, stage,
 * continue. Commits already picked (their -x line is there) are not picked again.
 */
async function pick(ctx: HotfixContext, state: FinishState, target: string, progress: Progress): Promise<PullStepResult> {
  const { git } = ctx;
  const remote = remoteOf(state);
  const head = headFor(state, target);
  if ((await git.inProgress()) === 'cherry-pick') {
    const conflicted = (await git.status()).conflicted;
    if (conflicted.length > 0) return { kind: 'conflict', state, files: conflicted };
    progress(`Continuing the cherry-pick onto ${head}`);
    const outcome = await git.continueCherryPick();
    if (outcome.kind === 'conflict') return { kind: 'conflict', state, files: outcome.files };
  }
  await git.fetch(remote, [`+refs/heads/${target}:refs/remotes/${remote}/${target}`]);
  const start = `refs/remotes/${remote}/${target}`;
  if ((await git.resolveCommit(`refs/heads/${head}`)) === undefined) {
    progress(`Making ${head} from ${remote}/${target}`);
    await git.createAndCheckout(head, start);
  } else if ((await git.currentBranch()) !== head) {
    await git.checkout(head);
  }
  const base = state.original.branches[state.productionBranch] ?? state.productionBranch;
  const commits = await git.commits(base, state.hotfixSha, { noMerges: true });
  const picked = (await git.messages(start, `refs/heads/${head}`)).join('\n');
  const remaining = commits.filter((c) => !picked.includes(`(cherry picked from commit ${c.sha})`));
  if (remaining.length > 0) {
    progress(`Cherry-picking ${remaining.length} commit(s) onto ${head}`);
    const outcome = await git.cherryPick(remaining.map((c) => c.sha));
    if (outcome.kind === 'conflict') return { kind: 'conflict', state, files: outcome.files };
  }
  const next = state.pushedBranches?.includes(head) ? state : await save(ctx, { ...state, pushedBranches: [...(state.pushedBranches ?? []), head] });
  progress(`Pushing ${head} to ${remote}`);
  await git.push(remote, [`refs/heads/${head}:refs/heads/${head}`]);
  await audit(ctx, { action: 'hotfix.finish.cherry-pick', subject: target, after: (await git.resolveCommit(`refs/heads/${head}`)) ?? '', details: { branch: head, commits: commits.length } });
  return { kind: 'done', state: next };
}

/** Abort: close the requests this finish opened, delete the branches it pushed (only those). */
export async function abortPulls(ctx: HotfixContext, forge: Forge, state: FinishState, progress: Progress): Promise<string[]> {
  const undone: string[] = [];
  for (const [target, pull] of Object.entries(state.pulls ?? {})) {
    if (!pull.opened || pull.mergeCommit) continue;
    progress(`Closing ${forge.noun} #${pull.number} into ${target}`);
    await forge.close(pull.number);
    undone.push(`closed #${pull.number} into ${target}`);
  }
  for (const branch of state.pushedBranches ?? []) {
    progress(`Deleting ${branch} from ${remoteOf(state)}`);
    await ctx.git.push(remoteOf(state), [`:refs/heads/${branch}`]);
    undone.push(`deleted ${branch} from ${remoteOf(state)}`);
  }
  return undone;
}

export interface Refusal {
  readonly reason: string;
  readonly hint: string;
}

/** Checked before anything is written: pushing is on, a remote, a forge with a token that works. */
export async function forgeProblem(ctx: HotfixContext, pushing: boolean): Promise<Refusal | undefined> {
  const { settings, forge } = ctx;
  if (!pushing) return { reason: 'A finish through pull requests pushes the hotfix branch: it cannot be finished without pushing.', hint: 'Let it push, or set git.finish: direct.' };
  if (settings.remote === undefined) return { reason: 'git.finish is pull-request, and this repository has no remote to open requests on.', hint: 'Add the remote (git remote add origin URL), or set git.finish: direct.' };
  if (!forge) return { reason: 'git.finish is pull-request, and no forge is open for it.', hint: 'Set git.forge in .hotfix/config.yaml and the token.' };
  try {
    await forge.check();
  } catch (error) {
    if (isForgeError(error, 401, 403, 404)) {
      const status = (error as { status: number }).status;
      return {
        reason: `${error.message}.`,
        hint: status === 401
          ? `The token is expired or wrong: make a new one with access to ${forge.target.repository} and set it again. Nothing was changed.`
          : `The token cannot reach ${forge.target.repository} (${forge.target.web}): check git.forge and the token's access. Nothing was changed.`,
      };
    }
    throw error;
  }
  return undefined;
}

/** Production, then develop and every release/* branch the remote has (gitflow), or main (trunk). */
export async function remoteTargets(ctx: HotfixContext): Promise<string[] | Refusal> {
  const { git, settings } = ctx;
  const remote = settings.remote ?? 'origin';
  const onRemote = (await git.remoteBranches()).filter((b) => b.startsWith(`${remote}/`)).map((b) => b.slice(remote.length + 1));
  const needed = [settings.productionBranch];
  if (settings.model === 'gitflow') {
    if (settings.developBranch === undefined) return { reason: 'gitflow needs a develop branch and none is configured.', hint: 'Set git.developBranch in .hotfix/config.yaml, or git.model: trunk.' };
    needed.push(settings.developBranch, ...onRemote.filter((b) => b.startsWith('release/')).sort());
  } else if (settings.mainBranch !== settings.productionBranch) {
    needed.push(settings.mainBranch);
  }
  const missing = needed.filter((b) => !onRemote.includes(b));
  if (missing.length > 0) return { reason: `${remote} has no branch ${missing.join(', ')} (as last fetched).`, hint: `Fetch it (git fetch ${remote}), or check git.productionBranch and git.developBranch.` };
  return [...new Set(needed)];
}

/** The requests this finish opened are closed and the branches it pushed deleted; refused once production has the merge. */
export async function abortThroughForge(ctx: HotfixContext, state: FinishState, progress: Progress): Promise<{ readonly undone: string[] } | Refusal> {
  const merged = Object.entries(state.pulls ?? {}).find(([, p]) => p.mergeCommit);
  if (merged) {
    return { reason: `The ${merged[0]} request of ${state.branch} (#${merged[1].number}) is merged already: an abort cannot take that back.`, hint: 'Continue the finish; to undo the fix itself, revert it in a new hotfix.' };
  }
  if (!ctx.forge) return { reason: 'No forge is open to close the requests of this finish (its token?).', hint: 'Set the token, then abort again.' };
  const undone = await abortPulls(ctx, ctx.forge, state, progress);
  // trunk: a cherry-pick branch made here goes too, with any cherry-pick in progress on it.
  const { git } = ctx;
  if ((await git.inProgress()) === 'cherry-pick') await git.abortCherryPick();
  const picks = state.plan.filter((s) => s.startsWith('pick:')).map((s) => headFor(state, s.slice('pick:'.length)));
  if (picks.length > 0) {
    const current = await git.currentBranch();
    if (current !== undefined && picks.includes(current)) await (state.original.head !== undefined ? git.checkout(state.original.head) : git.checkoutDetached(state.original.headSha));
    for (const head of picks) if ((await git.resolveCommit(`refs/heads/${head}`)) !== undefined) await git.deleteBranch(head);
  }
  return { undone };
}
