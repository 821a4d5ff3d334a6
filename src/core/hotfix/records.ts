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
  | 'push';

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
  readonly lastError?: { readonly step: FinishStepId; readonly message: string; readonly at: string };
}

export const FINISH_KEY = 'finish';
export const HOTFIX_PREFIX_KEY = 'hotfixes/';

export function hotfixKey(branch: string): string {
  return `${HOTFIX_PREFIX_KEY}${encodeURIComponent(branch)}`;
}
