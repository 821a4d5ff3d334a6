// Creating a hotfix branch: validate the input, choose the base (the production release tag in
// gitflow, the production tip in trunk, or the base asked for), refuse anything that would change
// the repository unexpectedly, then branch, check out and record the baseline.

import { issueUrl } from '../config/defaults';
import type { BranchingModel } from '../config/types';
import { remedy } from '../remedy';
import { failed, succeeded, type Result } from '../result';
import type { Severity } from '../severity';
import { actorOf, audit, type HotfixContext, type Progress } from './context';
import { hotfixBranchName, parseIssueKey } from './naming';
import { hotfixKey, type Baseline, type HotfixRecord } from './records';
import { highestReachableRelease } from './versions';

export interface CreateInput {
  readonly issue: string;
  readonly title: string;
  /** `production`, a tag or any ref; default: the model's base. */
  readonly from?: string;
  /** How the record names the base when `from` is a commit found elsewhere (`running:production`). */
  readonly baseRef?: string;
  readonly severity?: Severity;
  readonly model?: BranchingModel;
}

/** A refusal because of uncommitted changes, so a front end can offer to stash them. */
export interface DirtyTreeFailure {
  readonly ok: false;
  readonly reason: string;
  readonly hint: string;
  readonly dirtyFiles: readonly string[];
}

export async function createHotfix(
  ctx: HotfixContext,
  input: CreateInput,
  progress: Progress = () => undefined,
): Promise<Result<HotfixRecord> | DirtyTreeFailure> {
  const key = parseIssueKey(input.issue);
  if (!key.ok) {
    return key;
  }
  const branch = hotfixBranchName(key.value, input.title);
  const model = input.model ?? ctx.settings.model;
  const { git, settings } = ctx;

  progress('Checking the work tree');
  // Independent reads, run together (each git command is a process; choosing the base lists the tags
  // merged into production, the slow part, so it is queued first). Their results are read in the
  // order the checks are made, so a refusal or an error surfaces exactly where it did one by one.
  const [baselineRead, busyRead, statusRead, branchesRead, beforeRead, actorRead] = await Promise.allSettled([
    chooseBase(ctx, model, input.from),
    git.inProgress(),
    git.status(),
    Promise.all([git.localBranches(), git.remoteBranches()]),
    git.currentBranch(),
    actorOf(ctx),
  ]);
  const busy = settled(busyRead);
  if (busy) {
    return failed(`A git ${busy} is in progress in ${git.root}.`, `Finish or abort it (git ${busy} --continue or --abort) first.`);
  }
  const status = settled(statusRead);
  if (status.changed.length > 0 || status.conflicted.length > 0) {
    const files = [...status.conflicted, ...status.changed];
    return {
      ok: false,
      reason: `The work tree has uncommitted changes (${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''}).`,
      hint: 'Commit or stash them first (git stash push), so they do not travel onto the hotfix branch.',
      dirtyFiles: files,
    };
  }

  const [locals, remotes] = settled(branchesRead);
  const remoteName = settings.remote;
  if (locals.includes(branch) || (remoteName !== undefined && remotes.includes(`${remoteName}/${branch}`))) {
    return failed(
      `The branch ${branch} already exists${locals.includes(branch) ? '' : ` on ${remoteName}`}.`,
      `Switch to it (git switch ${branch}) to continue that hotfix, or use another issue key or title.`,
    );
  }

  progress('Finding the base');
  const chosen = settled(baselineRead);
  if (!chosen.ok) {
    return chosen;
  }
  const baseline = input.baseRef !== undefined && input.from !== undefined ? succeeded({ ...chosen.value, ref: input.baseRef }) : chosen;

  progress(`Creating ${branch} from ${input.baseRef ?? baseline.value.tag ?? baseline.value.ref} (${baseline.value.sha.slice(0, 8)})`);
  const before = settled(beforeRead);
  await git.createAndCheckout(branch, baseline.value.sha);

  const link = issueUrl(ctx.trackerUrlTemplate, key.value);
  const record: HotfixRecord = {
    branch,
    issueKey: key.value,
    title: input.title.trim(),
    model,
    baseline: baseline.value,
    createdAt: ctx.clock.now().toISOString(),
    createdBy: settled(actorRead),
    ...(link !== undefined ? { issueUrl: link } : {}),
    ...(input.severity !== undefined ? { severity: input.severity } : {}),
  };
  await ctx.store.write(hotfixKey(branch), record);
  await audit(ctx, {
    action: 'hotfix.create',
    subject: branch,
    after: baseline.value.sha,
    details: {
      issue: key.value,
      base: input.baseRef ?? baseline.value.tag ?? baseline.value.ref,
      model,
      ...(before !== undefined ? { previousBranch: before } : {}),
      ...(input.severity !== undefined ? { severity: input.severity } : {}),
    },
  });
  return succeeded(record);
}

/** The value of a read started early, or its error, thrown where the read used to be awaited. */
function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') {
    throw result.reason;
  }
  return result.value;
}

/** The base a new hotfix branch starts from; front ends show it before creating. */
export async function chooseBase(ctx: HotfixContext, model: BranchingModel, from: string | undefined): Promise<Result<Baseline>> {
  const { git, settings } = ctx;
  const production = settings.productionBranch;
  const releaseBase = from === undefined && model === 'gitflow';
  const [productionRead, releaseRead] = await Promise.allSettled([
    git.resolveCommit(production),
    releaseBase ? highestReachableRelease(git, settings.tagPrefix, production) : Promise.resolve(undefined),
  ]);
  const productionSha = settled(productionRead);
  if (productionSha === undefined) {
    return failed(`The production branch ${production} does not exist here.`, 'Fetch it (git fetch) or set git.productionBranch in .hotfix/config.yaml.');
  }

  if (releaseBase) {
    const release = settled(releaseRead);
    if (!release) {
      // A shallow clone (CI's default) stops its history early: the tags exist, they are just not here.
      if (await git.isShallow()) {
        return failed(
          `No release tag (${settings.tagPrefix}X.Y.Z) is reachable from ${production} in this shallow clone.`,
          `Fetch the whole history and the tags (git fetch --unshallow --tags), then run it again; do not tag the release again.`,
        );
      }
      return failed(
        `No release tag (${settings.tagPrefix}X.Y.Z) is reachable from ${production}.`,
        `Tag the release running in production, or branch from the production tip.`,
        [remedy('create', { from: 'production' })],
      );
    }
    return succeeded({ ref: release.name, sha: release.sha, tag: release.name, version: release.version });
  }

  const ref = from === undefined || from === 'production' ? production : from;
  if (ref.startsWith('-')) {
    return failed(`"${ref}" is not a tag or branch name.`, 'Name a tag, a branch or a commit to branch from.');
  }
  const sha = await git.resolveCommit(ref);
  if (sha === undefined) {
    return failed(`Cannot find "${ref}" to branch from.`, 'Name an existing tag, branch or commit (git tag --list shows the tags).');
  }
  // The version to bump when finishing: the highest release reachable from the base.
  const release = await highestReachableRelease(ctx.git, ctx.settings.tagPrefix, sha);
  return succeeded({
    ref: from === undefined ? production : from,
    sha,
    ...(release ? { tag: release.name, version: release.version } : {}),
  });
}
