// The steps of a finish. Each one is safe to run again after a crash or a conflict: it first looks
// at the repository to see whether its work is already done (or half done by git) and goes on from there.

import { audit, type HotfixContext, type Progress } from './context';
import { FINISH_KEY, type FinishState, type FinishStepId } from './records';
import { runPullStep, type PullStepResult } from './finish-pr';
import { nextPatchTag } from './versions';

export type StepResult =
  | PullStepResult
  | { readonly kind: 'done'; readonly state: FinishState }
  | { readonly kind: 'conflict'; readonly state: FinishState; readonly files: readonly string[] }
  | { readonly kind: 'refused'; readonly state: FinishState; readonly reason: string; readonly hint: string };

export async function runStep(ctx: HotfixContext, state: FinishState, step: FinishStepId, progress: Progress): Promise<StepResult> {
  const [kind, target = ''] = splitStep(step);
  switch (kind) {
    case 'merge':
      return merge(ctx, state, target, progress);
    case 'fast-forward':
      return fastForward(ctx, state, target, progress);
    case 'cherry-pick':
      return cherryPick(ctx, state, target, progress);
    case 'tag':
      return tag(ctx, state, progress);
    case 'delete-branch':
      return deleteBranch(ctx, state, progress);
    case 'push':
      return push(ctx, state, progress);
    case 'push-branch':
    case 'open':
    case 'await':
    case 'tag-merge':
    case 'pick':
    case 'delete-merged':
      if (!ctx.forge) throw new Error('this finish goes through pull requests, and no forge is open (its token?)');
      return runPullStep(ctx, ctx.forge, state, kind, target, progress);
    default:
      throw new Error(`unknown finish step ${step}`);
  }
}

function splitStep(step: FinishStepId): [string, string?] {
  const at = step.indexOf(':');
  return at < 0 ? [step] : [step.slice(0, at), step.slice(at + 1)];
}

async function merge(ctx: HotfixContext, state: FinishState, target: string, progress: Progress): Promise<StepResult> {
  const { git } = ctx;
  if ((await git.inProgress()) === 'merge') {
    // Resuming after a conflict: commit the resolution once nothing is left unmerged.
    const conflicted = (await git.status()).conflicted;
    if (conflicted.length > 0) {
      return { kind: 'conflict', state, files: conflicted };
    }
    progress(`Committing the resolved merge into ${target}`);
    const sha = await git.commitMerge();
    await audit(ctx, { action: 'hotfix.finish.merge', subject: target, before: state.original.branches[target], after: sha, details: { branch: state.branch, resolved: true } });
    return { kind: 'done', state };
  }
  if (await git.isAncestor(state.hotfixSha, `refs/heads/${target}`)) {
    return { kind: 'done', state }; // merged already (by this finish before a crash, or by hand)
  }
  progress(`Merging ${state.branch} into ${target} (a merge commit: git merge --no-ff)`);
  await git.checkout(target);
  const outcome = await git.mergeNoFastForward(state.branch, `Merge ${state.branch} into ${target}\n\nHotfix ${state.issueKey}.`);
  if (outcome.kind === 'conflict') {
    return { kind: 'conflict', state, files: outcome.files };
  }
  await audit(ctx, { action: 'hotfix.finish.merge', subject: target, before: state.original.branches[target], after: outcome.sha, details: { branch: state.branch } });
  return { kind: 'done', state };
}

async function fastForward(ctx: HotfixContext, state: FinishState, target: string, progress: Progress): Promise<StepResult> {
  const { git } = ctx;
  if (await git.isAncestor(state.hotfixSha, `refs/heads/${target}`)) {
    return { kind: 'done', state };
  }
  progress(`Fast-forwarding ${target} to ${state.branch}`);
  await git.checkout(target);
  const outcome = await git.mergeFastForwardOnly(state.branch);
  if (outcome.kind === 'refused') {
    return {
      kind: 'refused',
      state,
      reason: `${target} cannot be fast-forwarded to ${state.branch}: ${target} has commits the hotfix branch does not (${outcome.reason}).`,
      hint: `Rebase the hotfix onto ${target} (git rebase ${target} ${state.branch}), test it again, then finish.`,
    };
  }
  await audit(ctx, { action: 'hotfix.finish.fast-forward', subject: target, before: state.original.branches[target], after: outcome.sha, details: { branch: state.branch } });
  return { kind: 'done', state };
}

/** Cherry-picks (with -x) the hotfix commits the target does not have yet. */
async function cherryPick(ctx: HotfixContext, state: FinishState, target: string, progress: Progress): Promise<StepResult> {
  const { git } = ctx;
  if ((await git.inProgress()) === 'cherry-pick') {
    const conflicted = (await git.status()).conflicted;
    if (conflicted.length > 0) {
      return { kind: 'conflict', state, files: conflicted };
    }
    progress(`Continuing the cherry-pick onto ${target}`);
    const outcome = await git.continueCherryPick();
    if (outcome.kind === 'conflict') {
      return { kind: 'conflict', state, files: outcome.files };
    }
  }
  const base = state.original.branches[state.productionBranch] ?? state.productionBranch;
  const commits = await git.commits(base, state.hotfixSha, { noMerges: true });
  const targetStart = state.original.branches[target] ?? target;
  const picked = (await git.messages(targetStart, `refs/heads/${target}`)).join('\n');
  const remaining = commits.filter((c) => !picked.includes(`(cherry picked from commit ${c.sha})`));
  if (remaining.length === 0) {
    await audit(ctx, { action: 'hotfix.finish.cherry-pick', subject: target, before: targetStart, after: (await git.resolveCommit(target)) ?? '', details: { commits: commits.length } });
    return { kind: 'done', state };
  }
  progress(`Cherry-picking ${remaining.length} commit(s) onto ${target}`);
  await git.checkout(target);
  const outcome = await git.cherryPick(remaining.map((c) => c.sha));
  if (outcome.kind === 'conflict') {
    return { kind: 'conflict', state, files: outcome.files };
  }
  await audit(ctx, { action: 'hotfix.finish.cherry-pick', subject: target, before: targetStart, after: outcome.sha, details: { commits: commits.length } });
  return { kind: 'done', state };
}

