// The hotfix picture of a repository: the production baseline, each hotfix branch (local and on the
// remote) with its issue, baseline and commits ahead, and where an unfinished finish stands.

import { issueUrl } from '../config/defaults';
import type { HotfixContext } from './context';
import { parseHotfixBranch } from './naming';
import type { CommitInfo } from './ports';
import { FINISH_KEY, hotfixKey, type Baseline, type FinishState, type FinishStepId, type HotfixRecord } from './records';
import { highestReachableRelease } from './versions';

export interface HotfixBranchStatus {
  readonly name: string;
  readonly issueKey: string;
  readonly issueUrl?: string;
  readonly title?: string;
  readonly severity?: string;
  readonly local: boolean;
  readonly remote: boolean;
  readonly sha: string;
  /** Commits on the branch that production does not have, oldest first. */
  readonly commits: readonly CommitInfo[];
  readonly baseline?: Baseline;
  readonly current: boolean;
}

export interface FinishProgress {
  readonly branch: string;
  readonly done: readonly FinishStepId[];
  readonly next?: FinishStepId;
  readonly stopped?: FinishState['stopped'];
  readonly lastError?: FinishState['lastError'];
  readonly tag?: string;
  /** git.finish: pull-request: the requests by base branch (the one waited on is `next`'s). */
  readonly pulls?: FinishState['pulls'];
}

export interface HotfixStatus {
  readonly root: string;
  readonly model: string;
  readonly production: { readonly branch: string; readonly sha?: string; readonly tag?: string; readonly tagSha?: string; readonly date?: string };
  readonly branches: readonly HotfixBranchStatus[];
  readonly finish?: FinishProgress;
}

export async function hotfixStatus(ctx: HotfixContext): Promise<HotfixStatus> {
  const { git, settings, store } = ctx;
  const production = settings.productionBranch;
  const [productionSha, locals, remotes, current, finish, release] = await Promise.all([
    git.resolveCommit(production),
    git.localBranches(),
    git.remoteBranches(),
    git.currentBranch(),
    store.read<FinishState>(FINISH_KEY),
    highestReachableRelease(git, settings.tagPrefix, production),
  ]);
  const prefix = settings.remote !== undefined ? `${settings.remote}/` : undefined;
  const names = new Set<string>(locals.filter((b) => parseHotfixBranch(b)));
  const onRemote = new Set<string>();
  for (const remoteBranch of remotes) {
    if (prefix !== undefined && remoteBranch.startsWith(prefix)) {
      const name = remoteBranch.slice(prefix.length);
      if (parseHotfixBranch(name)) {
        names.add(name);
        onRemote.add(name);
      }
    }
  }

  const branches = await Promise.all(
    [...names].sort().map(async (name): Promise<HotfixBranchStatus> => {
      const local = locals.includes(name);
      const ref = local ? `refs/heads/${name}` : `refs/remotes/${prefix ?? ''}${name}`;
      const [sha, commits, record] = await Promise.all([
        git.resolveCommit(ref),
        productionSha ? git.commits(productionSha, ref) : Promise.resolve([]),
        store.read<HotfixRecord>(hotfixKey(name)),
      ]);
      const issueKey = record?.issueKey ?? parseHotfixBranch(name)?.issueKey ?? name;
      const link = record?.issueUrl ?? issueUrl(ctx.trackerUrlTemplate, issueKey);
      return {
        name,
        issueKey,
        local,
        remote: onRemote.has(name),
        sha: sha ?? '',
        commits,
        current: current === name,
        ...(link !== undefined ? { issueUrl: link } : {}),
        ...(record ? { title: record.title, baseline: record.baseline, ...(record.severity ? { severity: record.severity } : {}) } : {}),
      };
    }),
  );

  const tagDate = release ? (release.date ?? (await git.commit(release.sha))?.date) : undefined;
  return {
    root: git.root,
    model: settings.model,
    production: {
      branch: production,
      ...(productionSha ? { sha: productionSha } : {}),
      ...(release ? { tag: release.name, tagSha: release.sha } : {}),
      ...(tagDate ? { date: tagDate } : {}),
    },
    branches,
    ...(finish ? { finish: finishProgress(finish) } : {}),
  };
}

export function finishProgress(state: FinishState): FinishProgress {
  const next = state.plan.find((step) => !state.done.includes(step));
  return {
    branch: state.branch,
    done: state.done,
    ...(next !== undefined ? { next } : {}),
    ...(state.stopped ? { stopped: state.stopped } : {}),
    ...(state.lastError ? { lastError: state.lastError } : {}),
    ...(state.tag !== undefined ? { tag: state.tag } : {}),
    ...(state.pulls ? { pulls: state.pulls } : {}),
  };
}
