// What the hotfix engine keeps in the state store: one record per created hotfix branch, and the
// state machine of the finish in progress (at most one per repository, since it moves the work tree).

import type { BranchingModel } from '../config/types';
import type { Severity } from '../severity';

export interface Baseline {
  /** What the branch was created from, as given: a tag, `production`, a ref. */
  readonly ref: string;
  readonly sha: string;
  /** The highest release tag reachable from the base, when there is one: the version to bump. */
  readonly tag?: string;
  readonly version?: string;
}

export interface HotfixRecord {
  readonly branch: string;
  readonly issueKey: string;
  readonly title: string;
  readonly issueUrl?: string;
  readonly severity?: Severity;
  readonly model: BranchingModel;
  readonly baseline: Baseline;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly finished?: { readonly at: string; readonly tag?: string; readonly productionSha: string };
}

export type FinishStepId =
  | `merge:${string}`
  | `fast-forward:${string}`
  | `cherry-pick:${string}`
  | 'tag'
  | 'delete-branch'
  | 'push'
  // git.finish: pull-request (finish-pr.ts)
  | 'push-branch'
  | `open:${string}`
  | `await:${string}`
  | 'tag-merge'
  /** trunk: the hotfix's commits cherry-picked onto a branch from the remote's main, pushed for its request. */
  | `pick:${string}`
  | 'delete-merged';

/** A pull (merge) request of a finish, by the branch it goes into. */
export interface FinishPull {
  readonly number: number;
  readonly url: string;
  /** Opened by this finish (an abort closes it), or found open already (left as it is). */
  readonly opened: boolean;
  readonly mergeCommit?: string;
}

export interface FinishState {
  readonly version: 1;
  readonly branch: string;
  readonly issueKey: string;
  readonly model: BranchingModel;
  readonly productionBranch: string;
  readonly remote?: string;
  readonly tagPrefix: string;
  readonly startedAt: string;
  readonly actor: string;
  /** The hotfix tip when the finish began: these commits must stay reachable until it is done. */
  readonly hotfixSha: string;
  readonly baselineVersion?: string;
  /** Where everything was before the finish, so --abort can put it back. */
  readonly original: {
    /** The branch checked out, or undefined when HEAD was detached at `headSha`. */
    readonly head?: string;
    readonly headSha: string;
    readonly branches: Readonly<Record<string, string>>;
  };
  readonly plan: readonly FinishStepId[];
  readonly done: readonly FinishStepId[];
  readonly tag?: string;
  readonly pushStarted?: boolean;
  readonly stopped?: { readonly step: FinishStepId; readonly files: readonly string[]; readonly at: string };
  /** git.finish: pull-request: the forge, the requests by base branch, and the branches this finish pushed. */
  readonly forge?: { readonly kind: 'github' | 'gitlab'; readonly repository: string; readonly web: string };
  readonly pulls?: Readonly<Record<string, FinishPull>>;
  readonly pushedBranches?: readonly string[];
  /** What the request's description carries beside the commits: the issue, the incident, the validation. */
  readonly about?: FinishAbout;
  readonly lastError?: { readonly step: FinishStepId; readonly message: string; readonly at: string };
}

export const FINISH_KEY = 'finish';
export const HOTFIX_PREFIX_KEY = 'hotfixes/';

export function hotfixKey(branch: string): string {
  return `${HOTFIX_PREFIX_KEY}${encodeURIComponent(branch)}`;
}

/** What a finish's pull request says about the hotfix, gathered by the application layer. */
export interface FinishAbout {
  readonly issueUrl?: string;
  readonly title?: string;
  readonly incident?: { readonly id: string; readonly severity: string; readonly title: string };
  /** The validation result of the hotfix commit, in a line. */
  readonly validation?: string;
}