async function tag(ctx: HotfixContext, state: FinishState, progress: Progress): Promise<StepResult> {
  const { git } = ctx;
  const productionSha = await git.resolveCommit(`refs/heads/${state.productionBranch}`);
  if (productionSha === undefined || state.baselineVersion === undefined) {
    throw new Error(`cannot tag: ${productionSha === undefined ? `no ${state.productionBranch} branch` : 'no baseline version'}`);
  }
  if (state.tag !== undefined && (await git.resolveCommit(`refs/tags/${state.tag}`)) === productionSha) {
    return { kind: 'done', state };
  }
  // The remote's tags count too: one pushed there meanwhile would make our push fail on every --continue.
  const remoteTags = state.remote !== undefined ? await git.remoteTags(state.remote) : undefined;
  const taken = new Set([...(await git.tagNames()), ...(remoteTags?.keys() ?? [])]);
  const name = nextPatchTag(state.baselineVersion, state.tagPrefix, taken);
  progress(`Tagging ${state.productionBranch} as ${name}`);
  const withTag: FinishState = { ...state, tag: name };
  await ctx.store.write(FINISH_KEY, withTag);
  await git.createAnnotatedTag(name, productionSha, `${name}: hotfix ${state.issueKey}\n\nFinished from ${state.branch} by ${state.actor}.`);
  await audit(ctx, { action: 'hotfix.finish.tag', subject: name, after: productionSha, details: { branch: state.branch } });
  return { kind: 'done', state: withTag };
}

async function deleteBranch(ctx: HotfixContext, state: FinishState, progress: Progress): Promise<StepResult> {
  const { git } = ctx;
  const sha = await git.resolveCommit(`refs/heads/${state.branch}`);
  if (sha === undefined) {
    return { kind: 'done', state };
  }
  if (sha !== state.hotfixSha) {
    throw new Error(`${state.branch} moved during the finish (now ${sha.slice(0, 8)}, was ${state.hotfixSha.slice(0, 8)}); its new commits are not merged`);
  }
  if (!(await git.isAncestor(state.hotfixSha, `refs/heads/${state.productionBranch}`))) {
    throw new Error(`${state.productionBranch} does not contain ${state.branch}; not deleting it`);
  }
  if ((await git.currentBranch()) === state.branch) {
    await git.checkout(state.productionBranch);
  }
  progress(`Deleting ${state.branch}`);
  await git.deleteBranch(state.branch);
  await audit(ctx, { action: 'hotfix.finish.delete-branch', subject: state.branch, before: sha });
  return { kind: 'done', state };
}

async function push(ctx: HotfixContext, state: FinishState, progress: Progress): Promise<StepResult> {
  const { git } = ctx;
  const remote = state.remote;
  if (remote === undefined) {
    return { kind: 'done', state };
  }
  const branches = Object.keys(state.original.branches).filter((b) => b !== state.branch);
  const refspecs = branches.map((b) => `refs/heads/${b}:refs/heads/${b}`);
  if (state.tag !== undefined) {
    refspecs.push(`refs/tags/${state.tag}:refs/tags/${state.tag}`);
  }
  if ((await git.remoteBranches()).includes(`${remote}/${state.branch}`)) {
    refspecs.push(`:refs/heads/${state.branch}`);
  }
  const started: FinishState = { ...state, pushStarted: true };
  await ctx.store.write(FINISH_KEY, started);
  progress(`Pushing ${[...branches, ...(state.tag ? [state.tag] : [])].join(', ')} to ${remote}`);
  try {
    await git.push(remote, refspecs);
  } catch (error) {
    throw await explainPushFailure(ctx, state, error);
  }
  await audit(ctx, { action: 'hotfix.finish.push', subject: remote, details: { refs: refspecs.join(' ') } });
  return { kind: 'done', state: started };
}

/**
 * A push refused because the remote already has our tag at another commit (someone finished a
 * hotfix meanwhile) would fail the same way on every continue: say so, and how to get out.
 */
async function explainPushFailure(ctx: HotfixContext, state: FinishState, error: unknown): Promise<Error> {
  const message = error instanceof Error ? error.message.trim() : String(error);
  if (state.tag === undefined || state.remote === undefined) return new Error(message);
  const [theirs, ours] = await Promise.all([ctx.git.remoteTags(state.remote), ctx.git.resolveCommit(`refs/tags/${state.tag}`)]);
  const remoteSha = theirs?.get(state.tag);
  if (remoteSha === undefined || remoteSha === ours) return new Error(message);
  return new Error(
    `${state.remote} already has the tag ${state.tag}, at ${remoteSha.slice(0, 8)}, not this finish's ${ours?.slice(0, 8) ?? ''}: ` +
      `someone released it meanwhile, and continuing would repeat this push. Abort the finish, fetch (git fetch --tags ${state.remote}), then finish again.`,
  );
}
