// What the hotfix engine needs from git. The simple-git adapter implements it; every call maps to
// one or two git commands with arguments as arrays. Expected outcomes (a conflict, a refused
// fast-forward) are values; a thrown error means git itself failed.

export interface TagRef {
  readonly name: string;
  /** The commit the tag points at (peeled). */
  readonly sha: string;
  /** That commit's committer date (strict ISO 8601), when the read that found the tag gave it. */
  readonly date?: string;
}

export interface CommitInfo {
  readonly sha: string;
  readonly subject: string;
  readonly author: string;
  /** ISO 8601 commit date. */
  readonly date: string;
  readonly parents: number;
}

export type MergeOutcome = { readonly kind: 'merged'; readonly sha: string } | { readonly kind: 'conflict'; readonly files: readonly string[] };

export type FastForwardOutcome = { readonly kind: 'merged'; readonly sha: string } | { readonly kind: 'refused'; readonly reason: string };

export interface WorkTreeStatus {
  /** Tracked files with staged or unstaged changes. */
  readonly changed: readonly string[];
  readonly untracked: readonly string[];
  readonly conflicted: readonly string[];
}

/** An operation git itself has in progress in the work tree. */
export type GitInProgress = 'merge' | 'cherry-pick' | 'rebase' | 'revert' | undefined;

export interface GitRepo {
  readonly root: string;

  currentBranch(): Promise<string | undefined>;
  status(): Promise<WorkTreeStatus>;
  inProgress(): Promise<GitInProgress>;
  localBranches(): Promise<string[]>;
  /** Remote-tracking branches as `<remote>/<branch>`. */
  remoteBranches(): Promise<string[]>;
  remotes(): Promise<string[]>;
  /** The commit a ref names, or undefined when it names none. */
  resolveCommit(ref: string): Promise<string | undefined>;
  /** Tags whose commit is reachable from `ref` (all tags when ref is undefined), or only those of `names`. */
  tags(ref?: string, names?: readonly string[]): Promise<TagRef[]>;
  /** Every tag's name, without the commits: what prefix detection and the release order need. */
  tagNames(): Promise<string[]>;
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /** Commits in `head` not in `base`, oldest first; `noMerges` leaves merge commits out. */
  commits(base: string, head: string, options?: { noMerges?: boolean }): Promise<CommitInfo[]>;
  countCommits(base: string, head: string): Promise<number>;
  /** One commit's details, or undefined when the ref names none. */
  commit(ref: string): Promise<CommitInfo | undefined>;
  /** `Name <email>` of the configured git user, or undefined. */
  identity(): Promise<string | undefined>;
  /** Subjects and bodies of commits in `base..head`, for cherry-pick trailers. */
  messages(base: string, head: string): Promise<string[]>;

  /** Creates the branch at `startPoint` and checks it out, in one step. */
  createAndCheckout(name: string, startPoint: string): Promise<void>;
  checkout(branch: string): Promise<void>;
  checkoutDetached(ref: string): Promise<void>;
  /** Moves a branch that is not checked out; refuses when it moved from `expectedOld` meanwhile. */
  setBranch(name: string, sha: string, expectedOld?: string): Promise<void>;
  deleteBranch(name: string): Promise<void>;
  mergeNoFastForward(branch: string, message: string): Promise<MergeOutcome>;
  mergeFastForwardOnly(branch: string): Promise<FastForwardOutcome>;
  /** Commits the merge in progress with its prepared message (after conflicts were resolved). */
  commitMerge(): Promise<string>;
  abortMerge(): Promise<void>;
  cherryPick(shas: readonly string[]): Promise<MergeOutcome>;
  continueCherryPick(): Promise<MergeOutcome>;
  abortCherryPick(): Promise<void>;
  createAnnotatedTag(name: string, sha: string, message: string): Promise<void>;
  deleteTag(name: string): Promise<void>;
  stash(message: string): Promise<void>;
  /** Pushes refspecs atomically where the remote allows (`--atomic`). */
  push(remote: string, refspecs: readonly string[]): Promise<void>;
  /** True in a shallow clone, whose history (and so its reachable tags) stops early. */
  isShallow(): Promise<boolean>;
  /** The remote's tags and the commits they name (`git ls-remote --tags`); undefined when it cannot be reached. */
  remoteTags(remote: string): Promise<Map<string, string> | undefined>;
  /** Fetches refspecs from the remote (a merged pull request's base, for its merge commit). */
  fetch(remote: string, refspecs: readonly string[]): Promise<void>;
  /** The remote's fetch address (its forge is read from it); undefined when there is no such remote. */
  remoteUrl(remote: string): Promise<string | undefined>;
}
