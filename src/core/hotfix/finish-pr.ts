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
  /** The request is not merged yet: the finish waits (resumable), saying what it waits for. */
  | { readonly kind: 'waiting'; readonly state: FinishState; readonly target: string; readonly pull: PullRequestView; readonly note?: string };

/** The plan: production first (and the tag on its merge), then every back-merge, then the branch goes. */
export function pullRequestPlan(targets: readonly string[], production: string, tag: boolean): FinishStepId[] {
  const back = targets.filter((t) => t !== production);
  return [
    'push-branch',
    `open:${production}`,
    `await:${production}`,
    ...(tag ? (['tag-merge'] as const) : []),
    ...back.map((t): FinishStepId => `open:${t}`),
    ...back.map((t): FinishStepId => `await:${t}`),
    'delete-merged',
  ];
}

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
  const title = `${back ? `Back-merge ${state.branch} into ${target}` : `Hotfix ${state.issueKey}`}${about.title ? `: ${about.title}` : ''}`;
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
  const found = await forge.findOpen(state.branch, target);
  let pull: FinishPull;
  if (found) {
    progress(`Found ${forge.noun} #${found.number} from ${state.branch} into ${target}: ${found.url}`);
    pull = { number: found.number, url: found.url, opened: false };
  } else {
    const { title, body } = await describe(ctx, state, target);
    progress(`Opening a ${forge.noun} from ${state.branch} into ${target}`);
    const opened = await forge.open({ head: state.branch, base: target, title, body });
    pull = { number: opened.number, url: opened.url, opened: true };
  }
  const next = await save(ctx, { ...state, pulls: { ...state.pulls, [target]: pull } });
  await audit(ctx, { action: 'hotfix.finish.pull-request', subject: target, details: { branch: state.branch, number: pull.number, url: pull.url, opened: pull.opened } });
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
    const merged = await mergedByHand(ctx, state, target);
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
    const taken = new Set([...(await git.tags()).map((t) => t.name), ...remoteTags.keys()]);
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

/** Merged everywhere: the hotfix branch goes, on the remote and here. */
async function deleteMerged(ctx: HotfixContext, state: FinishState, progress: Progress): Promise<PullStepResult> {
  const { git } = ctx;
  const remote = remoteOf(state);
  // Gone already when the forge deletes merged branches: the fetch then finds nothing to delete.
  const onRemote = await git.fetch(remote, [`+refs/heads/${state.branch}:refs/remotes/${remote}/${state.branch}`]).then(() => true, () => false);
  if (onRemote) {
    progress(`Deleting ${state.branch} from ${remote}`);
    await git.push(remote, [`:refs/heads/${state.branch}`]);
  }
  const local = await git.resolveCommit(`refs/heads/${state.branch}`);
  if (local !== undefined) {
    if ((await git.currentBranch()) === state.branch) await git.checkoutDetached(local);
    progress(`Deleting ${state.branch}`);
    await git.deleteBranch(state.branch);
  }
  await audit(ctx, { action: 'hotfix.finish.delete-branch', subject: state.branch, before: state.hotfixSha, details: { remote } });
  return { kind: 'done', state };
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
  } else {
    return { reason: 'A trunk finish through pull requests (into production, then the cherry-pick request into main) is not built yet.', hint: 'Set git.finish: direct for a trunk repository for now.' };
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
  return { undone: await abortPulls(ctx, ctx.forge, state, progress) };
}
